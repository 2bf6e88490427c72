import type { TokenPrice } from "@llm/contracts";
import type { TargetSet } from "../targets/set.js";

/** Distinct requested models remembered per target set (clients name models; a bound, not a guess). */
const MAX_MODELS = 256;
const memo = new WeakMap<TargetSet, Map<string, readonly TokenPrice[]>>();

/**
 * What each enabled external would bill for `model` (the usage record's all-external reference).
 * Prices are fixed for one target set (a config reload builds a new one), so this is computed once
 * per (set, model) instead of walking every target on every request.
 */
export function referencePricesFor(targets: TargetSet, model: string): readonly TokenPrice[] {
  let byModel = memo.get(targets);
  if (!byModel) {
    byModel = new Map();
    memo.set(targets, byModel);
  }
  const hit = byModel.get(model);
  if (hit) return hit;
  const prices: TokenPrice[] = [];
  for (const t of targets.list) {
    const p = t.referencePrice(model);
    if (p) prices.push(p);
  }
  if (byModel.size >= MAX_MODELS) byModel.clear();
  byModel.set(model, prices);
  return prices;
}
