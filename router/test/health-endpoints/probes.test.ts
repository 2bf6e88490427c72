import { connect } from "node:net";
import { listen } from "../helpers/router.js";

// Every upstream is down: /health is 503, which must not fail liveness or readiness.
const raw = {
  clusters: [{ name: "down", endpoint: "http://127.0.0.1:1", models: ["tiny"], costPerHour: 0.01 }],
};

/** Sends a raw HTTP request in two writes, running `between` after the first; resolves with the status line. */
function splitRequest(url: string, path: string, between: () => Promise<void>): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const sock = connect(Number(port), hostname, async () => {
      sock.write(`GET ${path} HTTP/1.1\r\n`);
      // Let the server see the request line, so the connection counts as busy, not idle.
      await new Promise((r) => setTimeout(r, 50));
      await between();
      sock.write(`Host: ${hostname}\r\nConnection: close\r\n\r\n`);
    });
    let out = "";
    sock.on("data", (d) => {
      out += d.toString();
    });
    sock.on("end", () => resolve(out.split("\r\n")[0] ?? ""));
    sock.on("error", reject);
  });
}

describe("liveness and readiness probes", () => {
  it("/livez and /readyz answer 200 while every upstream is down and /health says 503", async () => {
    const r = await listen(raw);
    try {
      await r.app.poller.pollAll();
      expect((await fetch(`${r.url}/health`)).status).toBe(503);
      const live = await fetch(`${r.url}/livez`);
      expect(live.status).toBe(200);
      expect(await live.json()).toEqual({ status: "alive" });
      const ready = await fetch(`${r.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: "ready" });
    } finally {
      await r.close();
    }
  });

  it("/readyz answers 503 once shutdown has begun (a request already on the wire while draining)", async () => {
    const r = await listen(raw);
    let closing: Promise<void> | undefined;
    const status = await splitRequest(r.url, "/readyz", async () => {
      closing = r.close(); // what SIGTERM runs: stop listening, drain, close
    });
    expect(status).toBe("HTTP/1.1 503 Service Unavailable");
    await closing;
  });

  it("drain() fails readiness while the router still serves (the SIGTERM drain delay)", async () => {
    const r = await listen(raw);
    try {
      r.app.drain();
      expect((await fetch(`${r.url}/readyz`)).status).toBe(503);
      expect((await fetch(`${r.url}/livez`)).status).toBe(200);
      expect((await fetch(`${r.url}/v1/models`)).status).toBe(200);
    } finally {
      await r.close();
    }
  });
});
