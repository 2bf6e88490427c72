/** Subnet CIDRs for one AZ. */
export interface AzCidrs {
  /** /19 for nodes and pods (VPC CNI gives pods VPC IPs, so node subnets need room: 8k addresses). */
  private: string;
  /** /22 for load balancers and NAT gateways only. */
  public: string;
}

/**
 * Carves a /16 into per-AZ subnets: private /19s from the bottom (x.y.0.0, x.y.32.0, ...),
 * public /22s from x.y.128.0 upward. Supports up to 4 AZs.
 */
export function subnetCidrs(vpcCidr: string, azCount: number): AzCidrs[] {
  const m = /^(\d{1,3})\.(\d{1,3})\.0\.0\/16$/.exec(vpcCidr);
  if (!m) throw new Error(`vpcCidr ${vpcCidr} must be a /16`);
  if (azCount < 1 || azCount > 4) throw new Error(`azCount ${azCount} must be between 1 and 4`);
  const prefix = `${m[1]}.${m[2]}`;
  return Array.from({ length: azCount }, (_, i) => ({
    private: `${prefix}.${i * 32}.0/19`,
    public: `${prefix}.${128 + i * 4}.0/22`,
  }));
}
