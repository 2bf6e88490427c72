import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { bundleConsole, type ConsoleFiles, consoleDir } from "./build/bundle.js";

/** One file the router serves under /ui. */
export interface ConsoleAsset {
  /** `Content-Type` header value. */
  contentType: string;
  body: Buffer;
  /** Strong ETag (quoted) of the body. */
  etag: string;
  /**
   * True for app.js / app.css: index.html references them with `?v=<hash>`, so a client may keep
   * them for a year; index.html itself is revalidated on every load (`no-cache` + ETag).
   */
  immutable: boolean;
}

export interface ConsoleAssets {
  /** `index.html` with versioned asset URLs. */
  index: ConsoleAsset;
  /** An asset by its name under /ui/ (`app.js`, `app.css`), or undefined. */
  get(name: string): ConsoleAsset | undefined;
  /** Where the files came from: the prebuilt `console/dist`, or an in-memory esbuild run. */
  source: "dist" | "built";
}

export interface LoadOptions {
  /** Directory holding the prebuilt files. Defaults to `console/dist`. */
  distDir?: string;
  /** Build in memory when the directory holds no index.html. Defaults to true. */
  buildIfMissing?: boolean;
}

const TYPES: Record<string, string> = {
  "index.html": "text/html; charset=utf-8",
  "app.js": "text/javascript; charset=utf-8",
  "app.css": "text/css; charset=utf-8",
};

async function readDist(dir: string): Promise<ConsoleFiles | undefined> {
  try {
    const files: ConsoleFiles = new Map();
    for (const name of ["index.html", "app.js", "app.css"] as const)
      files.set(name, await readFile(join(dir, name)));
    return files;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

const hashOf = (b: Uint8Array) => createHash("sha256").update(b).digest("base64url").slice(0, 16);

/**
 * The console's files, ready to serve. Reads `console/dist` (built by `scripts/setup.sh` and the
 * router image's build stage); when it is missing — a fresh checkout in dev or a test run that skipped
 * set-up — bundles the app in memory with esbuild once, which takes about a second and needs esbuild
 * installed (it is not in the router image, which always ships the prebuilt files).
 */
export async function loadConsoleAssets(opts: LoadOptions = {}): Promise<ConsoleAssets> {
  const dir = opts.distDir ?? join(consoleDir, "dist");
  let files = await readDist(dir);
  let source: ConsoleAssets["source"] = "dist";
  if (!files) {
    if (opts.buildIfMissing === false)
      throw new Error(`console assets missing in ${dir}: run scripts/setup.sh`);
    files = await bundleConsole();
    source = "built";
  }
  const assets = new Map<string, ConsoleAsset>();
  for (const name of ["app.js", "app.css"] as const) {
    const body = Buffer.from(files.get(name)!);
    const hash = hashOf(body);
    assets.set(name, { contentType: TYPES[name]!, body, etag: `"${hash}"`, immutable: true });
  }
  // Versioned URLs: a new build changes the hash, so long-cached assets are never stale.
  const html = Buffer.from(files.get("index.html")!)
    .toString("utf8")
    .replace(/\/ui\/(app\.(?:js|css))/g, (_m, name: string) => {
      const h = assets.get(name)!.etag.slice(1, -1);
      return `/ui/${name}?v=${h}`;
    });
  const indexBody = Buffer.from(html, "utf8");
  const index: ConsoleAsset = {
    contentType: TYPES["index.html"]!,
    body: indexBody,
    etag: `"${hashOf(indexBody)}"`,
    immutable: false,
  };
  return { index, get: (name) => assets.get(name), source };
}
