import { readFileSync } from "node:fs";
import { Agent, request } from "undici";
import type { KubernetesConfig } from "../config/schema.js";
import type { KubeNode } from "./node-info.js";

/** The parts of a Kubernetes Pod object we read. */
export interface KubePod {
  metadata?: { name?: string; namespace?: string };
  status?: { phase?: string; podIP?: string; conditions?: Array<{ type?: string; status?: string }> };
}

/** A failed Kubernetes API call; the message never carries the token. */
export class KubeApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "KubeApiError";
  }
}

/** Renders a label map as a Kubernetes label selector (`a=b,c=d`), sorted so requests are stable. */
export function labelSelector(labels: Record<string, string>): string {
  return Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

/**
 * Minimal read-only Kubernetes API client: two list calls are all the exporter needs, so a full client
 * library (and its dependency tree) would be dead weight.
 */
export class KubeClient {
  private readonly agent: Agent;

  constructor(private readonly cfg: KubernetesConfig) {
    const https = cfg.apiServer.startsWith("https:");
    this.agent = new Agent({
      connect: https ? { ca: readFileSync(cfg.caFile, "utf8") } : {},
      headersTimeout: cfg.timeoutMs,
      bodyTimeout: cfg.timeoutMs,
    });
  }

  /** Nodes matching a label selector. */
  async listNodes(selector: string): Promise<KubeNode[]> {
    return this.list<KubeNode>("/api/v1/nodes", selector);
  }

  /** Pods in `namespace` matching a label selector. */
  async listPods(namespace: string, selector: string): Promise<KubePod[]> {
    return this.list<KubePod>(`/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`, selector);
  }

  private token(): string {
    if (this.cfg.token) return this.cfg.token;
    // Re-read on each call: projected service-account tokens are rotated by the kubelet.
    try {
      return readFileSync(this.cfg.tokenFile, "utf8").trim();
    } catch (err) {
      throw new KubeApiError(
        `cannot read service-account token ${this.cfg.tokenFile}: ${(err as Error).message}`,
      );
    }
  }

  private async list<T>(path: string, selector: string): Promise<T[]> {
    const url = new URL(path, this.cfg.apiServer);
    if (selector) url.searchParams.set("labelSelector", selector);
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(url, {
        method: "GET",
        dispatcher: this.agent,
        headers: { authorization: `Bearer ${this.token()}`, accept: "application/json" },
        signal: AbortSignal.timeout(this.cfg.timeoutMs),
      });
    } catch (err) {
      if (err instanceof KubeApiError) throw err;
      throw new KubeApiError(`GET ${url.pathname} failed: ${(err as Error).message}`);
    }
    const text = await res.body.text();
    if (res.statusCode !== 200) {
      throw new KubeApiError(`GET ${url.pathname} returned ${res.statusCode}`, res.statusCode);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new KubeApiError(`GET ${url.pathname} returned invalid JSON`);
    }
    const items = (body as { items?: unknown }).items;
    if (!Array.isArray(items)) throw new KubeApiError(`GET ${url.pathname} returned no items list`);
    return items as T[];
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
