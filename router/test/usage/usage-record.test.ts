import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { RouterAccess } from "../../src/create-router.js";
import { cacheAwareCostUsd } from "../../src/pricing/cache-pricing.js";
import { createPriceTable, priceRequest } from "../../src/pricing/table.js";
import type { RunningRouter } from "../../src/server.js";
import { config, listenWithAccess, post } from "../helpers/router.js";

const KEY = "sk-acme-tenant-key-0123456789";

/** An OpenAI-compatible upstream whose usage reports a prompt-cache hit, as OpenAI's API does. */
function cachingUpstream(): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id: "chatcmpl-1",
          object: "chat.completion",
          created: 1,
          model: "gpt-4o-mini",
          choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
          usage: {
            prompt_tokens: 10_000,
            completion_tokens: 100,
            total_tokens: 10_100,
            prompt_tokens_details: { cached_tokens: 9_000 },
          },
        }),
      );
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

describe("usage record: cache tokens priced at their own rates", () => {
  let up: Server;
  let running: RunningRouter;
  let access: RouterAccess;
  beforeAll(async () => {
    up = await cachingUpstream();
    const port = (up.address() as AddressInfo).port;
    ({ running, runtime: access } = await listenWithAccess(
      config({
        externalProviders: [
          {
            name: "openai",
            type: "openai",
            apiKey: "sk-fake",
            baseURL: `http://127.0.0.1:${port}/v1`,
            models: { tiny: "gpt-4o-mini" },
          },
        ],
        tenants: [{ id: "acme", keys: [{ id: "acme-1", key: KEY }] }],
      }),
    ));
  });
  afterAll(async () => {
    await running.close();
    await new Promise((r) => up.close(r));
  });

  it("records the cache reads and bills them below the input price in the ledger", async () => {
    const { res } = await post(
      `${running.url}/v1/chat/completions`,
      { model: "tiny", messages: [{ role: "user", content: "hi" }] },
      { authorization: `Bearer ${KEY}` },
    );
    expect(res.status).toBe(200);
    const rec = access.ledger.records().at(-1);
    expect(rec).toMatchObject({ tenantId: "acme", keyId: "acme-1", target: "openai", promptTokens: 10_000 });
    expect(rec?.cacheReadTokens).toBe(9_000);
    expect(rec?.cacheWriteTokens).toBeUndefined();
    const price = createPriceTable().lookup("openai", "gpt-4o-mini");
    if (!price) throw new Error("gpt-4o-mini has no built-in price");
    const expected = cacheAwareCostUsd("openai", price, {
      promptTokens: 10_000,
      completionTokens: 100,
      cacheReadTokens: 9_000,
    });
    expect(rec?.costUsd).toBeCloseTo(expected, 12);
    // Today's bug: the flat price billed the 9k cached tokens as full input.
    expect(rec?.costUsd).toBeLessThan(priceRequest(price, 10_000, 100));
    // The answer's own cost header says what the ledger booked.
    expect(Number(res.headers.get("x-router-cost-usd"))).toBeCloseTo(expected, 9);
  });
});
