import { listen } from "../helpers/router.js";

describe("GET /v1/models capabilities", () => {
  it("lists the union of the model's targets' capabilities, sorted", async () => {
    // Refused ports: health polls fail, so each cluster keeps its declared capability set.
    const running = await listen({
      clusters: [
        { name: "a", endpoint: "http://127.0.0.1:9", models: ["tiny"], capabilities: ["chat", "tools"] },
        {
          name: "b",
          endpoint: "http://127.0.0.1:9",
          models: ["tiny", "solo"],
          capabilities: ["chat", "vision"],
        },
      ],
    });
    try {
      const list = (await (await fetch(`${running.url}/v1/models`)).json()) as {
        data: { id: string; capabilities: string[] }[];
      };
      const byId = Object.fromEntries(list.data.map((m) => [m.id, m.capabilities]));
      expect(byId).toEqual({ solo: ["chat", "vision"], tiny: ["chat", "tools", "vision"] });
      const one = (await (await fetch(`${running.url}/v1/models/tiny`)).json()) as { capabilities: string[] };
      expect(one.capabilities).toEqual(["chat", "tools", "vision"]);
    } finally {
      await running.close();
    }
  });

  it("lists a model group under its name, with its deployments' targets and their capabilities", async () => {
    const running = await listen({
      clusters: [
        { name: "a", endpoint: "http://127.0.0.1:9", models: ["tiny"], capabilities: ["chat", "tools"] },
        { name: "b", endpoint: "http://127.0.0.1:9", models: ["big"], capabilities: ["chat", "vision"] },
      ],
      modelGroups: [
        {
          name: "chat-small",
          deployments: [
            { target: "a", model: "tiny" },
            { target: "b", model: "big" },
          ],
        },
      ],
    });
    try {
      const one = (await (await fetch(`${running.url}/v1/models/chat-small`)).json()) as {
        targets: string[];
        upstream_models: string[];
        capabilities: string[];
      };
      expect(one).toMatchObject({
        targets: ["a", "b"],
        upstream_models: ["tiny", "big"],
        capabilities: ["chat", "tools", "vision"],
      });
    } finally {
      await running.close();
    }
  });
});
