import { referenceCostUsd } from "@llm/contracts";
import { type FakeOpenAI, FakeUpstream, startFakeOpenAI } from "@llm/testing";
import type { RouterAccess } from "../../src/create-router.js";
import { withCacheRates } from "../../src/pricing/cache-pricing.js";
import { createPriceTable } from "../../src/pricing/table.js";
import type { RunningRouter } from "../../src/server.js";
import { config, listenWithAccess, post } from "../helpers/router.js";

const KEY = "sk-acme-tenant-key-0123456789";

/**
 * The usage record's derived fields (router README § Usage record): endpoint, time to first
 * token, marginal cost (0 on an idle always-on pool) and the saving against the all-external
 * reference price — the same referenceCostUsd bench:savings uses.
 */
describe("usage record: endpoint, TTFT, marginal and saved cost", () => {
  let cluster: FakeUpstream;
  let openai: FakeOpenAI;
  let running: RunningRouter;
  let access: RouterAccess;
  beforeAll(async () => {
    cluster = await new FakeUpstream({ name: "cluster" }).start();
    openai = await startFakeOpenAI({ name: "openai", apiKey: "sk-fake", prefix: "/v1" });
    ({ running, runtime: access } = await listenWithAccess(
      config({
        clusters: [{ name: "c", endpoint: cluster.url, models: ["tiny"], costPerHour: 0.02 }],
        externalProviders: [
          {
            name: "openai",
            type: "openai",
            apiKey: "sk-fake",
            baseURL: `${openai.url}/v1`,
            models: { tiny: "gpt-4o-mini" },
          },
        ],
        tenants: [{ id: "acme", keys: [{ id: "acme-1", key: KEY }] }],
      }),
    ));
    await running.router.poller.pollAll();
  });
  afterAll(async () => {
    await running.close();
    await cluster.close();
    await openai.close();
  });

  it.each([false, true])("fills them for a cluster answer (stream: %s)", async (stream) => {
    const before = access.ledger.records().length;
    const { res } = await post(
      `${running.url}/v1/chat/completions`,
      { model: "tiny", messages: [{ role: "user", content: "hi" }], max_tokens: 8, stream },
      { authorization: `Bearer ${KEY}` },
    );
    expect(res.status).toBe(200);
    // A stream is settled after its last byte went out: wait for its record (bounded).
    for (let i = 0; i < 100 && access.ledger.records().length === before; i++)
      await new Promise((r) => setTimeout(r, 20));
    const rec = access.ledger.records().at(-1)!;
    expect(rec.target).toBe("c");
    expect(rec.endpoint).toBe("chat");
    expect(rec.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(rec.timeToFirstTokenMs).toBeLessThanOrEqual(rec.latencyMs);
    // An idle always-on pool: serving this request added nothing to the bill.
    expect(rec.marginalUsd).toBe(0);
    const price = withCacheRates("openai", createPriceTable().lookup("openai", "gpt-4o-mini")!);
    const reference = referenceCostUsd([price], rec.promptTokens, rec.completionTokens);
    expect(rec.savedUsd).toBeCloseTo(reference - rec.costUsd, 12);
  });
});
