/**
 * Writes clusters/<cloud>/root-app.yaml for every cloud from rootAppObjects() (infra/common).
 * Usage: npx tsx infra/common/bin/write-root-apps.ts [--check]
 * --check writes nothing and exits 1 naming each file that differs from the generated output.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT, renderRootAppYaml } from "../src/index.js";

const check = process.argv.includes("--check");
let stale = 0;
for (const cloud of ["aws", "gcp", "azure"] as const) {
  const file = path.join(REPO_ROOT, "clusters", cloud, "root-app.yaml");
  const want = renderRootAppYaml(cloud);
  let have = "";
  try {
    have = readFileSync(file, "utf8");
  } catch {}
  if (have === want) continue;
  if (check) {
    console.error(
      `${path.relative(REPO_ROOT, file)} differs from rootAppObjects(); run npx tsx infra/common/bin/write-root-apps.ts`,
    );
    stale++;
  } else {
    writeFileSync(file, want);
    console.log(`wrote ${path.relative(REPO_ROOT, file)}`);
  }
}
process.exit(stale > 0 ? 1 : 0);
