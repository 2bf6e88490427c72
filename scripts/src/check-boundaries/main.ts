/**
 * `pnpm lint` (after biome): fails when an import crosses a package boundary by a relative path or
 * goes against an arrow of shared/DESIGN.md § Boundaries (rules.ts). `--root <dir>` checks another
 * tree (the tests plant violations in one).
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { checkBoundaries, formatViolation } from "./check.js";

const { values } = parseArgs({ options: { root: { type: "string" } }, strict: true });
const root = values.root ?? resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const { violations, files, packages } = checkBoundaries(root);
for (const v of violations) console.error(formatViolation(v));
if (violations.length > 0) {
  console.error(
    `check-boundaries: ${violations.length} violation(s) in ${files} files of ${packages} packages`,
  );
  process.exitCode = 1;
} else {
  console.log(`check-boundaries: ${files} files in ${packages} packages, no boundary violations`);
}
