import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { listenLoopback, readText } from "@llm/testing";

/** One POST a test receiver got. */
export interface Delivery {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A loopback webhook receiver that records every POST and answers `status` (200 unless changed). */
export async function startReceiver(): Promise<{
  url: string;
  deliveries: Delivery[];
  status: number;
  close(): Promise<void>;
  waitFor(n: number, timeoutMs?: number): Promise<void>;
}> {
  const deliveries: Delivery[] = [];
  const state = { status: 200 };
  const server: Server = createServer(async (req, res) => {
    deliveries.push({ path: req.url ?? "/", headers: req.headers, body: await readText(req) });
    res.writeHead(state.status).end();
  });
  const { url } = await listenLoopback(server);
  return {
    url,
    deliveries,
    get status() {
      return state.status;
    },
    set status(s: number) {
      state.status = s;
    },
    close: () => new Promise((r) => server.close(() => r())),
    async waitFor(n, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (deliveries.length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    },
  };
}
