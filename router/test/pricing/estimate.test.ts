import type { ChatCompletionRequest } from "@llm/contracts";
import { estimateChatPromptTokens } from "../../src/pricing/estimate.js";
import { createPriceTable } from "../../src/pricing/table.js";
import { planRoute } from "../../src/routing/plan.js";
import { chatProfile } from "../../src/routing/profile.js";
import { TargetSet } from "../../src/targets/set.js";
import { config, planningRegistry, silent } from "../helpers/router.js";

/** A tool whose JSON schema is ~8 KB of text: ~2000 tokens by the 4-characters rule. */
const bigTool = {
  type: "function" as const,
  function: {
    name: "lookup",
    description: "x".repeat(4000),
    parameters: { type: "object", properties: { q: { type: "string", description: "y".repeat(4000) } } },
  },
};
const base: ChatCompletionRequest = { model: "tiny", messages: [{ role: "user", content: "hi" }] };

describe("prompt-token estimate", () => {
  it("counts tool definitions and response_format schemas", () => {
    const plain = estimateChatPromptTokens(base);
    expect(estimateChatPromptTokens({ ...base, tools: [bigTool] }) - plain).toBeGreaterThanOrEqual(2000);
    const schema = { type: "object", properties: { a: { type: "string", description: "z".repeat(4000) } } };
    const withSchema = estimateChatPromptTokens({
      ...base,
      response_format: { type: "json_schema", json_schema: { name: "r", schema } },
    });
    expect(withSchema - plain).toBeGreaterThanOrEqual(1000);
  });

  it("counts earlier calls' arguments in the history", () => {
    const call = (args: string): ChatCompletionRequest["messages"] => [
      { role: "user", content: "hi" },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: args } }],
      },
      { role: "tool", tool_call_id: "c1", content: "ok" },
    ];
    const small = estimateChatPromptTokens({ ...base, messages: call("{}") });
    const large = estimateChatPromptTokens({
      ...base,
      messages: call(JSON.stringify({ q: "w".repeat(4000) })),
    });
    expect(large - small).toBeGreaterThanOrEqual(1000);
  });

  it("skips a cluster whose context the tool definitions exceed", () => {
    const cfg = config({
      router: { clusterCostThreshold: 0.1, maxRetries: 10 },
      clusters: [
        {
          name: "small",
          endpoint: "http://10.0.0.1",
          models: ["tiny"],
          costPerHour: 0.036,
          contextLength: 1024,
          capabilities: ["chat", "tools"],
        },
        {
          name: "large",
          endpoint: "http://10.0.0.2",
          models: ["tiny"],
          costPerHour: 0.36,
          contextLength: 32768,
          capabilities: ["chat", "tools"],
        },
      ],
    });
    const targets = TargetSet.build(cfg, planningRegistry, createPriceTable(), silent);
    const plan = (req: ChatCompletionRequest) =>
      planRoute({
        profile: chatProfile(req, 64),
        targets: targets.list,
        settings: cfg.router,
        strategy: "hybrid",
      }).map((c) => c.target.name);
    expect(plan({ ...base, tools: [{ ...bigTool, function: { name: "lookup" } }] })).toContain("small");
    expect(plan({ ...base, tools: [bigTool] })).toEqual(["large"]);
  });
});
