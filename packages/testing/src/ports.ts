/** Loopback ports for fakes and child processes (Redis, runtimes, peers) in tests and benches. */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";

/**
 * A port that was free on 127.0.0.1 a moment ago: for programs that must be told a port up front
 * (redis-server, llama-server). Servers we own listen on port 0 instead (see `listenLoopback`).
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Listens on 127.0.0.1 with an ephemeral port; resolves with the port and the `http://` origin. */
export async function listenLoopback(
  server: Server,
  scheme = "http",
): Promise<{ port: number; url: string }> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return { port, url: `${scheme}://127.0.0.1:${port}` };
}
