import { chatCompletionRequest, HttpError, parseBody, stackOutputs } from "../src/index.js";

describe("chat completion request schema", () => {
  it("accepts an OpenAI SDK-shaped request", () => {
    const parsed = parseBody(chatCompletionRequest, {
      model: "tiny",
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: [{ type: "text", text: "hi" }] },
      ],
      max_tokens: 8,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(parsed.messages).toHaveLength(2);
  });

  it.each([
    [{ model: "m", messages: [] }, "messages"],
    [{ model: "m", messages: [{ role: "user", content: "x" }], max_tokens: -1 }, "max_tokens"],
    [{ model: "m", messages: [{ role: "user", content: "x" }], bogus: 1 }, "bogus"],
    [{ model: "m", messages: [{ role: "wizard", content: "x" }] }, "messages.0.role"],
    [{ messages: [{ role: "user", content: "x" }] }, "model"],
  ])("rejects %j naming param %s", (body, param) => {
    try {
      parseBody(chatCompletionRequest, body);
      throw new Error("expected a rejection");
    } catch (e) {
      expect(e).toBeInstanceOf(HttpError);
      expect((e as HttpError).status).toBe(400);
      expect((e as HttpError).param).toBe(param);
    }
  });
});

describe("stack outputs schema", () => {
  const pool = {
    endpoint: "http://127.0.0.1:9001",
    instanceType: "local",
    pricePerHour: { onDemand: 0.1, spot: 0.03 },
    capacityType: "on-demand",
    minNodes: 1,
    maxNodes: 2,
    capabilities: { models: ["tiny"], contextLength: 2048 },
  };
  it("requires an HMAC secret when authMode is hmac", () => {
    const r = stackOutputs.safeParse({
      cloud: "local",
      region: "here",
      clusterName: "c",
      authMode: "hmac",
      pools: { cpu: pool },
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(["hmacSecret"]);
  });
});
