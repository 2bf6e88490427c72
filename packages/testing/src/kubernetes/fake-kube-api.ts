import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";

/** One request the fake API server received. */
export interface SeenRequest {
  path: string;
  labelSelector: string | null;
  authorization: string | undefined;
}

export interface FakeNode {
  name: string;
  labels: Record<string, string>;
  gpus?: number;
  ready?: boolean;
}

export interface FakePod {
  name: string;
  labels: Record<string, string>;
  podIP?: string;
  phase?: string;
  ready?: boolean;
}

/**
 * A stand-in for the Kubernetes API: serves NodeList / PodList shaped like the real API, filters by
 * equality label selectors, checks the bearer token, and can be told to fail.
 */
export class FakeKubeApi {
  nodes: FakeNode[] = [];
  pods = new Map<string, FakePod[]>();
  /** HTTP status to answer node lists with instead of 200. */
  failNodes: number | undefined;
  failPods: number | undefined;
  readonly seen: SeenRequest[] = [];
  private server: Server | undefined;
  url = "";

  /** With `tls`, serves https like a real API server (the exporter must trust the CA file). */
  constructor(
    public token: string,
    private readonly tls?: { key: string; cert: string },
  ) {}

  async start(): Promise<this> {
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? "/", "http://x");
      const selector = url.searchParams.get("labelSelector");
      this.seen.push({
        path: url.pathname,
        labelSelector: selector,
        authorization: req.headers.authorization,
      });
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${this.token}`)
        return send(401, {
          kind: "Status",
          apiVersion: "v1",
          status: "Failure",
          reason: "Unauthorized",
          code: 401,
        });
      const match = (labels: Record<string, string>) =>
        (selector ?? "")
          .split(",")
          .filter(Boolean)
          .every((term) => {
            const [k, v] = term.split("=");
            return labels[k!] === v;
          });
      if (url.pathname === "/api/v1/nodes") {
        if (this.failNodes)
          return send(this.failNodes, { kind: "Status", status: "Failure", code: this.failNodes });
        return send(200, {
          kind: "NodeList",
          apiVersion: "v1",
          metadata: { resourceVersion: "1" },
          items: this.nodes.filter((n) => match(n.labels)).map(nodeObject),
        });
      }
      const podPath = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(url.pathname);
      if (podPath) {
        if (this.failPods)
          return send(this.failPods, { kind: "Status", status: "Failure", code: this.failPods });
        const pods = this.pods.get(podPath[1]!) ?? [];
        return send(200, {
          kind: "PodList",
          apiVersion: "v1",
          metadata: { resourceVersion: "1" },
          items: pods.filter((p) => match(p.labels)).map((p) => podObject(podPath[1]!, p)),
        });
      }
      send(404, { kind: "Status", status: "Failure", reason: "NotFound", code: 404 });
    };
    this.server = this.tls ? createHttpsServer(this.tls, handler) : createServer(handler);
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    const scheme = this.tls ? "https" : "http";
    this.url = `${scheme}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }
}

function nodeObject(n: FakeNode) {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name: n.name, labels: n.labels },
    status: {
      capacity: { cpu: "4", ...(n.gpus ? { "nvidia.com/gpu": String(n.gpus) } : {}) },
      allocatable: { cpu: "3920m", memory: "15Gi", ...(n.gpus ? { "nvidia.com/gpu": String(n.gpus) } : {}) },
      conditions: [
        { type: "MemoryPressure", status: "False" },
        { type: "Ready", status: n.ready === false ? "False" : "True" },
      ],
    },
  };
}

function podObject(namespace: string, p: FakePod) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: p.name, namespace, labels: p.labels },
    status: {
      phase: p.phase ?? "Running",
      ...(p.podIP === undefined ? { podIP: "127.0.0.1" } : p.podIP ? { podIP: p.podIP } : {}),
      conditions: [{ type: "Ready", status: p.ready === false ? "False" : "True" }],
    },
  };
}
