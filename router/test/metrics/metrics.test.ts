import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parsePrometheusText as parsePromText } from "@llm/contracts";
import { FakeUpstream } from "@llm/testing";
import { listen, post } from "../helpers/router.js";

const PROMTOOL = join(process.cwd(), ".tools/bin/promtool");

/** Runs `promtool check metrics` on `text`; resolves its combined output and exit code. */
function promtoolCheck(text: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile(PROMTOOL, ["check", "metrics"], (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: stdout + stderr }),
    );
    child.stdin?.end(text);
  });
}

describe("GET /metrics", () => {
  it("exposes every router metric family with consistent labels, lint-clean", async () => {
    const up = await new FakeUpstream({ name: "c" }).start();
    const ext = await new FakeUpstream({ name: "e" }).start();
    const router = await listen({
      clusters: [
        { name: "c", endpoint: up.url, models: ["tiny"], region: "r1", provider: "aws" },
        { name: "gpu", endpoint: "http://127.0.0.1:1", models: ["tiny"], pool: "gpu", scaleToZero: true },
      ],
      externalProviders: [
        { name: "oai", type: "openai", apiKey: "k", baseURL: `${ext.url}/v1`, defaultModel: "gpt-4o-mini" },
      ],
    });
    try {
      await post(`${router.url}/v1/chat/completions`, {
        model: "tiny",
        messages: [{ role: "user", content: "hi" }],
      });
      await post(
        `${router.url}/v1/chat/completions`,
        { model: "tiny", messages: [{ role: "user", content: "hi" }], stream: true },
        { "x-router-target": "oai" },
      );
      const text = await (await fetch(`${router.url}/metrics`)).text();
      const names = new Set(parsePromText(text).map((s) => s.name.replace(/_(bucket|sum|count)$/, "")));
      for (const name of [
        "llm_router_routing_decisions_total",
        "llm_router_provider_health",
        "llm_router_cluster_health",
        "llm_router_provider_cost_per_1k_tokens",
        "llm_router_cluster_cost_per_1k_tokens",
        "llm_router_requests_total",
        "llm_router_request_duration_seconds",
        "llm_router_tokens_total",
        "llm_router_external_requests_total",
        "llm_router_time_to_first_token_seconds",
        "llm_router_circuit_state",
        "llm_router_cost_usd_total",
        "llm_router_pending_demand",
      ])
        expect(names).toContain(name);
      expect(text).toContain(
        'llm_router_routing_decisions_total{target="oai",type="external",reason="pinned"} 1',
      );
      expect(text).toContain('llm_router_tokens_total{target="oai",type="completion"} 3');
      expect(text).not.toContain("apiKey");
      if (existsSync(PROMTOOL)) {
        const { code, output } = await promtoolCheck(text);
        expect(output).toBe("");
        expect(code).toBe(0);
      }
    } finally {
      await router.close();
      await up.close();
      await ext.close();
    }
  });
});
