/** Walks every workspace package's sources and reports each import a boundary rule forbids. */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { findImports } from "./imports.js";
import { arrows, isTestFile, type RuleId } from "./rules.js";
import { packageOf, type WorkspacePackage, workspacePackages } from "./workspace.js";

export interface Violation {
  /** Relative to the root, `/`-separated. */
  file: string;
  line: number;
  column: number;
  rule: RuleId;
  message: string;
}

export interface CheckResult {
  violations: Violation[];
  files: number;
  packages: number;
}

const SOURCE = /\.(?:[cm]?[jt]sx?)$/;
const SKIP = new Set(["node_modules", "dist", "coverage", ".cache", ".tools", ".local"]);

function sources(dir: string, nested: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    // A package inside another's folder is walked as its own package.
    if (entry.isDirectory()) {
      if (!nested.has(path)) out.push(...sources(path, nested));
    } else if (SOURCE.test(entry.name)) out.push(path);
  }
  return out;
}

/** `@scope/name/sub` -> [`@scope/name`, `./sub`]; undefined for relative and `node:` specifiers. */
function splitBare(spec: string): [string, string] | undefined {
  if (spec.startsWith(".") || spec.startsWith("/") || spec.includes(":")) return undefined;
  const parts = spec.split("/");
  const n = spec.startsWith("@") ? 2 : 1;
  const rest = parts.slice(n).join("/");
  return [parts.slice(0, n).join("/"), rest ? `./${rest}` : "."];
}

function exported(pkg: WorkspacePackage, sub: string): boolean {
  if (!pkg.exports) return sub === ".";
  return pkg.exports.some((k) => k === sub || (k.endsWith("/*") && sub.startsWith(k.slice(0, -1))));
}

export function checkBoundaries(rootDir: string): CheckResult {
  const root = resolve(rootDir);
  const packages = workspacePackages(root);
  const byName = new Map(packages.map((p) => [p.name, p]));
  const rules = arrows(new Set(byName.keys()));
  const show = (path: string) => relative(root, path).split("\\").join("/");
  const violations: Violation[] = [];
  let files = 0;
  for (const pkg of packages) {
    const nested = new Set(packages.filter((p) => p !== pkg && p.dir.startsWith(pkg.dir)).map((p) => p.dir));
    for (const file of sources(pkg.dir, nested)) {
      files++;
      const shown = show(file);
      const program = !isTestFile(relative(pkg.dir, file));
      for (const imp of findImports(file, readFileSync(file, "utf8"))) {
        const at = { file: shown, line: imp.line, column: imp.column };
        const spec = imp.specifier;
        if (spec.startsWith("./") || spec.startsWith("../") || spec === "." || spec === "..") {
          const target = resolve(dirname(file), spec);
          const owner = packageOf(packages, target);
          if (!owner) {
            violations.push({
              ...at,
              rule: "relative-outside-packages",
              message: `"${spec}" resolves to ${show(target)}, outside every workspace package`,
            });
          } else if (owner !== pkg) {
            violations.push({
              ...at,
              rule: "relative-crosses-package",
              message: `"${spec}" reaches into ${owner.name} (${show(owner.dir)}/) from ${pkg.name}; import "${owner.name}" by name through its exports`,
            });
          }
          continue;
        }
        const bare = splitBare(spec);
        const target = bare && byName.get(bare[0]);
        if (!bare || !target || target === pkg) continue;
        if (!exported(target, bare[1])) {
          violations.push({
            ...at,
            rule: "not-exported",
            message: `"${spec}": ${target.name} exports ${target.exports?.join(", ") ?? "nothing"}, not ${bare[1]}`,
          });
        }
        if (!program) continue;
        for (const arrow of rules) {
          if (arrow.from(pkg, root) && arrow.to(target.name) && !arrow.allowed?.(shown)) {
            violations.push({
              ...at,
              rule: arrow.rule,
              message: `${pkg.name} imports ${target.name}: ${arrow.why}`,
            });
          }
        }
      }
    }
  }
  return { violations, files, packages: packages.length };
}

export function formatViolation(v: Violation): string {
  return `${v.file}:${v.line}:${v.column} ${v.rule}: ${v.message}`;
}
