/**
 * Cross-cloud data transfer cost. A router in one cloud forwarding to a cluster in another pays
 * the source cloud's internet egress for the bytes that leave it (request bodies one way,
 * responses the other; the response, leaving the target's cloud, usually dominates).
 *
 * Defaults are first-tier internet egress list prices, USD per GB (2026):
 * AWS 0.09 (first 10 TB/month), GCP 0.12 (premium tier, 0-1 TB), Azure 0.087 (first 10 TB,
 * Microsoft network routing). External APIs and local targets count as `internet`/`local`,
 * for which the router's own cloud is billed.
 */
export type CloudId = "aws" | "gcp" | "azure" | "local" | "internet";

/** USD per GB leaving each cloud; override per deployment (committed-use discounts, tiers). */
export type EgressTable = Partial<Record<CloudId, number>>;

export const defaultEgressUsdPerGb: Readonly<EgressTable> = {
  aws: 0.09,
  gcp: 0.12,
  azure: 0.087,
  local: 0,
  internet: 0,
};

const GB = 1024 ** 3;

/**
 * USD to move `bytes` from `sourceCloud` to `destCloud`: zero within one cloud (same-region
 * traffic is treated as free; intra-cloud inter-region rates are out of scope), else the
 * source cloud's egress rate. Pass the response size with (targetCloud, routerCloud) and the
 * request size with (routerCloud, targetCloud) to price both legs.
 */
export function egressCostUsd(
  sourceCloud: string,
  destCloud: string,
  bytes: number,
  table: EgressTable = defaultEgressUsdPerGb,
): number {
  if (!(bytes > 0) || sourceCloud === destCloud) return 0;
  const rate = table[sourceCloud as CloudId] ?? defaultEgressUsdPerGb[sourceCloud as CloudId] ?? 0;
  return (bytes / GB) * rate;
}
