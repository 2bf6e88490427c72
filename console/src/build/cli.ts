// Builds the console into console/dist (index.html, app.js, app.css): run by scripts/setup.sh and
// router/Dockerfile as `tsx console/src/build/cli.ts` (or `node --import tsx`).
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { bundleConsole, consoleDir } from "./bundle.js";

const t0 = performance.now();
const files = await bundleConsole();
const dist = join(consoleDir, "dist");
await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
let bytes = 0;
for (const [name, body] of files) {
  await writeFile(join(dist, name), body);
  bytes += body.byteLength;
}
const ms = Math.round(performance.now() - t0);
console.log(
  `console: ${relative(process.cwd(), dist) || dist} (${(bytes / 1024).toFixed(0)} KiB) in ${ms} ms`,
);
