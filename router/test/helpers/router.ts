import pino from "pino";
import { createApp, type RouterApp } from "../../src/app.js";
import { parseConfig } from "../../src/config/load.js";
import type { RouterConfig } from "../../src/config/schema.js";
import type { CreateRouterOptions, RouterAccess } from "../../src/create-router.js";
import type { AdapterRegistry } from "../../src/providers/registry.js";
import type { ProviderAdapter } from "../../src/providers/types.js";
import { type RunningRouter, startRouter } from "../../src/server.js";

export const silent = pino({ level: "silent" });

/** Adapters for planning tests: targets are built and ranked, never called. */
const notCalled: ProviderAdapter = {
  chat: () => Promise.reject(new Error("not called")),
  chatStream: () => Promise.reject(new Error("not called")),
};
export const planningRegistry: AdapterRegistry = {
  cluster: () => notCalled,
  openai: () => notCalled,
  anthropic: () => notCalled,
};

/** Validates a config literal the way a YAML file would be. */
export function config(raw: Record<string, unknown>): RouterConfig {
  return parseConfig(raw, {});
}

/** A router listening on 127.0.0.1:0 with a silent logger and no background polling. */
export async function listen(
  raw: Record<string, unknown>,
  deps: CreateRouterOptions = {},
): Promise<RunningRouter & { app: RouterApp }> {
  const running = await startRouter({
    config: config(raw),
    logger: silent,
    healthPolling: false,
    host: "127.0.0.1",
    port: 0,
    ...deps,
  });
  return { ...running, app: running.router };
}

/**
 * A router listening on 127.0.0.1:0 as the CLI runs it (tenants, limits, usage ledger and the
 * admin API composed by createRouter), no background polling; `runtime` is what it composed.
 */
export async function listenWithAccess(
  cfg: RouterConfig,
  opts: CreateRouterOptions = {},
): Promise<{ runtime: RouterAccess; running: RunningRouter }> {
  const running = await startRouter({
    config: cfg,
    logger: silent,
    healthPolling: false,
    host: "127.0.0.1",
    port: 0,
    ...opts,
  });
  const runtime = running.router.access;
  if (!runtime) throw new Error("createRouter composed no access (a guard was passed)");
  return { runtime, running };
}

export { createApp };

export interface ErrorJson {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** POSTs JSON to the router and returns the response and its parsed body. */
export async function post<T = ErrorJson>(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ res: Response; json: T }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  const isJson = res.headers.get("content-type")?.includes("json");
  return { res, json: (isJson && text ? JSON.parse(text) : text) as T };
}
