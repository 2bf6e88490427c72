import { errorBody } from "@llm/contracts";
import { type FakeOpenAI, startFakeOpenAI } from "@llm/testing";
import pino from "pino";
import { ConfigError } from "../../src/config/errors.js";
import { parseConfig } from "../../src/config/load.js";
import type { RunningRouter } from "../../src/server.js";
import { listen, post } from "../helpers/router.js";

/** Declared fallback chains (router/README.md § Traffic policies). */

const chatConfig = (small: FakeOpenAI, long: FakeOpenAI, extra: Record<string, unknown> = {}) => ({
  clusters: [
    { name: "cpu-4k", endpoint: small.url, models: ["tiny"], contextLength: 512 },
    { name: "long-128k", endpoint: long.url, models: ["long"], contextLength: 128_000 },
  ],
  modelGroups: [
    {
      name: "chat-small",
      deployments: [{ target: "cpu-4k", model: "tiny" }],
      fallbacks: { context_window: ["chat-long"], server_error: { to: ["chat-long"], maxDepth: 1 } },
    },
    { name: "chat-long", deployments: [{ target: "long-128k", model: "long" }] },
  ],
  router: { maxRetries: 0 },
  ...extra,
});

async function ask(url: string, content: string) {
  const { res, json } = await post<Record<string, unknown>>(`${url}/v1/chat/completions`, {
    model: "chat-small",
    messages: [{ role: "user", content }],
    max_tokens: 16,
  });
  return { res, json };
}

describe("fallback chains", () => {
  let small: FakeOpenAI;
  let long: FakeOpenAI;
  let router: RunningRouter;
  beforeAll(async () => {
    small = await startFakeOpenAI({ name: "small" });
    long = await startFakeOpenAI({ name: "long" });
    router = await listen(chatConfig(small, long));
  });
  afterAll(async () => {
    await router.close();
    await small.close();
    await long.close();
  });

  it("sends a prompt too long for the small-context cluster to the long-context group", async () => {
    const before = small.requests;
    const { res } = await ask(router.url, "word ".repeat(4000));
    expect(res.status).toBe(200);
    expect(res.headers.get("x-router-fallback")).toBe("context_window");
    expect(res.headers.get("x-router-target")).toBe("long-128k");
    expect(small.requests).toBe(before);
    expect(long.received.at(-1)?.body.model).toBe("long");
  });

  it("keeps a short prompt on the group itself, with no fallback header", async () => {
    const { res } = await ask(router.url, "hi");
    expect(res.status).toBe(200);
    expect(res.headers.get("x-router-target")).toBe("cpu-4k");
    expect(res.headers.get("x-router-fallback")).toBeNull();
  });

  it("falls back when a target answers context_length_exceeded before the first byte (instead of a 400)", async () => {
    small.failNext = {
      status: 400,
      body: errorBody(400, "This model's maximum context length is 512 tokens", {
        code: "context_length_exceeded",
      }),
    };
    const { res } = await ask(router.url, "short by our estimate");
    expect(res.status).toBe(200);
    expect(res.headers.get("x-router-fallback")).toBe("context_window");
    expect(res.headers.get("x-router-target")).toBe("long-128k");
  });

  it("falls back on server_error once the group's own candidates failed", async () => {
    small.failNext = { status: 500, body: errorBody(500, "boom") };
    const { res } = await ask(router.url, "hi");
    expect(res.status).toBe(200);
    expect(res.headers.get("x-router-fallback")).toBe("server_error");
  });

  it("returns a content-policy refusal as it is when no content_policy chain is declared", async () => {
    small.failNext = { status: 400, body: errorBody(400, "refused", { code: "content_filter" }) };
    const { res, json } = await ask(router.url, "hi");
    expect(res.status).toBe(400);
    expect((json.error as { code: string }).code).toBe("content_filter");
  });
});

