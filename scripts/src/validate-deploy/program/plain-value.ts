/**
 * Turns the inputs a mock monitor received into JSON: promises awaited, Pulumi assets
 * reduced to `{ $asset: "file", path }` / `{ $asset: "string", text }`, resource references to
 * `{ $resource: urn }`. The parent process reads helm value files through these paths.
 */
export async function plainValue(v: unknown, depth = 0): Promise<unknown> {
  if (depth > 64) return undefined;
  if (v instanceof Promise) return plainValue(await v, depth + 1);
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return Promise.all(v.map((x) => plainValue(x, depth + 1)));
  const o = v as Record<string, unknown>;
  // pulumi.asset.FileAsset / StringAsset carry `__pulumiAsset` and a promised `path` / `text`.
  if (o.__pulumiAsset === true) {
    const path = await o.path;
    if (typeof path === "string") return { $asset: "file", path };
    const text = await o.text;
    if (typeof text === "string") return { $asset: "string", text };
    return { $asset: "unknown" };
  }
  if (o.__pulumiResource === true || (typeof o.urn === "object" && o.urn !== null && "apply" in o.urn)) {
    const urn = await new Promise<unknown>((resolve) =>
      (o.urn as { apply: (f: (u: unknown) => void) => void }).apply(resolve),
    );
    return { $resource: urn };
  }
  const proto = Object.getPrototypeOf(o);
  if (proto !== null && proto?.constructor?.name !== "Object") {
    // An Output that was never unwrapped (should not happen with mocks): resolve it.
    if (typeof (o as { apply?: unknown }).apply === "function")
      return plainValue(
        await new Promise((resolve) => (o as { apply: (f: (x: unknown) => void) => void }).apply(resolve)),
        depth + 1,
      );
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) out[k] = await plainValue(x, depth + 1);
  return out;
}

/** The wire signature Pulumi marks a secret with in serialized state. */
const SECRET_SIG = ["4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270"] as const;

/** Serialized state with secret wrappers replaced by their values. */
export function unwrapSecrets(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (v === null || typeof v !== "object") return v;
  const o = v as Record<string, unknown>;
  if (o[SECRET_SIG[0]] === SECRET_SIG[1]) return unwrapSecrets(o.value);
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unwrapSecrets(x)]));
}
