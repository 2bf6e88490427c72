/** The workspace's packages as pnpm sees them: pnpm-workspace.yaml globs, each folder's package.json. */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import { parse } from "yaml";
import { z } from "zod";

export interface WorkspacePackage {
  name: string;
  /** Absolute folder. */
  dir: string;
  /** Subpaths of `exports` (`.`, `./process`); undefined when there is no `exports` field. */
  exports?: string[];
}

const workspaceFile = z.object({ packages: z.array(z.string().min(1)) });
const packageJson = z
  .object({
    name: z.string().min(1),
    exports: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  })
  .loose();

/** Expands the globs pnpm-workspace.yaml uses here: exact folders and `<folder>/*`. */
function expand(root: string, glob: string): string[] {
  if (glob.endsWith("/*")) {
    const base = join(root, glob.slice(0, -2));
    if (!existsSync(base)) return [];
    return readdirSync(base)
      .map((d) => join(base, d))
      .filter((d) => statSync(d).isDirectory());
  }
  if (glob.includes("*")) throw new Error(`pnpm-workspace.yaml: unsupported glob ${glob}`);
  return [join(root, glob)];
}

/** Every workspace package under `root` (folders without a package.json are not packages). */
export function workspacePackages(root: string): WorkspacePackage[] {
  const file = join(root, "pnpm-workspace.yaml");
  const parsed = workspaceFile.safeParse(parse(readFileSync(file, "utf8")));
  if (!parsed.success) throw new Error(`${file}: expected a packages list`);
  const out: WorkspacePackage[] = [];
  for (const dir of parsed.data.packages.flatMap((g) => expand(resolve(root), g))) {
    const pj = join(dir, "package.json");
    if (!existsSync(pj)) continue;
    const p = packageJson.safeParse(JSON.parse(readFileSync(pj, "utf8")));
    if (!p.success) throw new Error(`${pj}: ${p.error.issues[0]?.message ?? "invalid"}`);
    const exp = p.data.exports;
    out.push({
      name: p.data.name,
      dir,
      exports: exp === undefined ? undefined : typeof exp === "string" ? ["."] : Object.keys(exp),
    });
  }
  return out;
}

/** The package whose folder holds `path` (the deepest one), or undefined outside every package. */
export function packageOf(packages: readonly WorkspacePackage[], path: string): WorkspacePackage | undefined {
  let best: WorkspacePackage | undefined;
  for (const p of packages) {
    if ((path === p.dir || path.startsWith(p.dir + sep)) && (!best || p.dir.length > best.dir.length))
      best = p;
  }
  return best;
}
