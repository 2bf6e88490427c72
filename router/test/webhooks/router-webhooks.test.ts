import { createVerifier } from "@llm/contracts";
import { type FakeOpenAI, freePort, startFakeOpenAI } from "@llm/testing";
import type { RunningRouter } from "../../src/server.js";
import { config, listenWithAccess, post } from "../helpers/router.js";
import { startReceiver } from "./receiver.js";

const SECRET = "webhook-secret-0123456789";
const KEY = "sk-acme-tenant-key-0123456789";

/** Webhooks wired to a running router: its event bus feeds them, budget alerts share the queues. */
describe("router webhooks", () => {
  let upstream: FakeOpenAI;
  beforeAll(async () => {
    upstream = await startFakeOpenAI({ name: "openai", apiKey: "sk-fake", prefix: "/v1" });
  });
  afterAll(async () => {
    await upstream.close();
  });

  const routerConfig = (hookUrl: string, alertUrl: string, monthlyUsd = 40) =>
    config({
      externalProviders: [
        {
          name: "openai",
          type: "openai",
          apiKey: "sk-fake",
          baseURL: `${upstream.url}/v1`,
          models: { tiny: "gpt-4o-mini" },
          // $1 per token: the first request crosses the budget's 50% line.
          pricing: { "gpt-4o-mini": { input: 1_000_000, output: 1_000_000 } },
        },
      ],
      tenants: [
        {
          id: "acme",
          keys: [{ id: "acme-1", key: KEY }],
          budgets: { monthlyUsd, alertThresholds: [0.5], alertWebhook: alertUrl },
        },
      ],
      webhooks: [
        { name: "audit", url: hookUrl, secret: SECRET, events: ["decision"], batchInterval: "20ms" },
      ],
    });

  const ask = (r: RunningRouter) =>
    post(
      `${r.url}/v1/chat/completions`,
      { model: "tiny", messages: [{ role: "user", content: "hi" }], max_tokens: 8 },
      { authorization: `Bearer ${KEY}` },
    );

  it("delivers signed decision batches and the budget alert (unsigned, its old body) through the queues", async () => {
    const hooks = await startReceiver();
    const alerts = await startReceiver();
    const { running } = await listenWithAccess(routerConfig(`${hooks.url}/events`, `${alerts.url}/alert`));
    try {
      for (let i = 0; i < 3; i++) expect((await ask(running)).res.status).toBe(200);
      await running.router.webhooks?.idle();
      await hooks.waitFor(1);
      const events = hooks.deliveries.flatMap(
        (d) => (JSON.parse(d.body) as { events: { type: string }[] }).events,
      );
      expect(events.length).toBeGreaterThanOrEqual(3);
      expect(new Set(events.map((e) => e.type))).toEqual(new Set(["decision"]));
      const verify = createVerifier({ secrets: [SECRET] });
      for (const d of hooks.deliveries)
        expect(verify({ method: "POST", path: d.path, body: d.body, headers: d.headers }).ok).toBe(true);
      await alerts.waitFor(1);
      const alert = JSON.parse(alerts.deliveries[0]?.body ?? "{}") as Record<string, unknown>;
      expect(alert).toMatchObject({ event: "budget.alert", scope: "tenant:acme", threshold: 0.5 });
      expect(alerts.deliveries[0]?.headers["x-llm-signature"]).toBeUndefined();
    } finally {
      await running.close();
      await hooks.close();
      await alerts.close();
    }
  });

  it("a dead receiver costs the request path nothing: requests succeed and drops are counted", async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const { running } = await listenWithAccess(
      config({
        ...routerConfig(`${dead}/events`, `${dead}/alert`, 400),
        webhooks: [
          { name: "dead", url: `${dead}/events`, secret: SECRET, queueSize: 2, batchSize: 1, retries: 0 },
        ],
      }),
    );
    try {
      for (let i = 0; i < 20; i++) expect((await ask(running)).res.status).toBe(200);
      await running.router.webhooks?.idle();
      const metrics = await (await fetch(`${running.url}/metrics`)).text();
      const dropped = [
        ...metrics.matchAll(/llm_router_webhook_dropped_total\{webhook="dead",reason="\w+"\} (\d+)/g),
      ]
        .map((m) => Number(m[1]))
        .reduce((s, n) => s + n, 0);
      expect(dropped).toBeGreaterThan(0);
    } finally {
      await running.close();
    }
  });
});
