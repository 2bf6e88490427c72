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
});
