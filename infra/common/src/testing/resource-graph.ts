import * as pulumi from "@pulumi/pulumi";

/**
 * One registration as the engine would see it: identity plus the resource options that decide
 * ordering. Mocks' `newResource` gets only type, name and inputs, so `dependsOn`, `parent` and
 * `provider` are read off the RegisterResourceRequest on its way to the mock monitor.
 */
export interface GraphNode {
  urn: string;
  type: string;
  name: string;
  /** Whether it is a provider resource (false for ComponentResources). */
  custom: boolean;
  /** URN of the parent resource; empty for a top-level resource. */
  parent: string;
  /**
   * URNs the engine waits for before creating this resource: explicit `dependsOn` (a
   * ComponentResource expanded into its custom children, as the SDK does) plus every resource
   * whose outputs flow into this one's inputs.
   */
  dependencies: string[];
  /** Provider reference (`<urn>::<id>`), empty for the default provider. */
  provider: string;
  /**
   * The state the mock returned (inputs plus what the provider computes: ARNs, digests), as the
   * wire carries it: secrets still wrapped.
   */
  state: Record<string, unknown>;
}

/** The part of a RegisterResourceRequest this recorder reads. */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getCustom(): boolean;
  getParent(): string;
  getDependenciesList(): string[];
  getProvider(): string;
}
type Callback = (
  err: unknown,
  resp?: { getUrn(): string; getObject(): { toJavaScript(): Record<string, unknown> } | undefined },
) => void;

/** What {@link recordResourceGraph} returns. */
export interface ResourceGraph {
  nodes: GraphNode[];
  /** The node with this URN. */
  byUrn(urn: string): GraphNode | undefined;
  /** Whether creating `urn` waits (directly or through other resources) for `dependencyUrn`. */
  waitsFor(urn: string, dependencyUrn: string): boolean;
}

/**
 * Records the dependency graph of every resource registered from now on. Call it after
 * `setupPulumiMocks` (it wraps the mock monitor that call installs) and before the program runs.
 * This is what ordering assertions need: "is the ServiceMonitor applied after its CRD's release"
 * is a question about the request's dependency list, which mocks never pass to `newResource`.
 */
export function recordResourceGraph(): ResourceGraph {
  const nodes: GraphNode[] = [];
  const index = new Map<string, GraphNode>();
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource: (req: RegisterRequest, cb: Callback) => unknown;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) =>
    register(req, (err, resp) => {
      if (!err && resp) {
        const node: GraphNode = {
          urn: resp.getUrn(),
          type: req.getType(),
          name: req.getName(),
          custom: req.getCustom(),
          parent: req.getParent(),
          dependencies: req.getDependenciesList(),
          provider: req.getProvider(),
          state: resp.getObject()?.toJavaScript() ?? {},
        };
        nodes.push(node);
        index.set(node.urn, node);
      }
      cb(err, resp);
    });
  const waitsFor = (urn: string, dependencyUrn: string): boolean => {
    const seen = new Set<string>();
    const stack = [...(index.get(urn)?.dependencies ?? [])];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (next === dependencyUrn) return true;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...(index.get(next)?.dependencies ?? []));
    }
    return false;
  };
  return { nodes, byUrn: (urn) => index.get(urn), waitsFor };
}
