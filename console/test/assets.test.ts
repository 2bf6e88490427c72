import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleConsole, loadConsoleAssets } from "@llm/console";

describe("loadConsoleAssets", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "console-dist-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("reads a prebuilt dist/ and versions the asset URLs of index.html by content hash", async () => {
    await writeFile(join(dir, "index.html"), '<link href="/ui/app.css"><script src="/ui/app.js"></script>');
    await writeFile(join(dir, "app.js"), "console.log(1)");
    await writeFile(join(dir, "app.css"), "body{}");
    const a = await loadConsoleAssets({ distDir: dir });
    expect(a.source).toBe("dist");
    const js = a.get("app.js")!;
    expect(js.contentType).toBe("text/javascript; charset=utf-8");
    expect(js.immutable).toBe(true);
    const html = a.index.body.toString();
    expect(html).toContain(`/ui/app.js?v=${js.etag.slice(1, -1)}`);
    expect(html).toContain(`/ui/app.css?v=${a.get("app.css")!.etag.slice(1, -1)}`);
    expect(a.index.immutable).toBe(false);
    expect(a.get("other.js")).toBeUndefined();
  });

  it("builds in memory when dist/ is missing, or refuses when told not to", async () => {
    const missing = join(dir, "nope");
    await expect(loadConsoleAssets({ distDir: missing, buildIfMissing: false })).rejects.toThrow(/setup\.sh/);
    const a = await loadConsoleAssets({ distDir: missing });
    expect(a.source).toBe("built");
    expect(a.get("app.js")!.body.byteLength).toBeGreaterThan(10_000);
    expect(a.index.body.toString()).toMatch(/\/ui\/app\.js\?v=/);
  }, 60_000);

  it("bundles no reference to another origin (works offline, inside a cluster)", async () => {
    const files = await bundleConsole();
    const all = [...files.values()].map((b) => Buffer.from(b).toString()).join("\n");
    expect(all).not.toMatch(/(src|href)=["']?https?:/);
    expect(all).not.toMatch(/@import\s+url\(["']?https?:|fonts\.googleapis|cdn\.|unpkg\.com|jsdelivr/);
  }, 60_000);
});
