import { useEffect, useRef, useState } from "preact/hooks";
import { json } from "../api.js";
import { Field } from "../field.js";
import { fmtMs, fmtUsd } from "../format.js";
import { type ChatRequest, type ChatResult, sendChat } from "./chat.js";
import { streamedCost } from "./stream-cost.js";

interface ModelEntry {
  id: string;
  targets?: string[];
}

const STRATEGIES = ["", "hybrid", "cost", "latency", "cluster_first", "external_first"];

interface Lane {
  text: string;
  result?: ChatResult;
  busy: boolean;
}

/** Send a prompt (to one target, or the same prompt to two side by side) and see how it was routed. */
export function Playground() {
  const [models, setModels] = useState<ModelEntry[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [model, setModel] = useState("");
  const [strategy, setStrategy] = useState("");
  const [target, setTarget] = useState("");
  const [target2, setTarget2] = useState("");
  const [region, setRegion] = useState("");
  const [system, setSystem] = useState("");
  const [prompt, setPrompt] = useState("");
  const [stream, setStream] = useState(true);
  const [maxTokens, setMaxTokens] = useState(64);
  const [sideBySide, setSideBySide] = useState(false);
  const [lanes, setLanes] = useState<Lane[]>([]);
  const abort = useRef<AbortController | null>(null);

  useEffect(() => {
    json<{ data: ModelEntry[] }>("/v1/models")
      .then((r) => {
        setModels(r.data);
        if (r.data[0]) setModel((m) => m || r.data[0]!.id);
      })
      .catch((e: Error) => setLoadError(e.message));
    return () => abort.current?.abort();
  }, []);

  const targets = models.find((m) => m.id === model)?.targets ?? [];
  const busy = lanes.some((l) => l.busy);

  const send = async (e: Event) => {
    e.preventDefault();
    if (!prompt.trim() || busy) return;
    abort.current?.abort();
    const ac = new AbortController();
    abort.current = ac;
    const base: ChatRequest = { model, system, prompt, stream, maxTokens, strategy, region: region.trim() };
    const pins = sideBySide ? [target, target2] : [target];
    setLanes(pins.map(() => ({ text: "", busy: true })));
    const update = (i: number, patch: Partial<Lane>) =>
      setLanes((ls) => ls.map((l, j) => (j === i ? { ...l, ...patch } : l)));
    await Promise.all(
      pins.map(async (pin, i) => {
        const result = await sendChat(
          { ...base, target: pin },
          (text) => update(i, { text }),
          ac.signal,
        ).catch((err: Error) => ({ error: err.message }) as ChatResult);
        update(i, { result, busy: false, text: result.text ?? "" });
        // A stream's cost comes after it, in the router's decision event for this request.
        if (result.costUsd === null && !result.error && result.requestId) {
          const eventCostUsd = await streamedCost(result.requestId);
          // Only onto this answer: a newer send may have replaced the lane meanwhile.
          setLanes((ls) =>
            ls.map((l, j) =>
              j === i && l.result?.requestId === result.requestId
                ? { ...l, result: { ...result, eventCostUsd } }
                : l,
            ),
          );
        }
      }),
    );
  };

  return (
    <div class="playground">
      <form class="card controls" onSubmit={send} aria-label="Request">
        {loadError && (
          <p role="alert" class="error">
            Models: {loadError}
          </p>
        )}
        <div class="grid">
          <Field label="Model">
            <select value={model} onChange={(e) => setModel(e.currentTarget.value)}>
              {models.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.id}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Strategy">
            <select value={strategy} onChange={(e) => setStrategy(e.currentTarget.value)}>
              {STRATEGIES.map((s) => (
                <option key={s} value={s}>
                  {s || "router default"}
                </option>
              ))}
            </select>
          </Field>
          <TargetPicker
            label={sideBySide ? "Target A" : "Target"}
            value={target}
            onChange={setTarget}
            targets={targets}
          />
          {sideBySide && (
            <TargetPicker label="Target B" value={target2} onChange={setTarget2} targets={targets} />
          )}
          <Field label="Region">
            <input
              value={region}
              placeholder="e.g. us-east-1,eu-west-1"
              onInput={(e) => setRegion(e.currentTarget.value)}
            />
          </Field>
          <Field label="Max tokens">
            <input
              type="number"
              min={1}
              max={4096}
              value={maxTokens}
              onInput={(e) => setMaxTokens(Number(e.currentTarget.value) || 64)}
            />
          </Field>
        </div>
        <Field label="System message">
          <textarea rows={2} value={system} onInput={(e) => setSystem(e.currentTarget.value)} />
        </Field>
        <Field label="Prompt">
          <textarea
            rows={4}
            required
            value={prompt}
            onInput={(e) => setPrompt(e.currentTarget.value)}
            onKeyDown={(e) => {
              // Ctrl/Cmd+Enter sends, as in most chat playgrounds.
              if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) void send(e);
            }}
          />
        </Field>
        <div class="row">
          <label class="check">
            <input type="checkbox" checked={stream} onChange={(e) => setStream(e.currentTarget.checked)} />{" "}
            Stream
          </label>
          <label class="check">
            <input
              type="checkbox"
              checked={sideBySide}
              onChange={(e) => setSideBySide(e.currentTarget.checked)}
            />{" "}
            Side by side
          </label>
          <span class="spacer" />
          {busy && (
            <button type="button" class="secondary" onClick={() => abort.current?.abort()}>
              Stop
            </button>
          )}
          <button type="submit" disabled={busy || !model}>
            Send
          </button>
        </div>
      </form>
      <div class={`lanes${lanes.length > 1 ? " two" : ""}`}>
        {lanes.map((l, i) => (
          <Answer key={i} lane={l} title={lanes.length > 1 ? `Answer ${"AB"[i]}` : "Answer"} />
        ))}
      </div>
    </div>
  );
}

