import { type FakeServer, freePort, startFakeAnthropic } from "@llm/testing";
import type { RunningRouter } from "../../src/server.js";
import { config, listenWithAccess } from "../helpers/router.js";

const ADMIN = "admin-key-abcdefghijklmnop";

describe("POST /admin/providers/{name}/test", () => {
  let fake: FakeServer;
  let running: RunningRouter;

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    const dead = await freePort(); // nothing listens there
    ({ running } = await listenWithAccess(
      config({
        externalProviders: [
          {
            name: "claude",
            type: "anthropic",
            apiKey: "sk-ant-upstream-0000",
            baseURL: fake.url,
            models: { fast: "claude-sonnet-4-5" },
          },
          {
            name: "gone",
            type: "openai",
            apiKey: "sk-gone-upstream-000",
            baseURL: `http://127.0.0.1:${dead}/v1`,
          },
        ],
        admin: { key: ADMIN },
      }),
    ));
  });
  afterAll(async () => {
    await running?.close();
    await fake?.close();
  });

  const test = async (name: string) => {
    const res = await fetch(`${running.url}/admin/providers/${name}/test`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  it("sends a one-token chat to a provider without a free listing, outside usage accounting", async () => {
    const r = await test("claude");
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      name: "claude",
      ok: true,
      method: "chat",
      status: 200,
      model: "claude-sonnet-4-5",
    });
    const sent = fake.received.at(-1)!;
    expect(sent.body).toMatchObject({ max_tokens: 1 });
    expect(running.router.access!.ledger.records()).toEqual([]);
  });

  it("reports an unreachable provider as ok:false with the reason, not as an error response", async () => {
    const r = await test("gone");
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ name: "gone", ok: false, method: "models", status: null });
    expect(String(r.json.error)).not.toContain("sk-gone");
  });
});
