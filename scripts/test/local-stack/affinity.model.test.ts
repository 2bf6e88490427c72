import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfigFile } from "@llm/router";
import pino from "pino";
import {
  LOCAL_API_KEY,
  LOCAL_MODEL,
  type LocalStack,
  stackLines,
  startLocalStack,
} from "../../src/local-stack/stack.js";

/**
 * Issue #20's affinity check, kept small (tiny model, ~450-token histories, 4 conversations x 4
 * turns): one pool target of 3 runtime replicas (`--replicas 3`). After each conversation's first
 * turn, the share of prompt tokens the replicas reused from a sequence's cache
 * (llm_runtime_prompt_cached_tokens_total / llm_runtime_prompt_tokens_total, summed over replicas)
 * is >= 80% with `prefix`, and near 1/N with `round-robin` (each turn lands on another replica).
 */
const CONVERSATIONS = 4;
const TURNS = 4;

/** A conversation's opening: a long, distinct document, so the head is most of each prompt. */
const opening = (c: number) =>
  `Conversation ${c}. Read these notes and answer briefly. ${Array.from(
    { length: 60 },
    (_, i) => `note ${c}-${i} says item ${(c * 7 + i * 13) % 97} is fine;`,
  ).join(" ")}`;

function turnBody(c: number, turn: number) {
  const messages: { role: string; content: string }[] = [{ role: "user", content: opening(c) }];
  for (let t = 2; t <= turn; t++) {
    // A fixed assistant reply: the history the client resends is the same whatever was generated.
    messages.push({ role: "assistant", content: `Noted, part ${t - 1}.` });
    messages.push({ role: "user", content: `And what about item ${t * 11}?` });
  }
  return { model: LOCAL_MODEL, messages, max_tokens: 2, temperature: 0 };
}

/** Sum of a counter over the replicas' /metrics. */
async function counter(urls: string[], name: string): Promise<number> {
  let sum = 0;
  for (const url of urls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    const line = text.split("\n").find((l) => l.startsWith(`${name} `));
    sum += line ? Number(line.split(" ")[1]) : 0;
  }
  return sum;
}

/** Share of prompt tokens reused after each conversation's first turn, over conversations `from`.. */
async function reusedShare(stack: LocalStack, from: number): Promise<number> {
  const urls = stack.runtimes.map((r) => r.url);
  const chat = async (body: unknown) => {
    const res = await fetch(`${stack.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${LOCAL_API_KEY}` },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    await res.json();
  };
  let prompt = 0;
  let cached = 0;
  // Conversation by conversation, as one user at a time: each turn after the first is measured.
  for (let c = from; c < from + CONVERSATIONS; c++) {
    await chat(turnBody(c, 1));
    const p0 = await counter(urls, "llm_runtime_prompt_tokens_total");
    const c0 = await counter(urls, "llm_runtime_prompt_cached_tokens_total");
    for (let t = 2; t <= TURNS; t++) await chat(turnBody(c, t));
    prompt += (await counter(urls, "llm_runtime_prompt_tokens_total")) - p0;
    cached += (await counter(urls, "llm_runtime_prompt_cached_tokens_total")) - c0;
  }
  expect(prompt).toBeGreaterThan(0);
  return cached / prompt;
}

describe("prefix affinity across 3 runtime replicas (pnpm start --replicas 3)", () => {
  let root: string;
  let stack: LocalStack;
  // Starting 3 runtime processes is most of this test's time on a busy 2-core machine: one stack,
  // its pool target switched to round-robin by a config reload (as editing router.yaml does).
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "local-affinity-"));
    stack = await startLocalStack({
      repoRoot: process.cwd(),
      stateRoot: root,
      runtimes: 1,
      replicas: 3,
      parallel: 2,
      threads: 1,
      port: 0,
      logger: pino({ level: "silent" }),
    });
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    await rm(root, { recursive: true, force: true });
  });

  it("starts one pool target listing the 3 replicas, balancer prefix", async () => {
    const cfg = await loadConfigFile(stack.configPath);
    expect(cfg.clusters).toHaveLength(1);
    expect(cfg.clusters[0]?.endpoints).toEqual(stack.runtimes.map((r) => r.url));
    expect(cfg.clusters[0]?.balancer).toBe("prefix");
    expect(stackLines(stack)[1]).toBe(`runtimes ${stack.runtimes.map((r) => r.url).join(" ")}`);
  });

  it("reuses >= 80% of prompt tokens after the first turn with prefix, about 1/N with round-robin", async () => {
    const prefix = await reusedShare(stack, 0);
    const cfg = await loadConfigFile(stack.configPath);
    stack.router.router.reload({
      ...cfg,
      clusters: cfg.clusters.map((c) => ({ ...c, balancer: "round-robin" as const })),
    });
    // Other conversations: the replicas' slots still hold the first four.
    const roundRobin = await reusedShare(stack, 100);
    console.log(
      `reused prompt share after turn 1: prefix ${prefix.toFixed(3)}, round-robin ${roundRobin.toFixed(3)}`,
    );
    expect(prefix).toBeGreaterThanOrEqual(0.8);
    expect(roundRobin).toBeLessThan(0.5);
  }, 60_000);
});
