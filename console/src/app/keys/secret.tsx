import { useState } from "preact/hooks";

/** A freshly minted or rotated key, shown once with a copy button. */
export function SecretOnce({ title, secret, onDone }: { title: string; secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      // Clipboard needs a secure context (https or localhost); the field can still be selected.
      setCopied(false);
    }
  };
  return (
    <div class="secret" role="alert" aria-live="assertive">
      <strong>{title}</strong>
      <p>This key is shown once. Copy it now: the router keeps only its hash.</p>
      <div class="row">
        <input
          class="mono"
          readOnly
          value={secret}
          aria-label="New key"
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" onClick={copy}>
          {copied ? "Copied" : "Copy"}
        </button>
        <button type="button" class="secondary" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
