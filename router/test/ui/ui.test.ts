import { createHash } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ConsoleAssets } from "@llm/console";
import express from "express";
import type { RunningRouter } from "../../src/server.js";
import { createUiRouter, UI_CSP } from "../../src/ui/router.js";
import { listen } from "../helpers/router.js";

const asset = (contentType: string, text: string, immutable: boolean) => {
  const body = Buffer.from(text);
  return {
    contentType,
    body,
    etag: `"${createHash("sha256").update(body).digest("hex").slice(0, 8)}"`,
    immutable,
  };
};

function fakeAssets(): ConsoleAssets {
  const js = asset("text/javascript; charset=utf-8", "console.log(1)", true);
  const css = asset("text/css; charset=utf-8", "body{}", true);
  const index = asset(
    "text/html; charset=utf-8",
    `<script src="/ui/app.js?v=${js.etag.slice(1, -1)}"></script>`,
    false,
  );
  return { index, get: (n) => ({ "app.js": js, "app.css": css })[n], source: "dist" };
}

describe("GET /ui (console assets)", () => {
  let server: Server;
  let base: string;
  let loads = 0;
  beforeAll(async () => {
    const app = express();
    app.use(
      createUiRouter({
        load: async () => {
          loads++;
          return fakeAssets();
        },
      }),
    );
    app.use((_req, res) => res.status(404).end("nope"));
    server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it("serves the page at /ui and /ui/ with a same-origin CSP, revalidated on every load", async () => {
    for (const path of ["/ui", "/ui/", "/ui/index.html"]) {
      const res = await fetch(base + path);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(res.headers.get("cache-control")).toBe("no-cache");
      expect(res.headers.get("content-security-policy")).toBe(UI_CSP);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(await res.text()).toContain("/ui/app.js?v=");
    }
    // No origin but our own anywhere in the policy.
    expect(UI_CSP).not.toMatch(/https?:|\*/);
    expect(loads).toBe(1); // loaded once, on first use
  });

  it("caches a versioned asset for a year, an unversioned one only with revalidation", async () => {
    const js = fakeAssets().get("app.js")!;
    const v = js.etag.slice(1, -1);
    const versioned = await fetch(`${base}/ui/app.js?v=${v}`);
    expect(versioned.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(versioned.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await versioned.text()).toBe("console.log(1)");
    const stale = await fetch(`${base}/ui/app.js?v=old`);
    expect(stale.headers.get("cache-control")).toBe("no-cache");
    const css = await fetch(`${base}/ui/app.css`);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    const revalidated = await fetch(`${base}/ui/app.js`, { headers: { "if-none-match": js.etag } });
    expect(revalidated.status).toBe(304);
    const head = await fetch(`${base}/ui/app.css`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("6");
  });

  it("leaves unknown files and other methods to the 404 handler", async () => {
    expect((await fetch(`${base}/ui/secret.txt`)).status).toBe(404);
    expect((await fetch(`${base}/ui/../admin`)).status).toBe(404);
    expect((await fetch(`${base}/ui`, { method: "POST" })).status).toBe(404);
    expect((await fetch(`${base}/uix`)).status).toBe(404);
  });
});

describe("the router serves the real console", () => {
  let running: RunningRouter;
  beforeAll(async () => {
    running = await listen({ clusters: [{ name: "a", endpoint: "http://127.0.0.1:9", models: ["tiny"] }] });
  });
  afterAll(() => running.close());

  it("GET /ui answers the page and the bundle it references, without a key", async () => {
    const page = await fetch(`${running.url}/ui`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("<title>LLM router console</title>");
    const js = html.match(/\/ui\/app\.js\?v=[\w-]+/)?.[0];
    const css = html.match(/\/ui\/app\.css\?v=[\w-]+/)?.[0];
    expect(js && css).toBeTruthy();
    const bundle = await fetch(running.url + js);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    // Offline: nothing in the bundle or page is fetched from another origin.
    const text = await bundle.text();
    expect(text).not.toMatch(/https:\/\/(cdn|fonts|unpkg)\./);
    expect((await fetch(running.url + css)).headers.get("content-type")).toBe("text/css; charset=utf-8");
  }, 60_000);
});
