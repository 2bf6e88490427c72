import { FakeUpstream } from "@llm/testing";
import { conversationKey, PREFIX_KEY_HEADER } from "../../src/balancer/conversation-key.js";
import { listen, post } from "../helpers/router.js";

/** Three fake replicas behind one pool target, through a real router (health polling off). */
describe("pool target (clusters[].endpoints)", () => {
  const fakes = ["r1", "r2", "r3"].map((name) => new FakeUpstream({ name }));
  beforeAll(async () => {
    await Promise.all(fakes.map((f) => f.start()));
  });
  afterAll(async () => {
    await Promise.all(fakes.map((f) => f.close()));
  });
  beforeEach(() => {
    for (const f of fakes) {
      f.mode = "ok";
      f.received.length = 0;
    }
  });

  const start = (balancer?: string) =>
    listen({
      clusters: [
        {
          name: "pool",
          endpoints: fakes.map((f) => f.url),
          ...(balancer ? { balancer } : {}),
          models: ["tiny"],
        },
      ],
    });
  const conversation = (c: number, turns: number) => {
    const messages: { role: string; content: string }[] = [{ role: "system", content: "be brief" }];
    for (let t = 1; t <= turns; t++) {
      messages.push({ role: "user", content: `conversation ${c} turn ${t}` });
      if (t < turns) messages.push({ role: "assistant", content: `reply ${t}` });
    }
    return { model: "tiny", messages, max_tokens: 4 };
  };
  /** Which fake answered the last request (its log is cleared for the next one). */
  const servedBy = () => {
    const i = fakes.findIndex((f) => f.count > 0);
    for (const f of fakes) f.received.length = 0;
    return i;
  };

  it("keeps every turn of a conversation on one replica and sends x-llm-prefix-key", async () => {
    const r = await start();
    try {
      const seen = new Set<number>();
      for (let c = 0; c < 6; c++) {
        const replicas = new Set<number>();
        for (let t = 1; t <= 3; t++) {
          const { res } = await post(`${r.url}/v1/chat/completions`, conversation(c, t));
          expect(res.status).toBe(200);
          const hit = fakes.find((f) => f.count > 0) as FakeUpstream;
          expect(hit.received[0]?.headers[PREFIX_KEY_HEADER]).toBe(conversationKey(conversation(c, 1)));
          replicas.add(servedBy());
        }
        expect(replicas.size).toBe(1);
        seen.add([...replicas][0] as number);
      }
      expect(seen.size).toBeGreaterThan(1);
    } finally {
      await r.close();
    }
  });

  it("round-robin spreads the turns of one conversation", async () => {
    const r = await start("round-robin");
    try {
      const replicas = new Set<number>();
      for (let t = 1; t <= 3; t++) {
        await post(`${r.url}/v1/chat/completions`, conversation(0, t));
        replicas.add(servedBy());
      }
      expect(replicas.size).toBe(3);
    } finally {
      await r.close();
    }
  });

  it("a failing replica costs the request nothing: the next replica on the ring answers", async () => {
    const r = await start();
    try {
      await post(`${r.url}/v1/chat/completions`, conversation(7, 1));
      const first = servedBy();
      (fakes[first] as FakeUpstream).mode = "fail500";
      const { res } = await post(`${r.url}/v1/chat/completions`, conversation(7, 2));
      expect(res.status).toBe(200);
      expect(res.headers.get("x-router-target")).toBe("pool");
      const answered = fakes.filter((f, i) => i !== first && f.count > 0);
      expect(answered).toHaveLength(1);
      const health = (await (await fetch(`${r.url}/health`)).json()) as {
        targets: { replicas?: { url: string; inFlight: number }[]; balancer?: string }[];
      };
      expect(health.targets[0]?.balancer).toBe("prefix");
      expect(health.targets[0]?.replicas?.map((x) => x.inFlight)).toEqual([0, 0, 0]);
    } finally {
      await r.close();
    }
  });

  it("a replica whose poll says not ready leaves the ring: only its conversations move", async () => {
    const r = await start();
    let ready = true;
    const sick = new FakeUpstream({
      name: "sick",
      health: () => ({ status: ready ? 200 : 503, body: { status: ready ? "ok" : "loading", ready } }),
    });
    await sick.start();
    await r.close();
    const pool = await listen({
      clusters: [{ name: "pool", endpoints: [...fakes.map((f) => f.url), sick.url], models: ["tiny"] }],
    });
    try {
      const owner = async (c: number) => {
        await post(`${pool.url}/v1/chat/completions`, conversation(c, 1));
        // Chat requests only: the poller's probes may be recorded too.
        const i = [...fakes, sick].findIndex((f) =>
          f.received.some((q) => q.path.endsWith("/chat/completions")),
        );
        for (const f of [...fakes, sick]) f.received.length = 0;
        return i;
      };
      await pool.app.poller.pollAll();
      const before = [];
      for (let c = 0; c < 16; c++) before.push(await owner(c));
      expect(before).toContain(3);
      ready = false;
      await pool.app.poller.pollAll();
      const health = (await (await fetch(`${pool.url}/health`)).json()) as {
        targets: { status: string; replicas: { available: boolean }[] }[];
      };
      expect(health.targets[0]?.status).toBe("healthy");
      expect(health.targets[0]?.replicas.map((x) => x.available)).toEqual([true, true, true, false]);
      for (let c = 0; c < 16; c++) {
        const now = await owner(c);
        expect(now).not.toBe(3);
        if (before[c] !== 3) expect(now).toBe(before[c]);
      }
    } finally {
      await pool.close();
      await sick.close();
    }
  });

  it("streams through a replica and releases its in-flight count at the end", async () => {
    const r = await start();
    try {
      const res = await fetch(`${r.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...conversation(3, 1), stream: true }),
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("[DONE]");
      const health = (await (await fetch(`${r.url}/health`)).json()) as {
        targets: { replicas?: { inFlight: number }[] }[];
      };
      expect(health.targets[0]?.replicas?.map((x) => x.inFlight)).toEqual([0, 0, 0]);
    } finally {
      await r.close();
    }
  });
});