describe("fallback config", () => {
  const base = {
    clusters: [
      { name: "a", endpoint: "http://127.0.0.1:1" },
      { name: "b", endpoint: "http://127.0.0.1:2" },
    ],
  };
  const bad = (extra: Record<string, unknown>) => {
    try {
      parseConfig({ ...base, ...extra }, {});
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as ConfigError).issues;
    }
    throw new Error("config was accepted");
  };

  it("rejects a chain that revisits a group, naming the path", () => {
    const issues = bad({
      modelGroups: [
        { name: "g1", deployments: [{ target: "a" }], fallbacks: { timeout: ["g2"] } },
        { name: "g2", deployments: [{ target: "b" }], fallbacks: { timeout: ["g3"] } },
        { name: "g3", deployments: [{ target: "b" }], fallbacks: { timeout: ["g1"] } },
      ],
    });
    expect(issues).toContain("modelGroups[0].fallbacks.timeout: fallback chain loops: g1 -> g2 -> g3 -> g1");
  });

  it("names non-positive weights, unknown arm targets and an end before the start", () => {
    const issues = bad({
      modelGroups: [{ name: "g", deployments: [{ target: "a", weight: 0 }] }],
      experiments: [
        {
          name: "e",
          group: "g",
          arms: [
            { name: "x", weight: -1, target: "a" },
            { name: "y", weight: 1, target: "nowhere" },
          ],
          start: "2026-12-03T00:00:00Z",
          end: "2026-12-01T00:00:00Z",
        },
      ],
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        "modelGroups[0].deployments[0].weight: must be a positive number",
        "experiments[0].arms[0].weight: must be a positive number",
      ]),
    );
    const cross = bad({
      modelGroups: [{ name: "g", deployments: [{ target: "a" }] }],
      experiments: [
        {
          name: "e",
          group: "g",
          arms: [
            { name: "x", weight: 1, target: "a" },
            { name: "y", weight: 1, target: "nowhere" },
          ],
          start: "2026-12-03T00:00:00Z",
          end: "2026-12-01T00:00:00Z",
        },
      ],
    });
    expect(cross).toEqual(
      expect.arrayContaining([
        'experiments[0].arms[1].target: unknown target "nowhere"',
        "experiments[0].end: must be after start",
      ]),
    );
  });

  it("keeps both old model forms loading next to groups", () => {
    const cfg = parseConfig(
      {
        clusters: [{ name: "a", endpoint: "http://127.0.0.1:1", models: ["tiny"] }],
        externalProviders: [
          { type: "openai", apiKey: "k", models: { "gpt-4o-mini": "gpt-4o-mini" } },
          { name: "oai2", type: "openai", apiKey: "k", models: ["gpt-4o"] },
        ],
        modelGroups: [
          { name: "chat", deployments: [{ target: "a" }, { target: "openai", model: "gpt-4o-mini" }] },
        ],
      },
      {},
    );
    expect(cfg.modelGroups[0]?.mode).toBe("cost");
    expect(cfg.externalProviders[1]?.models).toEqual([{ name: "gpt-4o", upstream: "gpt-4o" }]);
  });

  it("keeps the running config when a reload brings a loop", async () => {
    const { mkdtemp, writeFile } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { ConfigWatcher } = await import("../../src/config/watch.js");
    const dir = await mkdtemp(join(tmpdir(), "policies-"));
    const file = join(dir, "router.json");
    const loop = {
      ...base,
      modelGroups: [{ name: "g1", deployments: [{ target: "a" }], fallbacks: { rate_limited: ["g1"] } }],
    };
    await writeFile(file, JSON.stringify(loop));
    const applied: unknown[] = [];
    const watcher = new ConfigWatcher({
      path: file,
      onConfig: (c) => applied.push(c),
      logger: pino({ level: "silent" }),
      sighup: false,
      watchFile: false,
    });
    try {
      expect(await watcher.reload()).toBe(false);
      expect(applied).toEqual([]);
    } finally {
      watcher.close();
    }
  });
});

describe("a timeout chain's maxDepth", () => {
  it.each([
    [1, 502, null],
    [2, 200, "fast"],
  ])("with maxDepth %i answers %i (target %s)", async (maxDepth, status, target) => {
    const slow = await startFakeOpenAI({ name: "slow" });
    const fast = await startFakeOpenAI({ name: "fast" });
    slow.delayMs = 1000;
    const router = await listen({
      clusters: [
        { name: "slow", endpoint: slow.url, models: ["m"], timeout: "100ms" },
        { name: "fast", endpoint: fast.url, models: ["m"] },
      ],
      modelGroups: [
        {
          name: "g1",
          deployments: [{ target: "slow" }],
          fallbacks: { timeout: { to: ["g2", "g3"], maxDepth } },
        },
        { name: "g2", deployments: [{ target: "slow" }] },
        { name: "g3", deployments: [{ target: "fast" }] },
      ],
      router: { maxRetries: 0, circuitBreaker: { failureThreshold: 100 } },
    });
    try {
      const { res } = await post(`${router.url}/v1/chat/completions`, {
        model: "g1",
        messages: [{ role: "user", content: "hi" }],
      });
      expect(res.status).toBe(status);
      if (target) expect(res.headers.get("x-router-target")).toBe(target);
      // The 502 after the spent chain says which chain it went down too.
      expect(res.headers.get("x-router-fallback")).toBe("timeout");
    } finally {
      await router.close();
      await slow.kill();
      await fast.close();
    }
  });
});
