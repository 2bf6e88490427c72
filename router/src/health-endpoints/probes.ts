import type { Server } from "node:http";
import { Router } from "express";

/**
 * Kubernetes probes that, unlike `/health`, never look at upstreams, so an upstream outage cannot
 * make the kubelet restart (liveness) or unlist (readiness) every router replica at once; `/health`
 * stays the place for upstream state.
 *
 * - `GET /livez`: 200 while the process runs and its event loop answers.
 * - `GET /readyz`: 200 while the server accepts requests; 503 once it is draining. The app only exists
 *   after its config loaded, so any answer implies that; draining is read from the listening
 *   server itself (`server.close()`, which shutdown on SIGTERM calls first, stops `listening` at
 *   once while requests on open keep-alive connections are still served), or set earlier by
 *   `drain()`: the CLI marks the router draining on SIGTERM and keeps serving for
 *   `ROUTER_DRAIN_DELAY` so load balancers unlist it before the listener closes.
 */
/** Set by `RouterApp.drain()` (SIGTERM): readiness fails while requests are still served. */
export interface DrainState {
  draining: boolean;
}

export function probesRouter(drain: DrainState = { draining: false }): Router {
  const router = Router();
  router.get("/livez", (_req, res) => {
    res.json({ status: "alive" });
  });
  router.get("/readyz", (req, res) => {
    // node:net sets `server` on every socket a server accepts (undocumented but stable since Node 0.x).
    const server = (req.socket as { server?: Server }).server;
    if (drain.draining || (server && !server.listening)) {
      res.status(503).json({ status: "draining" });
      return;
    }
    res.json({ status: "ready" });
  });
  return router;
}
