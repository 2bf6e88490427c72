import type { AddressInfo } from "node:net";
import express from "express";
import { eventsRoute } from "../../src/admin/events-route.js";
import type { Principal } from "../../src/admin/principal.js";
import { EventBus } from "../../src/events/bus.js";

/** The events route alone, with the admin middleware's principal stubbed in. */
async function serve(bus: EventBus, principal: Principal) {
  const app = express();
  app.use((_req, res, next) => {
    res.locals.principal = principal;
    next();
  });
  app.use(eventsRoute({ events: bus, heartbeatMs: 30 }));
  const server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/admin/events` };
}

async function readFor(url: string, ms: number, during?: () => void): Promise<string> {
  const ctrl = new AbortController();
  const res = await fetch(url, { signal: ctrl.signal });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const stop = setTimeout(() => ctrl.abort(), ms);
  setTimeout(() => during?.(), 20);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
  } catch {
    // aborted
  }
  clearTimeout(stop);
  return text;
}

const alert = (tenant: string) =>
  ({
    type: "budget.alert",
    time: new Date(0).toISOString(),
    tenant,
    scope: `tenant:${tenant}`,
    period: "daily",
    threshold: 0.8,
    limitUsd: 1,
    spentUsd: 0.8,
  }) as const;

describe("GET /admin/events framing", () => {
  it("sends heartbeat comments and id/event/data frames, and unsubscribes when the client goes", async () => {
    const bus = new EventBus();
    const { server, url } = await serve(bus, {
      role: "admin",
      tenant: null,
      keyId: "admin",
      via: "admin-key",
    });
    const text = await readFor(url, 150, () => bus.publish(alert("acme")));
    expect(text.startsWith(": connected\n\n")).toBe(true);
    expect(text).toMatch(/: heartbeat \d{4}-\d\d-\d\dT/);
    expect(text).toContain(`id: 1\nevent: budget.alert\ndata: ${JSON.stringify(alert("acme"))}\n\n`);
    await new Promise((r) => setTimeout(r, 30));
    expect(bus.subscriberCount).toBe(0);
    server.close();
  });

  it("gives a confined role its own tenant's events only", async () => {
    const bus = new EventBus();
    const { server, url } = await serve(bus, { role: "user", tenant: "acme", keyId: "k", via: "api-key" });
    const text = await readFor(url, 100, () => {
      bus.publish(alert("other"));
      bus.publish({ type: "circuit_open", time: new Date(0).toISOString(), target: "t" });
      bus.publish(alert("acme"));
    });
    expect(text).toContain('"tenant":"acme"');
    expect(text).not.toContain('"tenant":"other"');
    expect(text).not.toContain("circuit_open");
    server.close();
  });
});
