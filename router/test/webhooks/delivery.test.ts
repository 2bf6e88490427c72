import { createVerifier, HMAC_HEADERS } from "@llm/contracts";
import { freePort } from "@llm/testing";
import pino from "pino";
import { Registry } from "prom-client";
import { parseConfig } from "../../src/config/load.js";
import { WebhookDispatcher } from "../../src/webhooks/dispatcher.js";
import { startReceiver } from "./receiver.js";

const SECRET = "webhook-secret-0123456789";
const silent = pino({ level: "silent" });

/** The webhooks[] entries as the config would give them (defaults filled, durations in ms). */
function webhooks(entries: Record<string, unknown>[]) {
  return parseConfig({ webhooks: entries }, {}).webhooks;
}

const decision = (i: number) => ({ type: "decision", time: new Date().toISOString(), requestId: `r${i}` });

async function counter(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name);
  const values = (m?.values ?? []) as { labels: Record<string, string>; value: number }[];
  return values
    .filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))
    .reduce((s, v) => s + v.value, 0);
}

describe("webhook delivery", () => {
  it("POSTs signed batches that the cluster-auth verifier accepts, filtered by event type", async () => {
    const receiver = await startReceiver();
    const registry = new Registry();
    const d = new WebhookDispatcher({ registry, logger: silent });
    d.configure(
      webhooks([
        {
          name: "audit",
          url: `${receiver.url}/hooks/router?src=test`,
          secret: SECRET,
          events: ["decision", "fallback"],
          batchSize: 3,
          batchInterval: "50ms",
        },
      ]),
    );
    try {
      for (let i = 0; i < 7; i++) d.publish(decision(i));
      d.publish({ type: "circuit_open" });
      d.publish({ type: "fallback" });
      await receiver.waitFor(3);
      await d.idle();
      const batches = receiver.deliveries.map(
        (x) => JSON.parse(x.body) as { webhook: string; events: { type: string }[] },
      );
      expect(batches.map((b) => b.events.length)).toEqual([3, 3, 2]);
      expect(batches.flatMap((b) => b.events.map((e) => e.type))).not.toContain("circuit_open");
      expect(batches[0]?.webhook).toBe("audit");
      const verify = createVerifier({ secrets: [SECRET] });
      for (const x of receiver.deliveries) {
        expect(x.headers[HMAC_HEADERS.signature]).toMatch(/^v1=[0-9a-f]{64}$/);
        expect(verify({ method: "POST", path: x.path, body: x.body, headers: x.headers })).toEqual({
          ok: true,
        });
      }
      // A wrong secret does not verify: the signature covers the body.
      const wrong = createVerifier({ secrets: ["another-secret-0123456789"] });
      const first = receiver.deliveries[0]!;
      expect(wrong({ method: "POST", path: first.path, body: first.body, headers: first.headers }).ok).toBe(
        false,
      );
      expect(await counter(registry, "llm_router_webhook_delivered_total", { webhook: "audit" })).toBe(8);
    } finally {
      d.close();
      await receiver.close();
    }
  });

  it("retries a failing receiver, then delivers", async () => {
    const receiver = await startReceiver();
    receiver.status = 503;
    const d = new WebhookDispatcher({ registry: new Registry(), logger: silent, minBackoffMs: 10 });
    d.configure(webhooks([{ url: receiver.url, secret: SECRET, batchSize: 1, retries: 3 }]));
    try {
      d.publish(decision(1));
      await receiver.waitFor(2);
      receiver.status = 200;
      await d.idle();
      expect(receiver.deliveries.length).toBeGreaterThanOrEqual(3);
      // Each try is signed afresh (a nonce is single-use).
      const nonces = new Set(receiver.deliveries.map((x) => x.headers[HMAC_HEADERS.nonce]));
      expect(nonces.size).toBe(receiver.deliveries.length);
    } finally {
      d.close();
      await receiver.close();
    }
  });

  it("a dead receiver costs publishers nothing: the queue stays bounded and drops are counted", async () => {
    const port = await freePort();
    const registry = new Registry();
    const d = new WebhookDispatcher({ registry, logger: silent, minBackoffMs: 5 });
    d.configure(
      webhooks([
        {
          name: "dead",
          url: `http://127.0.0.1:${port}/x`,
          secret: SECRET,
          queueSize: 10,
          batchSize: 5,
          retries: 1,
        },
      ]),
    );
    try {
      const started = performance.now();
      for (let i = 0; i < 1000; i++) d.publish(decision(i));
      const publishMs = performance.now() - started;
      // 1,000 publishes are array pushes: far under a millisecond each, whatever the receiver does.
      expect(publishMs).toBeLessThan(200);
      await d.idle();
      const full = await counter(registry, "llm_router_webhook_dropped_total", {
        webhook: "dead",
        reason: "queue_full",
      });
      const failed = await counter(registry, "llm_router_webhook_dropped_total", {
        webhook: "dead",
        reason: "delivery_failed",
      });
      expect(full).toBeGreaterThanOrEqual(990);
      expect(failed).toBeGreaterThan(0);
      expect(full + failed).toBe(1000);
    } finally {
      d.close();
    }
  });

  it("keeps an unchanged webhook's queue across a reload and closes removed ones", async () => {
    const d = new WebhookDispatcher({ registry: new Registry(), logger: silent });
    const one = webhooks([{ url: "http://127.0.0.1:9/a", secret: SECRET }]);
    d.configure(one);
    const before = (d as unknown as { queues: { queue: unknown }[] }).queues[0]?.queue;
    d.configure(webhooks([{ url: "http://127.0.0.1:9/a", secret: SECRET }]));
    expect((d as unknown as { queues: { queue: unknown }[] }).queues[0]?.queue).toBe(before);
    d.configure([]);
    expect((d as unknown as { queues: unknown[] }).queues).toEqual([]);
    d.close();
  });

  it("refuses a webhook without a secret, naming the field", () => {
    expect(() => parseConfig({ webhooks: [{ url: "http://127.0.0.1:9/a" }] }, {})).toThrow(
      /webhooks\[0\]\.secret/,
    );
  });
});
