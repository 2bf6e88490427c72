import type { Generation } from "../forward/context.js";
import type { Target } from "../targets/target.js";

/** The semantic cache's settings (router.cache.semantic). */
type SemanticSettings = Generation["config"]["router"]["cache"]["semantic"];

/**
 * The target that embeds for the semantic cache: the one `semantic.target` names, else the first
 * enabled cluster target offering embeddings (a runtime on the cluster costs next to nothing).
 */
export function embeddingsTarget(gen: Generation, s: SemanticSettings): Target | undefined {
  if (s.target) return gen.targets.byName.get(s.target);
  return gen.targets.list.find((t) => t.kind === "cluster" && t.enabled && t.capabilities.has("embeddings"));
}

/**
 * Embeds `text` through the target's adapter (`/v1/embeddings` on the wire, HMAC-signed for a
 * cluster as every routed call is), within `semantic.timeout`. The call is the
 * cache's own overhead: it is not booked to the tenant. Rejects on any failure: the caller treats
 * that as "no semantic lookup", never as a failed request.
 */
export async function embedText(
  gen: Generation,
  s: SemanticSettings,
  text: string,
  headers: Record<string, string>,
): Promise<number[]> {
  const target = embeddingsTarget(gen, s);
  if (!target?.adapter.embed)
    throw new Error(`no embeddings target for the semantic cache (${s.target ?? "any cluster"})`);
  if (target.breaker.state === "open") throw new Error(`embeddings target ${target.name}'s circuit is open`);
  const upstreamModel = target.resolveModel(s.model)?.upstream ?? s.model;
  const res = await target.adapter.embed(
    { model: upstreamModel, input: text },
    { signal: AbortSignal.timeout(s.timeout), upstreamModel, headers },
  );
  const v = res.data?.[0]?.embedding;
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === "number"))
    throw new Error(`embeddings target ${target.name} returned no float vector`);
  return v;
}
