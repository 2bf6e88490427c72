import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeOpenAI, startFakeOpenAI } from "@llm/testing";
import type { CreateRouterOptions } from "../../src/create-router.js";
import type { RunningRouter } from "../../src/server.js";
import { config, listenWithAccess } from "../helpers/router.js";

export const ADMIN = "admin-key-abcdefghijklmnop";
export const ACME_USER = "sk-acme-user-key-0123456789";
export const ACME_TA = "sk-acme-tenant-admin-0123456789";
export const OTHER_TA = "sk-other-tenant-admin-012345678";
export const VIEWER = "sk-ops-viewer-key-0123456789";
export const EXPIRED = "sk-acme-expired-key-0123456789";

/** A config with tenants for every role, one fake OpenAI provider `oa`, and `admin.stateFile` in `dir`. */
export function adminConfig(upstream: string, dir: string, extra: Record<string, unknown> = {}) {
  return {
    externalProviders: [
      {
        name: "oa",
        type: "openai",
        apiKey: "sk-upstream-secret-0000",
        baseURL: `${upstream}/v1`,
        models: { m: "gpt-4o-mini" },
      },
    ],
    tenants: [
      {
        id: "acme",
        keys: [
          { id: "acme-user", key: ACME_USER },
          { id: "acme-ta", key: ACME_TA, role: "tenant-admin" },
          { id: "acme-old", key: EXPIRED, expiresAt: "2020-01-01T00:00:00Z" },
        ],
      },
      { id: "other", keys: [{ id: "other-ta", key: OTHER_TA, role: "tenant-admin" }] },
      { id: "ops", keys: [{ id: "ops-viewer", key: VIEWER, role: "viewer" }] },
    ],
    admin: { key: ADMIN, stateFile: join(dir, "state.json"), auditLog: join(dir, "audit.jsonl") },
    ...extra,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies field by field
type Json = any;

export interface AdminFixture {
  dir: string;
  upstream: FakeOpenAI;
  running: RunningRouter;
  /** Calls the router with `key` as Bearer (none when empty). */
  call(
    path: string,
    key: string,
    init?: { method?: string; body?: unknown },
  ): Promise<{ status: number; json: Json }>;
  chat(key: string): Promise<number>;
  restart(opts?: CreateRouterOptions): Promise<void>;
  close(): Promise<void>;
}

export async function startAdminFixture(opts: CreateRouterOptions = {}): Promise<AdminFixture> {
  const dir = await mkdtemp(join(tmpdir(), "router-admin-keys-"));
  const upstream = await startFakeOpenAI();
  const start = async (o: CreateRouterOptions) =>
    (await listenWithAccess(config(adminConfig(upstream.url, dir)), o)).running;
  const f: AdminFixture = {
    dir,
    upstream,
    running: await start(opts),
    async call(path, key, init = {}) {
      const res = await fetch(`${f.running.url}${path}`, {
        method: init.method ?? "GET",
        headers: {
          "content-type": "application/json",
          ...(key ? { authorization: `Bearer ${key}` } : {}),
        },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : undefined };
    },
    async chat(key) {
      const r = await f.call("/v1/chat/completions", key, {
        method: "POST",
        body: { model: "m", max_tokens: 5, messages: [{ role: "user", content: "hello there" }] },
      });
      return r.status;
    },
    async restart(o = opts) {
      await f.running.close();
      f.running = await start(o);
    },
    async close() {
      await f.running?.close();
      await upstream.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return f;
}
