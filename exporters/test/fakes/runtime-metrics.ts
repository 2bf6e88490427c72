import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A runtime's `/metrics` endpoint with counters the test moves by hand. */
export class FakeRuntime {
  completionTokens = 0;
  promptTokens = 0;
  queueDepth = 0;
  tokensPerSecond = 0;
  /** `llm_runtime_capacity_tokens_per_second`; not exported while undefined (a runtime predating it). */
  capacityTokensPerSecond: number | undefined;
  /** Answer with this status instead of 200. */
  failWith: number | undefined;
  scrapes = 0;
  private server: Server | undefined;
  url = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.scrapes += 1;
      if (req.url !== "/metrics" || this.failWith) {
        res.writeHead(this.failWith ?? 404);
        return res.end("nope");
      }
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
      // Two model label sets: the exporter must sum them.
      res.end(
        [
          "# HELP llm_runtime_completion_tokens_total Generated tokens",
          "# TYPE llm_runtime_completion_tokens_total counter",
          `llm_runtime_completion_tokens_total{model="tiny",pool="gpu"} ${this.completionTokens - 10}`,
          `llm_runtime_completion_tokens_total{model="other \\"quoted\\"",pool="gpu"} 10`,
          "# TYPE llm_runtime_prompt_tokens_total counter",
          `llm_runtime_prompt_tokens_total{model="tiny"} ${this.promptTokens}`,
          "# TYPE llm_runtime_queue_depth gauge",
          `llm_runtime_queue_depth ${this.queueDepth}`,
          "# TYPE llm_runtime_tokens_per_second gauge",
          `llm_runtime_tokens_per_second{model="tiny"} ${this.tokensPerSecond}`,
          ...(this.capacityTokensPerSecond === undefined
            ? []
            : [`llm_runtime_capacity_tokens_per_second ${this.capacityTokensPerSecond}`]),
          "",
        ].join("\n"),
      );
    });
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  async close(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }
}
