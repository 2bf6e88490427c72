import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { createRouter } from "../src/create-router.js";
import { startRouter } from "../src/server.js";
import { createOpenGuard } from "../src/tenants/open-guard.js";
import { config, silent } from "./helpers/router.js";

const ADMIN_KEY = "admin-key-abcdefghijklmnop";
const NEW_KEY = "sk-newco-tenant-key-0123456789";

const base = {
  server: { logLevel: "silent" },
  clusters: [{ name: "file-cluster", endpoint: "http://127.0.0.1:9", models: ["tiny"] }],
  admin: { key: ADMIN_KEY },
};

const managed = {
  kind: "external" as const,
  config: {
    name: "managed-openai",
    type: "openai",
    apiKey: "sk-managed-0000000000",
    baseURL: "http://127.0.0.1:9/v1",
  },
};

describe("createRouter", () => {
  it("keeps admin-managed providers when the config reloads, and applies the reloaded tenants", async () => {
    const router = await createRouter(config(base), { logger: silent, healthPolling: false });
    try {
      await router.access!.store.create(managed);
      expect(router.targets().map((t) => t.name)).toEqual(["file-cluster", "managed-openai"]);

      router.reload(
        config({
          ...base,
          clusters: [{ name: "file-cluster-2", endpoint: "http://127.0.0.1:9", models: ["tiny"] }],
          tenants: [{ id: "newco", keys: [{ id: "newco-1", key: NEW_KEY }] }],
        }),
      );
      expect(router.targets().map((t) => t.name)).toEqual(["file-cluster-2", "managed-openai"]);
      expect(router.config().externalProviders.map((p) => p.name)).toEqual(["managed-openai"]);
      expect(router.access!.guard.listTenants().map((t) => t.id)).toEqual(["newco"]);
    } finally {
      await router.close();
    }
  });

  it("keeps them through a config file change picked up by startRouter's watcher", async () => {
    const dir = await mkdtemp(join(tmpdir(), "create-router-"));
    const path = join(dir, "router.yaml");
    await writeFile(path, stringify(base));
    const running = await startRouter({
      config: config(base),
      configPath: path,
      logger: silent,
      healthPolling: false,
      host: "127.0.0.1",
      port: 0,
    });
    try {
      const res = await fetch(`${running.url}/admin/providers`, {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ ...managed.config }),
      });
      expect(res.status).toBe(201);
      await writeFile(path, stringify({ ...base, router: { maxRetries: 1 } }));
      const deadline = Date.now() + 5000;
      while (running.router.config().router.maxRetries !== 1) {
        if (Date.now() > deadline) throw new Error("the config file change was never applied");
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(running.router.targets().map((t) => t.name)).toEqual(["file-cluster", "managed-openai"]);
    } finally {
      await running.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("builds nothing from the config when the caller brings its own guard", async () => {
    const router = await createRouter(config(base), {
      logger: silent,
      healthPolling: false,
      guard: createOpenGuard(),
    });
    try {
      expect(router.access).toBeUndefined();
      expect(router.targets().map((t) => t.name)).toEqual(["file-cluster"]);
    } finally {
      await router.close();
    }
  });
});
