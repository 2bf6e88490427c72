import { createParser, type EventSourceMessage } from "eventsource-parser";
import {
  ACME_TA,
  ACME_USER,
  ADMIN,
  type AdminFixture,
  OTHER_TA,
  startAdminFixture,
  VIEWER,
} from "./fixture.js";

/** Opens /admin/events and collects parsed SSE messages until `stop()`. */
async function openEvents(url: string, key: string) {
  const ctrl = new AbortController();
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}` }, signal: ctrl.signal });
  const messages: EventSourceMessage[] = [];
  const comments: string[] = [];
  const parser = createParser({ onEvent: (m) => messages.push(m), onComment: (c) => comments.push(c) });
  const reading = (async () => {
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.feed(value);
      }
    } catch {
      // aborted by stop()
    }
  })();
  return {
    res,
    messages,
    comments,
    async waitFor(pred: (m: EventSourceMessage) => boolean, ms = 3000) {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        const hit = messages.find(pred);
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 20));
      }
      return undefined;
    },
    async stop() {
      ctrl.abort();
      await reading;
    },
  };
}

describe("admin API: analytics, provider test and the live event stream", () => {
  let f: AdminFixture;
  beforeAll(async () => {
    f = await startAdminFixture();
  });
  afterAll(() => f?.close());

  it("streams a decision after a request, and confines a tenant-admin to its tenant's events", async () => {
    const admin = await openEvents(`${f.running.url}/admin/events?types=decision`, ADMIN);
    const other = await openEvents(`${f.running.url}/admin/events`, OTHER_TA);
    expect(admin.res.status).toBe(200);
    expect(admin.res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(await f.chat(ACME_USER)).toBe(200);
    const got = await admin.waitFor((m) => m.event === "decision");
    expect(got).toBeDefined();
    const data = JSON.parse(got!.data);
    expect(data).toMatchObject({ type: "decision", tenant: "acme", target: "oa", status: 200, model: "m" });
    expect(Number(got!.id)).toBeGreaterThan(0);
    expect(admin.comments).toContain("connected");
    await new Promise((r) => setTimeout(r, 100));
    expect(other.messages.filter((m) => m.event === "decision")).toEqual([]);
    await admin.stop();
    await other.stop();

    // replay: the last kept events first
    const replay = await openEvents(`${f.running.url}/admin/events?types=decision&replay=5`, ACME_TA);
    expect(await replay.waitFor((m) => m.event === "decision")).toBeDefined();
    await replay.stop();
  });

  it("refuses the event stream without a credential, and a bad query with 400", async () => {
    expect((await fetch(`${f.running.url}/admin/events`)).status).toBe(401);
    expect((await f.call("/admin/events?types=nope", ADMIN)).status).toBe(400);
    expect((await f.call("/admin/events?tenant=acme", OTHER_TA)).status).toBe(403);
  });

  it("reports analytics as a superset of /admin/usage, grouped and filtered, with a month projection", async () => {
    for (let i = 0; i < 3; i++) expect(await f.chat(ACME_USER)).toBe(200);
    const a = await f.call("/admin/analytics?groupBy=tenant", ADMIN);
    expect(a.status).toBe(200);
    const usage = await f.call("/admin/usage?groupBy=tenant", ADMIN);
    for (const k of ["requests", "errors", "promptTokens", "completionTokens"] as const)
      expect(a.json.totals[k]).toBe(usage.json.totals[k]);
    expect(a.json.totals.costUsd).toBeCloseTo(usage.json.totals.costUsd, 12);
    expect(a.json).toMatchObject({ object: "analytics", groupBy: "tenant", resolution: "records" });
    expect(a.json.totals.latencyP50Ms).toEqual(expect.any(Number));
    expect(a.json.totals.latencyP95Ms).toBeGreaterThanOrEqual(a.json.totals.latencyP50Ms);
    expect(a.json.totals.totalTokens).toBe(a.json.totals.promptTokens + a.json.totals.completionTokens);
    expect(a.json.topModels[0]).toMatchObject({ model: "m" });
    expect(a.json.projection.projectedUsd).toBeGreaterThanOrEqual(a.json.projection.spentUsd);
    expect(a.json.projection.month).toBe(new Date().toISOString().slice(0, 7));
    const day = await f.call("/admin/analytics?groupBy=day&tenant=acme", ADMIN);
    expect(day.json.breakdown.map((b: { key: string }) => b.key)).toEqual([
      new Date().toISOString().slice(0, 10),
    ]);
    expect((await f.call("/admin/analytics?groupBy=target", VIEWER)).json.breakdown[0].key).toBe("oa");
  });

  it("confines analytics for tenant-admin and user, and answers 400 for a bad query", async () => {
    const mine = await f.call("/admin/analytics", ACME_USER);
    expect(mine.status).toBe(200);
    expect(mine.json.tenant).toBe("acme");
    expect((await f.call("/admin/analytics?tenant=acme", OTHER_TA)).status).toBe(403);
    expect((await f.call("/admin/analytics", OTHER_TA)).json.totals.requests).toBe(0);
    const bad = await f.call("/admin/analytics?groupBy=week", ADMIN);
    expect(bad.status).toBe(400);
    expect(bad.json.error.param).toBe("groupBy");
    expect((await f.call("/admin/analytics?from=2026-12-02&to=2026-12-01", ADMIN)).status).toBe(400);
  });

  it("tests a provider with its free model listing, never charged or recorded", async () => {
    const before = f.running.router.access!.ledger.records().length;
    const chatsBefore = f.upstream.requests;
    const t = await f.call("/admin/providers/oa/test", ADMIN, { method: "POST" });
    expect(t.status).toBe(200);
    expect(t.json).toMatchObject({ name: "oa", ok: true, method: "models", status: 200, error: null });
    expect(t.json.latencyMs).toEqual(expect.any(Number));
    expect(f.upstream.requests).toBe(chatsBefore);
    expect(f.running.router.access!.ledger.records().length).toBe(before);
    expect((await f.call("/admin/providers/nope/test", ADMIN, { method: "POST" })).status).toBe(404);
    expect((await f.call("/admin/providers/oa/test", VIEWER, { method: "POST" })).status).toBe(403);
    expect((await f.call("/admin/providers/oa/test", ACME_TA, { method: "POST" })).status).toBe(403);
  });
});
