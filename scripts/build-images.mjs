#!/usr/bin/env node
// Compiles each app the container images run into `<pkg>/dist/cli.js` (ESM, Node 20), so images start
// `node <pkg>/dist/cli.js` instead of compiling TypeScript through tsx at every start.
//
//   node scripts/build-images.mjs [router] [runtime] [exporters]     (no name: all three)
//   node scripts/build-images.mjs router --outdir /tmp/x             (one app elsewhere, e.g. for a test)
//
// Workspace packages (@llm/*) are TypeScript sources: they are bundled. npm packages are bundled too,
// except those listed in `external` (node-llama-cpp loads native binaries from its own package
// directory, so the runtime image installs it with `pnpm deploy --prod`). Plain JS with esbuild's
// API (no tsx), so a Docker build stage runs it with node alone.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** name -> entry and the npm packages that must stay outside the bundle. */
export const apps = {
  router: { entry: "router/src/cli.ts", external: [] },
  runtime: { entry: "runtime/src/cli.ts", external: ["node-llama-cpp"] },
  exporters: { entry: "exporters/src/cli.ts", external: [] },
};

/**
 * Workspace sources that locate files next to themselves (`@llm/models` reads `../catalog.yaml`
 * from `import.meta.url`) keep doing so after bundling: their `import.meta.url` becomes their
 * source file's URL relative to the bundle, so the bundle finds `models/catalog.yaml` wherever the
 * repository layout is kept (the repo itself, or `/app` in the images).
 */
function sourceRelativeImportMeta(outdir) {
  return {
    name: "source-relative-import-meta",
    setup(b) {
      b.onLoad({ filter: /\.[cm]?ts$/ }, async (args) => {
        if (args.path.split(sep).includes("node_modules")) return undefined;
        const text = await readFile(args.path, "utf8");
        if (!text.includes("import.meta.url")) return undefined;
        const rel = relative(outdir, args.path).split(sep).join("/");
        return {
          contents: text.replaceAll(
            "import.meta.url",
            `new URL(${JSON.stringify(rel)}, import.meta.url).href`,
          ),
          loader: "ts",
        };
      });
    },
  };
}

/** Builds one app into `outdir` (default `<pkg>/dist`); returns the output path and its size. */
export async function buildApp(name, { outdir: outArg, logLevel = "warning" } = {}) {
  const app = apps[name];
  if (!app) throw new Error(`unknown app "${name}" (known: ${Object.keys(apps).join(", ")})`);
  const outdir = outArg ? resolve(outArg) : join(root, dirname(dirname(app.entry)), "dist");
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const outfile = join(outdir, "cli.js");
  const result = await build({
    absWorkingDir: root,
    entryPoints: [app.entry],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    sourcemap: true,
    external: app.external,
    // Bundled CommonJS packages call require() for node built-ins; ESM has no require, so give it one.
    banner: {
      js: 'import { createRequire as __llmCreateRequire } from "node:module"; const require = __llmCreateRequire(import.meta.url);',
    },
    plugins: [sourceRelativeImportMeta(outdir)],
    logLevel,
    metafile: true,
  });
  // `dist/` is ESM whatever package.json sits above it (the images copy dist/ alone).
  await writeFile(join(outdir, "package.json"), '{ "type": "module" }\n');
  const bytes = result.metafile.outputs[relative(root, outfile).split(sep).join("/")]?.bytes ?? 0;
  return { outfile, bytes };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({
    options: { outdir: { type: "string" } },
    allowPositionals: true,
  });
  const names = positionals.length > 0 ? positionals : Object.keys(apps);
  if (values.outdir && names.length !== 1) throw new Error("--outdir takes exactly one app name");
  for (const name of names) {
    const t0 = performance.now();
    const { outfile, bytes } = await buildApp(name, { outdir: values.outdir });
    const ms = Math.round(performance.now() - t0);
    console.log(`${name}: ${relative(root, outfile)} (${(bytes / 1e6).toFixed(1)} MB) in ${ms} ms`);
  }
}
