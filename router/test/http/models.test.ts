import { FakeUpstream } from "@llm/testing";
import OpenAI from "openai";
import type { RunningRouter } from "../../src/server.js";
import { config, listen, listenWithAccess } from "../helpers/router.js";

const KEY = "sk-acme-tenant-key-0123456789";
const NARROW_KEY = "sk-acme-narrow-key-0123456789";

/** The official SDK against the router, as an application would use it. */
function client(url: string, apiKey: string): OpenAI {
  return new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0 });
}

describe("GET /v1/models and /v1/models/{id} (the SDK's models.list / models.retrieve)", () => {
  let up: FakeUpstream;
  beforeAll(async () => {
    up = await new FakeUpstream({ name: "a" }).start();
  });
  afterAll(async () => {
    await up.close();
  });

  describe("with tenants configured", () => {
    let running: RunningRouter;
    beforeAll(async () => {
      ({ running } = await listenWithAccess(
        config({
          clusters: [{ name: "a", endpoint: up.url, models: ["tiny", "org/big-model", "fast"] }],
          tenants: [
            {
              id: "acme",
              keys: [
                { id: "acme-1", key: KEY },
                { id: "acme-narrow", key: NARROW_KEY, allowedModels: ["tiny"] },
              ],
            },
          ],
        }),
      ));
    });
    afterAll(async () => {
      await running.close();
    });

    it("retrieves one model as OpenAI's model object, with the targets extension", async () => {
      const model = await client(running.url, KEY).models.retrieve("tiny");
      expect(model).toMatchObject({ id: "tiny", object: "model", owned_by: "llm-router", targets: ["a"] });
      expect(typeof model.created).toBe("number");
      // Ids with a slash (`org/name`) are retrievable too (the SDK encodes the slash).
      expect((await client(running.url, KEY).models.retrieve("org/big-model")).id).toBe("org/big-model");
      const raw = await fetch(`${running.url}/v1/models/org/big-model`, {
        headers: { authorization: `Bearer ${KEY}` },
      });
      expect(((await raw.json()) as { id: string }).id).toBe("org/big-model");
    });

    it("answers an unknown id with OpenAI's 404 (NotFoundError in the SDK)", async () => {
      const err = await client(running.url, KEY)
        .models.retrieve("nope")
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.NotFoundError);
      const e = err as InstanceType<typeof OpenAI.NotFoundError>;
      expect(e.status).toBe(404);
      expect(e.code).toBe("model_not_found");
      expect(e.param).toBe("model");
      expect(e.type).toBe("invalid_request_error");
    });

    it("requires a valid key for list and retrieve (401 AuthenticationError)", async () => {
      for (const call of [(c: OpenAI) => c.models.list(), (c: OpenAI) => c.models.retrieve("tiny")]) {
        const err = await call(client(running.url, "sk-wrong-key-000000000000")).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
      }
      const bare = await fetch(`${running.url}/v1/models`);
      expect(bare.status).toBe(401);
      expect(bare.headers.get("x-request-id")).toBeTruthy();
    });

    it("lists and retrieves only the models the key may use (allowedModels)", async () => {
      const all = [];
      for await (const m of client(running.url, KEY).models.list()) all.push(m.id);
      expect(all).toEqual(["fast", "org/big-model", "tiny"]);
      const narrow = [];
      for await (const m of client(running.url, NARROW_KEY).models.list()) narrow.push(m.id);
      expect(narrow).toEqual(["tiny"]);
      const hidden = await client(running.url, NARROW_KEY)
        .models.retrieve("fast")
        .catch((e: unknown) => e);
      expect(hidden).toBeInstanceOf(OpenAI.NotFoundError);
    });
  });

  it("without tenants, list and retrieve need no key", async () => {
    const running = await listen({ clusters: [{ name: "a", endpoint: up.url, models: ["tiny"] }] });
    try {
      const res = await fetch(`${running.url}/v1/models/tiny`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { id: string }).id).toBe("tiny");
      expect((await fetch(`${running.url}/v1/models`)).status).toBe(200);
    } finally {
      await running.close();
    }
  });
});
