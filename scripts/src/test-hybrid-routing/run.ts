import { createParser } from "eventsource-parser";

/** One request of the routing check and what came back. */
export interface CheckRow {
  name: string;
  status: number;
  target: string;
  reason: string;
  ms: number;
  ok: boolean;
  note: string;
}

interface Case {
  name: string;
  path: string;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  /** Status the case expects. Defaults to 200. */
  expect?: number;
  stream?: boolean;
}

const LONG_PROMPT = "Summarise the following notes. ".concat(
  Array.from({ length: 60 }, (_, i) => `Note ${i + 1}: the cluster served requests within budget.`).join(" "),
);

async function getJson<T>(url: string, headers: Record<string, string>): Promise<T> {
  const res = await fetch(url, { headers });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${(await res.text()).slice(0, 200)}`);
  return (await res.json()) as T;
}

/** Data fields of an SSE body (CRLF, multi-line `data:` and comments handled by eventsource-parser). */
export function sseData(text: string): string[] {
  const data: string[] = [];
  const parser = createParser({ onEvent: (e) => data.push(e.data.trim()) });
  parser.feed(text);
  // A last event without its closing blank line still counts, as the router's own reader does.
  parser.feed("\n\n");
  return data;
}

/** Reads an SSE body fully; returns the events' data and whether it ended with [DONE]. */
async function readStream(res: Response): Promise<{ events: number; done: boolean; error?: string }> {
  const data = sseData(await res.text());
  const last = data.at(-1);
  const error = data.find((d) => d.startsWith('{"error"'));
  return { events: data.length, done: last === "[DONE]", error };
}

/**
 * Sends a fixed set of requests (short, long, streamed, pinned to each target, strategy
 * overrides, one invalid) and reports where each went and why (`x-router-target` / `-reason`).
 */
export async function runHybridRoutingCheck(
  baseUrl: string,
  model?: string,
  apiKey?: string,
): Promise<CheckRow[]> {
  const url = baseUrl.replace(/\/+$/, "");
  const auth: Record<string, string> = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
  const models = await getJson<{ data: { id: string; targets?: string[] }[] }>(`${url}/v1/models`, auth);
  // The model most targets answer to exercises the most routing choices.
  const widest = [...models.data].sort((a, b) => (b.targets?.length ?? 0) - (a.targets?.length ?? 0))[0];
  const chosen = model ?? widest?.id;
  if (!chosen) throw new Error(`${url}/v1/models lists no model`);
  const health = await getJson<{ targets: { name: string; status: string }[] }>(`${url}/health`, auth);
  const chat = (content: string, extra: Record<string, unknown> = {}) => ({
    model: chosen,
    messages: [{ role: "user", content }],
    max_tokens: 8,
    ...extra,
  });
  const cases: Case[] = [
    { name: "short chat", path: "/v1/chat/completions", body: chat("Hello") },
    { name: "long chat", path: "/v1/chat/completions", body: chat(LONG_PROMPT) },
    {
      name: "streamed chat",
      path: "/v1/chat/completions",
      body: chat("Count to three", { stream: true }),
      stream: true,
    },
    {
      name: "text completion",
      path: "/v1/completions",
      body: { model: chosen, prompt: "Once upon", max_tokens: 8 },
    },
    {
      name: "strategy=cost",
      path: "/v1/chat/completions",
      body: chat("Hi"),
      headers: { "x-router-strategy": "cost" },
    },
    {
      name: "strategy=latency",
      path: "/v1/chat/completions",
      body: chat("Hi"),
      headers: { "x-router-strategy": "latency" },
    },
    ...health.targets
      .filter((t) => t.status !== "cold" && t.status !== "unhealthy")
      .map((t) => ({
        name: `pinned ${t.name}`,
        path: "/v1/chat/completions",
        body: chat("Hi"),
        headers: { "x-router-target": t.name },
      })),
    {
      name: "invalid body (expects 400)",
      path: "/v1/chat/completions",
      body: { model: chosen },
      expect: 400,
    },
  ];

  const rows: CheckRow[] = [];
  for (const c of cases) {
    const started = performance.now();
    let row: CheckRow;
    try {
      const res = await fetch(url + c.path, {
        method: "POST",
        headers: { "content-type": "application/json", ...auth, ...c.headers },
        body: JSON.stringify(c.body),
      });
      const target = res.headers.get("x-router-target") ?? "";
      const reason = res.headers.get("x-router-reason") ?? "";
      let ok = res.status === (c.expect ?? 200) && target !== "" && reason !== "";
      let note = "";
      if (c.stream && res.ok) {
        const s = await readStream(res);
        ok &&= s.done && !s.error;
        note = s.error ? `stream error ${s.error}` : `${s.events} events${s.done ? "" : ", no [DONE]"}`;
      } else {
        const body = (await res.json()) as { error?: { message: string; type: string } };
        if (body.error) note = `${body.error.type}: ${body.error.message}`.slice(0, 80);
        if (c.expect === 400) ok &&= body.error?.type === "invalid_request_error";
      }
      if (c.headers?.["x-router-target"]) ok &&= target === c.headers["x-router-target"];
      row = { name: c.name, status: res.status, target, reason, ms: performance.now() - started, ok, note };
    } catch (err) {
      row = {
        name: c.name,
        status: 0,
        target: "",
        reason: "",
        ms: performance.now() - started,
        ok: false,
        note: (err as Error).message,
      };
    }
    rows.push(row);
  }
  return rows;
}

/** A plain-text table of the rows. */
export function formatRows(rows: CheckRow[]): string {
  const header = ["#", "request", "status", "target", "reason", "ms", "result", "note"];
  const lines = rows.map((r, i) => [
    String(i + 1),
    r.name,
    String(r.status),
    r.target,
    r.reason,
    r.ms.toFixed(0),
    r.ok ? "ok" : "FAIL",
    r.note,
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...lines.map((l) => (l[c] ?? "").length)));
  const fmt = (cells: string[]) =>
    cells
      .map((x, c) => x.padEnd(widths[c] ?? 0))
      .join("  ")
      .trimEnd();
  return [fmt(header), fmt(widths.map((w) => "-".repeat(w))), ...lines.map(fmt)].join("\n");
}
