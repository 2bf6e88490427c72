import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { RouterConfig } from "./config/schema.js";
import { ConfigWatcher } from "./config/watch.js";
import { type CreateRouterOptions, createRouter, type LlmRouter } from "./create-router.js";
import { clientErrorListener } from "./http/client-error.js";

export interface StartRouterOptions extends CreateRouterOptions {
  /** Validated config (see loadConfigFile / parseConfig). */
  config: RouterConfig;
  /** Config file to reload on SIGHUP or change; no reloading when absent. */
  configPath?: string;
  /** Overrides `server.host`. */
  host?: string;
  /** Overrides `server.port` (0 picks a free port). */
  port?: number;
}

export interface RunningRouter {
  url: string;
  router: LlmRouter;
  server: Server;
  /**
   * Stops accepting, waits for in-flight requests up to `server.shutdownGrace`, then closes the
   * router (pools, state store, Redis, audit log).
   */
  close(): Promise<void>;
}

/** Builds the router with `createRouter` and listens; the only place the router opens a port. */
export async function startRouter(opts: StartRouterOptions): Promise<RunningRouter> {
  const router = await createRouter(opts.config, opts);
  const host = opts.host ?? opts.config.server.host;
  const port = opts.port ?? opts.config.server.port;
  const server = createServer(router.handler);
  // Requests Node cannot parse (bad header line, 431) get OpenAI's error body and a request id.
  server.on("clientError", clientErrorListener(router.logger));
  server.listen(port, host);
  try {
    await once(server, "listening");
  } catch (err) {
    // A port in use must not leave the state store, Redis and pollers behind.
    await router.close();
    throw err;
  }
  // readTimeout bounds receiving a request (not the streamed response, which may last minutes);
  // idleTimeout keeps keep-alive sockets longer than typical load balancers' 60 s.
  const { readTimeout, idleTimeout } = opts.config.server;
  server.requestTimeout = readTimeout;
  server.headersTimeout = Math.min(readTimeout, 60_000);
  server.keepAliveTimeout = idleTimeout;
  const watcher = opts.configPath
    ? new ConfigWatcher({ path: opts.configPath, onConfig: (c) => router.reload(c), logger: router.logger })
    : undefined;
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${addr.port}`,
    router,
    server,
    close() {
      closing ??= (async () => {
        watcher?.close();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const grace = router.config().server.shutdownGrace;
        const timer = setTimeout(() => server.closeAllConnections(), grace);
        await closed;
        clearTimeout(timer);
        await router.close();
      })();
      return closing;
    },
  };
}
