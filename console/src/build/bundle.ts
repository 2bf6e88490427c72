import { fileURLToPath } from "node:url";
import type * as Esbuild from "esbuild";

/** The console package's directory (where `src/app` and `dist/` live). */
export const consoleDir = fileURLToPath(new URL("../../", import.meta.url));

/** The three files the router serves under /ui: `index.html`, `app.js`, `app.css`. */
export type ConsoleFiles = Map<"index.html" | "app.js" | "app.css", Uint8Array>;

export interface BundleOptions {
  /** Minify JS and CSS. Defaults to true. */
  minify?: boolean;
}

/**
 * Bundles the Preact app with esbuild into the three files, in memory. esbuild is loaded through a
 * computed specifier so that bundling the router (scripts/build-images.mjs) does not pull esbuild's
 * native-binary loader into the router image: there the assets come prebuilt from `console/dist`.
 */
export async function bundleConsole(opts: BundleOptions = {}): Promise<ConsoleFiles> {
  const specifier = "esbuild";
  const esbuild = (await import(specifier)) as typeof Esbuild;
  const { readFile } = await import("node:fs/promises");
  const result = await esbuild.build({
    absWorkingDir: consoleDir,
    entryPoints: { app: "src/app/main.tsx" },
    outdir: "dist",
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    // Evergreen browsers of the last ~3 years; no polyfills, no CDN, no external fonts.
    target: ["chrome110", "firefox110", "safari16"],
    jsx: "automatic",
    jsxImportSource: "preact",
    minify: opts.minify ?? true,
    legalComments: "none",
    logLevel: "warning",
  });
  const files: ConsoleFiles = new Map();
  for (const out of result.outputFiles) {
    if (out.path.endsWith("/app.js")) files.set("app.js", out.contents);
    else if (out.path.endsWith("/app.css")) files.set("app.css", out.contents);
  }
  if (!files.has("app.js") || !files.has("app.css")) throw new Error("esbuild produced no app.js/app.css");
  files.set("index.html", await readFile(new URL("../app/index.html", import.meta.url)));
  return files;
}
