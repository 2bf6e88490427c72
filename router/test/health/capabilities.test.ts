import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { freePort } from "@llm/testing";
import { listen } from "../helpers/router.js";

/**
 * A cluster's capabilities: the declared set (catalog -> stack outputs -> router config) until a
 * health poll of a loaded runtime reports what its model serves; a cold or loading runtime keeps
 * the last known set, so a tool request can still reach (and wake) it.
 */
describe("cluster capabilities from the runtime's health", () => {
  let runtime: Server;
  let health: { status: number; body: Record<string, unknown> };
  let router: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    runtime = createServer((req, res) => {
      if (req.url === "/v1/health") {
        res.writeHead(health.status, { "content-type": "application/json" }).end(JSON.stringify(health.body));
      } else if (req.url === "/v1/metrics") res.end("llm_runtime_queue_depth 0\n");
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => runtime.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(runtime.address() as AddressInfo).port}`;
    const cluster = (name: string, endpoint: string) => ({
      name,
      endpoint,
      models: ["tiny"],
      capabilities: ["chat", "streaming"],
    });
    router = await listen({
      clusters: [cluster("pool", url), cluster("cold", `http://127.0.0.1:${await freePort()}`)],
    });
  });
  afterAll(async () => {
    await router.close();
    await new Promise<void>((r) => runtime.close(() => r()));
  });

  const caps = (name: string) =>
    [...(router.app.targets().find((t) => t.name === name)?.capabilities ?? [])].sort();

  it("uses the declared set before any poll", () => {
    expect(caps("pool")).toEqual(["chat", "streaming"]);
  });

  it("replaces it with what a loaded runtime reports", async () => {
    health = {
      status: 200,
      body: { status: "ok", ready: true, capabilities: ["chat", "streaming", "tools"] },
    };
    await router.app.poller.pollAll();
    expect(caps("pool")).toEqual(["chat", "streaming", "tools"]);
  });

  it("keeps the last known set while the runtime is loading or reports nothing", async () => {
    health = { status: 503, body: { status: "loading", ready: false } };
    await router.app.poller.pollAll();
    expect(caps("pool")).toEqual(["chat", "streaming", "tools"]);
  });

  it("a runtime whose template has no call format drops tools", async () => {
    health = { status: 200, body: { status: "ok", ready: true, capabilities: ["chat", "streaming"] } };
    await router.app.poller.pollAll();
    expect(caps("pool")).toEqual(["chat", "streaming"]);
  });

  it("a cold pool that never answered keeps its declared set", async () => {
    await router.app.poller.pollAll();
    expect(caps("cold")).toEqual(["chat", "streaming"]);
  });
});
