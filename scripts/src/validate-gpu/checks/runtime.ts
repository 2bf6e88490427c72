import { signRequest } from "@llm/contracts";
import { request } from "undici";
import { KubectlError } from "../kubectl.js";
import { type CheckContext, type CheckResult, fail, pass } from "./context.js";

export const HEALTH_CHECK = "runtime health (cuda)";
export const COMPLETION_CHECK = "runtime completion";

interface Health {
  status?: string;
  ready?: boolean;
  backend?: string | null;
  model?: string;
  gpu_layers?: number | string | null;
}

/** GETs the GPU runtime's /health through the API server's service proxy; it must report the CUDA backend. */
export async function checkRuntimeHealth(
  ctx: CheckContext,
): Promise<{ result: CheckResult; model?: string }> {
  const { namespace, runtimeService, runtimePort } = ctx.opts;
  const path = `/api/v1/namespaces/${namespace}/services/${runtimeService}:${runtimePort}/proxy/health`;
  let health: Health;
  try {
    health = JSON.parse(await ctx.kubectl.run(["get", "--raw", path])) as Health;
  } catch (err) {
    const msg = err instanceof KubectlError ? err.stderr.trim() || err.message : (err as Error).message;
    const hint = /no endpoints|ServiceUnavailable|503/.test(msg)
      ? " (no ready runtime pod: the GPU runtime may be scaled to zero; send it traffic or scale it up, then rerun)"
      : "";
    return { result: fail(HEALTH_CHECK, `${path}: ${msg.split("\n").slice(-1)[0]}${hint}`) };
  }
  const detail = `backend ${health.backend ?? "none"}, status ${health.status}, ready ${health.ready}, model ${health.model}, gpu_layers ${health.gpu_layers}`;
  const ok = health.backend === "cuda" && health.status === "ok" && health.ready === true;
  return {
    result: ok ? pass(HEALTH_CHECK, detail) : fail(HEALTH_CHECK, detail),
    ...(health.model ? { model: health.model } : {}),
  };
}

/** The cluster HMAC secret (first of a comma-separated rotation list), or undefined when not configured. */
async function hmacSecret(ctx: CheckContext): Promise<string | undefined> {
  try {
    const s = await ctx.kubectl.json<{ data?: Record<string, string> }>([
      "get",
      "secret",
      ctx.opts.authSecret,
      "-n",
      ctx.opts.namespace,
      "-o",
      "json",
    ]);
    const b64 = s.data?.[ctx.opts.authSecretKey];
    return b64 ? Buffer.from(b64, "base64").toString("utf8").split(",")[0]?.trim() || undefined : undefined;
  } catch (err) {
    if (err instanceof KubectlError && err.notFound) return undefined;
    throw err;
  }
}

/**
 * Sends one chat completion to the GPU runtime through `kubectl port-forward` (the API server's proxy
 * cannot add the HMAC headers the runtime requires), signed like the router signs.
 */
export async function checkCompletion(ctx: CheckContext, model: string | undefined): Promise<CheckResult> {
  const { namespace, runtimeService, runtimePort } = ctx.opts;
  let pf: ReturnType<typeof ctx.kubectl.portForward> | undefined;
  try {
    const secret = await hmacSecret(ctx);
    pf = ctx.kubectl.portForward(namespace, `svc/${runtimeService}`, runtimePort);
    const port = await pf.ready;
    const path = "/v1/chat/completions";
    const body = JSON.stringify({
      model: model ?? "default",
      messages: [{ role: "user", content: "Reply with the single word OK." }],
      max_tokens: 8,
      temperature: 0,
    });
    const headers = {
      "content-type": "application/json",
      ...(secret ? signRequest(secret, { method: "POST", path, body }) : {}),
    };
    const started = ctx.now();
    const res = await request(`http://127.0.0.1:${port}${path}`, {
      method: "POST",
      headers,
      body,
      headersTimeout: 120_000,
      bodyTimeout: 120_000,
    });
    const text = await res.body.text();
    if (res.statusCode !== 200)
      return fail(COMPLETION_CHECK, `HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
    const json = JSON.parse(text) as {
      choices?: Array<{ message?: { content?: unknown } }>;
      usage?: { completion_tokens?: number };
    };
    const content = json.choices?.[0]?.message?.content;
    const tokens = json.usage?.completion_tokens ?? 0;
    if (typeof content !== "string" || tokens < 1)
      return fail(COMPLETION_CHECK, `no completion in ${text.slice(0, 200)}`);
    const secs = ((ctx.now() - started) / 1000).toFixed(1);
    return pass(
      COMPLETION_CHECK,
      `${tokens} token(s) in ${secs}s${secret ? " (HMAC-signed)" : " (unsigned)"}: ${JSON.stringify(content.slice(0, 40))}`,
    );
  } catch (err) {
    return fail(COMPLETION_CHECK, (err as Error).message);
  } finally {
    pf?.child.kill("SIGTERM");
  }
}
