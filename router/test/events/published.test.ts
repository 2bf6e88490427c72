import { type FakeOpenAI, startFakeOpenAI } from "@llm/testing";
import { type RouterEvent, routerEvent } from "../../src/events/schema.js";
import type { RunningRouter } from "../../src/server.js";
import { config, listenWithAccess, post } from "../helpers/router.js";

const KEY = "sk-events-tenant-key-0123456789";

describe("events published by a running router", () => {
  let bad: FakeOpenAI;
  let good: FakeOpenAI;
  let running: RunningRouter;
  const got: RouterEvent[] = [];

  beforeAll(async () => {
    bad = await startFakeOpenAI({ name: "bad" });
    good = await startFakeOpenAI({ name: "good" });
    bad.mode = "fail500";
    ({ running } = await listenWithAccess(
      config({
        externalProviders: [
          // "bad" is cheaper, so it is tried first and fails over to "good".
          {
            name: "bad",
            type: "openai",
            apiKey: "sk-bad-upstream-000",
            baseURL: `${bad.url}/v1`,
            models: { m: "gpt-4o-mini" },
          },
          {
            name: "good",
            type: "openai",
            apiKey: "sk-good-upstream-00",
            baseURL: `${good.url}/v1`,
            models: { m: "gpt-4o" },
          },
        ],
        tenants: [
          {
            id: "acme",
            keys: [{ id: "acme-1", key: KEY }],
            budgets: { dailyUsd: 0.01, alertThresholds: [0.0001] },
          },
        ],
      }),
    ));
    running.router.events.subscribe({}, (e) => {
      got.push(e);
    });
  });

  afterAll(async () => {
    await running?.close();
    await bad?.close();
    await good?.close();
  });

  it("publishes a failover, a decision with the answering target and no prompt, and the budget alert", async () => {
    const { res } = await post(
      `${running.url}/v1/chat/completions`,
      { model: "m", max_tokens: 20, messages: [{ role: "user", content: "secret prompt words" }] },
      { authorization: `Bearer ${KEY}` },
    );
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    for (const e of got) routerEvent.parse(e);
    const failover = got.find((e) => e.type === "failover");
    expect(failover).toMatchObject({ tenant: "acme", from: "bad", status: 500 });
    const decision = got.find((e) => e.type === "decision");
    expect(decision).toMatchObject({
      tenant: "acme",
      keyId: "acme-1",
      model: "m",
      target: "good",
      reason: "failover",
      status: 200,
      requestId: res.headers.get("x-request-id"),
    });
    expect(decision?.type === "decision" && decision.tokens.total).toBeGreaterThan(0);
    expect(got.find((e) => e.type === "budget.alert")).toMatchObject({
      tenant: "acme",
      scope: "tenant:acme",
    });
    const text = JSON.stringify(got);
    expect(text).not.toContain("secret prompt");
    expect(text).not.toContain(KEY);
  });
});

describe("decision events and the response cache", () => {
  it("marks a response-cache hit on the decision", async () => {
    const up = await startFakeOpenAI({ name: "up" });
    const { running } = await listenWithAccess(
      config({
        router: { cache: { enabled: true } },
        clusters: [{ name: "pool", endpoint: up.url, models: ["tiny"], costPerHour: 1 }],
      }),
    );
    const got: RouterEvent[] = [];
    running.router.events.subscribe({ types: ["decision"] }, (e) => {
      got.push(e);
    });
    try {
      const body = { model: "tiny", temperature: 0, messages: [{ role: "user", content: "same question" }] };
      expect((await post(`${running.url}/v1/chat/completions`, body)).res.status).toBe(200);
      const second = await post(`${running.url}/v1/chat/completions`, body);
      expect(second.res.headers.get("x-router-cache")).toBe("hit");
      await new Promise((r) => setTimeout(r, 50));
      expect(got.map((e) => e.type === "decision" && e.cache)).toEqual([
        expect.objectContaining({ hit: false, result: "miss" }),
        expect.objectContaining({ hit: true, result: "hit" }),
      ]);
    } finally {
      await running.close();
      await up.close();
    }
  });
});

describe("prompt text on decision events", () => {
  it("is there only for a tenant that opted in (eventPrompts), as the last user message", async () => {
    const up = await startFakeOpenAI({ name: "up" });
    const { running } = await listenWithAccess(
      config({
        externalProviders: [
          {
            name: "oa",
            type: "openai",
            apiKey: "sk-oa-upstream-0000",
            baseURL: `${up.url}/v1`,
            models: { m: "gpt-4o-mini" },
          },
        ],
        tenants: [
          { id: "open", eventPrompts: true, keys: [{ id: "open-1", key: "sk-open-tenant-key-012345" }] },
          { id: "closed", keys: [{ id: "closed-1", key: "sk-closed-tenant-key-01234" }] },
        ],
      }),
    );
    const got: RouterEvent[] = [];
    running.router.events.subscribe({ types: ["decision"] }, (e) => {
      got.push(e);
    });
    try {
      const messages = [
        { role: "system", content: "system words" },
        { role: "user", content: [{ type: "text", text: "visible question" }] },
      ];
      for (const key of ["sk-open-tenant-key-012345", "sk-closed-tenant-key-01234"])
        expect(
          (
            await post(
              `${running.url}/v1/chat/completions`,
              { model: "m", messages },
              { authorization: `Bearer ${key}` },
            )
          ).res.status,
        ).toBe(200);
      await new Promise((r) => setTimeout(r, 50));
      const byTenant = Object.fromEntries(got.map((e) => [e.type === "decision" ? e.tenant : "", e]));
      expect(byTenant.open).toMatchObject({ prompt: "visible question" });
      expect(byTenant.closed).not.toHaveProperty("prompt");
      expect(JSON.stringify(got)).not.toContain("system words");
    } finally {
      await running.close();
      await up.close();
    }
  });
});
