import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { checkBoundaries } from "../../src/check-boundaries/check.js";

const run = promisify(execFile);
const tsx = join(import.meta.dirname, "../../../node_modules/.bin/tsx");
const main = join(import.meta.dirname, "../../src/check-boundaries/main.ts");

/** A small workspace: the packages the rules name, each with the given files. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "check-boundaries-"));
  const pkgs: Record<string, string> = {
    "packages/contracts": "@llm/contracts",
    "packages/testing": "@llm/testing",
    router: "@llm/router",
    runtime: "@llm/runtime",
    exporters: "@llm/exporters",
    "infra/aws": "@llm/infra-aws",
    scripts: "@llm/scripts",
    bench: "@llm/bench",
  };
  const all: Record<string, string> = {
    "pnpm-workspace.yaml":
      "packages:\n  - packages/*\n  - router\n  - runtime\n  - exporters\n  - infra/*\n  - scripts\n  - bench\n",
    ...Object.fromEntries(
      Object.entries(pkgs).map(([dir, name]) => [
        `${dir}/package.json`,
        JSON.stringify({ name, exports: { ".": "./src/index.ts" } }),
      ]),
    ),
    ...files,
  };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const clean = {
  "packages/contracts/src/index.ts": 'import { z } from "zod";\nexport const x = z;\n',
  "router/src/index.ts":
    'import { x } from "@llm/contracts";\nimport { y } from "./y.js";\nexport { x, y };\n',
  "router/src/y.ts": "export const y = 1;\n",
  // Tests may import the fakes, and the router's end-to-end tests a real runtime.
  "router/test/e2e.test.ts":
    'import { startFake } from "@llm/testing";\nimport { serve } from "@llm/runtime";\nimport "../src/index.js";\n',
  "bench/src/mock.ts": 'import { startFake } from "@llm/testing";\nexport { startFake };\n',
  "scripts/src/validate-deploy/mocks.ts": 'import "@llm/testing";\n',
  "scripts/src/local-stack/stack.ts":
    'import { startRouter } from "@llm/router";\n// import "../../../router/src/server.js" (a comment is not an import)\nconst s = "../../../router/src/x.js";\nexport { startRouter, s };\n',
};

describe("pnpm lint's boundary check", () => {
  const roots: string[] = [];
  afterAll(() => {
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });

  it("passes a tree whose packages meet through their names", async () => {
    const root = tree(clean);
    roots.push(root);
    expect(checkBoundaries(root).violations).toEqual([]);
    const { stdout } = await run(tsx, [main, "--root", root]);
    expect(stdout).toMatch(/no boundary violations/);
  });

  it("names the file, line and rule of every planted violation, tests included", async () => {
    const root = tree({
      ...clean,
      "router/src/reach.ts": [
        'import { serve } from "../../runtime/src/index.js";',
        'import type { T } from "../../runtime/src/types.js";',
        'export * from "../../scripts/src/gen-gguf/index.js";',
        'const genGgufModule = "../../scripts/src/gen-gguf/index.js";',
        "export const load = () => import(genGgufModule);",
        'export type M = typeof import("../../runtime/src/m.js");',
        'import "@llm/runtime";',
        'import "../../README.js";',
      ].join("\n"),
      "router/test/reach.test.ts": 'import { ensureModel } from "../../scripts/src/gen-gguf/index.js";\n',
      "runtime/src/bad.ts":
        'import "@llm/router";\nimport { startFake } from "@llm/testing";\nimport "@llm/contracts/src/x.js";\n',
      "infra/aws/src/index.ts": 'import { routerConfigSchema } from "@llm/router";\n',
      "packages/contracts/src/bad.ts": 'import { x } from "@llm/router";\n',
      "exporters/src/cli.ts": 'import { FakeKubeApi } from "@llm/testing";\n',
      "scripts/src/router-config/run.ts": 'import { FakeUpstream } from "@llm/testing";\n',
    });
    roots.push(root);
    const found = checkBoundaries(root).violations.map((v) => `${v.file}:${v.line} ${v.rule}`);
    expect(found.sort()).toEqual(
      [
        "router/src/reach.ts:1 relative-crosses-package",
        "router/src/reach.ts:2 relative-crosses-package",
        "router/src/reach.ts:3 relative-crosses-package",
        "router/src/reach.ts:5 relative-crosses-package",
        "router/src/reach.ts:6 relative-crosses-package",
        "router/src/reach.ts:7 router-imports-runtime",
        "router/src/reach.ts:8 relative-outside-packages",
        "router/test/reach.test.ts:1 relative-crosses-package",
        "runtime/src/bad.ts:1 runtime-imports-router",
        "runtime/src/bad.ts:2 program-imports-testing",
        "runtime/src/bad.ts:3 not-exported",
        "infra/aws/src/index.ts:1 infra-imports-app",
        "packages/contracts/src/bad.ts:1 contracts-imports-ours",
        "exporters/src/cli.ts:1 program-imports-testing",
        "scripts/src/router-config/run.ts:1 program-imports-testing",
      ].sort(),
    );
    const err = await run(tsx, [main, "--root", root]).catch((e: { code: number; stderr: string }) => e);
    expect("code" in err && err.code).toBe(1);
    expect("stderr" in err && err.stderr).toContain(
      'router/src/reach.ts:1:23 relative-crosses-package: "../../runtime/src/index.js" reaches into @llm/runtime',
    );
    expect("stderr" in err && err.stderr).toMatch(/check-boundaries: 15 violation\(s\)/);
  });
});