function TargetPicker(p: { label: string; value: string; onChange: (v: string) => void; targets: string[] }) {
  return (
    <Field label={p.label}>
      <select value={p.value} onChange={(e) => p.onChange(e.currentTarget.value)}>
        <option value="">routed (no pin)</option>
        {p.targets.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
    </Field>
  );
}

function Answer({ lane, title }: { lane: Lane; title: string }) {
  const r = lane.result;
  const tokens =
    r?.promptTokens !== undefined || r?.completionTokens !== undefined
      ? `${r?.promptTokens ?? "?"} in / ${r?.completionTokens ?? "?"} out`
      : "—";
  const cost = !r
    ? "…"
    : r.costUsd !== null
      ? fmtUsd(Number(r.costUsd))
      : r.status >= 400 || r.error
        ? "—"
        : r.eventCostUsd === undefined
          ? "…"
          : r.eventCostUsd === null
            ? "n/a (streamed: see usage)"
            : `${fmtUsd(r.eventCostUsd)} (decision event)`;
  return (
    <section class="card answer" aria-label={title} aria-busy={lane.busy}>
      <h2>{title}</h2>
      <div class="answer-text" aria-live="polite">
        {lane.text || (lane.busy ? "…" : "")}
      </div>
      {r?.error && (
        <p role="alert" class="error">
          {r.status ? `HTTP ${r.status}: ` : ""}
          {r.error}
        </p>
      )}
      {r && (
        <dl class="meta">
          <dt>Target</dt>
          <dd data-field="target">{r.target ?? "—"}</dd>
          <dt>Reason</dt>
          <dd data-field="reason">{r.reason ?? "—"}</dd>
          <dt>Tokens</dt>
          <dd data-field="tokens">{tokens}</dd>
          <dt>Cost</dt>
          <dd data-field="cost">{cost}</dd>
          <dt>Latency</dt>
          <dd data-field="latency">
            {fmtMs(r.latencyMs)} (headers {fmtMs(r.headersMs)})
          </dd>
          <dt>Cache</dt>
          <dd data-field="cache">{r.cache ?? "—"}</dd>
          <dt>Request id</dt>
          <dd data-field="request-id" class="mono">
            {r.requestId ?? "—"}
          </dd>
        </dl>
      )}
    </section>
  );
}
