import { UpstreamError } from "../providers/types.js";
import type { Target } from "../targets/target.js";

/** What `POST /admin/providers/{name}/test` answers. */
export interface ProviderTestResult {
  name: string;
  ok: boolean;
  /** `models`: the provider's free model listing; `chat`: a one-token completion. */
  method: "models" | "chat";
  status: number | null;
  latencyMs: number;
  model: string | null;
  error: string | null;
}

const TIMEOUT_MS = 15_000;

/** The model a test asks for: the first alias's upstream, the default model, or the pool's first model. */
function testModel(t: Target): string {
  if (t.spec.kind === "cluster") return t.spec.cluster.models[0] ?? "default";
  const p = t.spec.provider;
  return p.models[0]?.upstream ?? p.defaultModel ?? "default";
}

/**
 * One minimal call to a target, outside the request path: nothing is admitted, recorded or charged
 * to a tenant. OpenAI-compatible providers get `GET /models` (free); the others a one-token chat.
 */
export async function testProvider(t: Target): Promise<ProviderTestResult> {
  const model = testModel(t);
  const started = performance.now();
  const done = (r: Omit<ProviderTestResult, "name" | "latencyMs">): ProviderTestResult => ({
    name: t.name,
    latencyMs: Math.round((performance.now() - started) * 10) / 10,
    ...r,
  });
  if (t.spec.kind === "external" && t.spec.provider.type === "openai") {
    const p = t.spec.provider;
    const base = (p.baseURL ?? "https://api.openai.com/v1").replace(/\/+$/, "");
    try {
      const res = await fetch(`${base}/models`, {
        headers: p.apiKey ? { authorization: `Bearer ${p.apiKey}` } : {},
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await res.body?.cancel();
      return done({
        ok: res.ok,
        method: "models",
        status: res.status,
        model,
        error: res.ok ? null : `GET /models answered ${res.status}`,
      });
    } catch (err) {
      return done({ ok: false, method: "models", status: null, model, error: (err as Error).message });
    }
  }
  try {
    await t.adapter.chat(
      { model, messages: [{ role: "user", content: "ping" }], max_tokens: 1 },
      { signal: AbortSignal.timeout(TIMEOUT_MS), upstreamModel: model },
    );
    return done({ ok: true, method: "chat", status: 200, model, error: null });
  } catch (err) {
    const status = err instanceof UpstreamError ? err.status : null;
    const message = err instanceof UpstreamError ? err.body.error.message : (err as Error).message;
    return done({ ok: false, method: "chat", status, model, error: message });
  }
}
