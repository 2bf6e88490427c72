/**
 * What may import what (shared/DESIGN.md § Boundaries), as data. Relative imports are checked in
 * every file, tests included: a test reaches another package through its name like any code. The
 * arrows between packages bind programs (files outside test folders): tests may import
 * `@llm/testing`, and the router's end-to-end tests may start a real runtime to talk to it over HTTP.
 */
import { relative, sep } from "node:path";
import type { WorkspacePackage } from "./workspace.js";

export type RuleId =
  | "relative-crosses-package"
  | "relative-outside-packages"
  | "not-exported"
  | "router-imports-runtime"
  | "runtime-imports-router"
  | "infra-imports-app"
  | "contracts-imports-ours"
  | "program-imports-testing";

/** One forbidden arrow: a program of `from` importing a package `to` matches. */
export interface Arrow {
  rule: RuleId;
  from: (pkg: WorkspacePackage, root: string) => boolean;
  to: (name: string) => boolean;
  /** Files (relative to the repo root) the arrow does not bind. */
  allowed?: (file: string) => boolean;
  why: string;
}

const named =
  (...names: string[]) =>
  (pkg: WorkspacePackage) =>
    names.includes(pkg.name);
const underInfra = (pkg: WorkspacePackage, root: string) => relative(root, pkg.dir).split(sep)[0] === "infra";

/** Built from the workspace's names, so `contracts-imports-ours` knows what "ours" is. */
export function arrows(ours: ReadonlySet<string>): Arrow[] {
  return [
    {
      rule: "router-imports-runtime",
      from: named("@llm/router"),
      to: (n) => n === "@llm/runtime",
      why: "the router talks to runtimes over HTTP only",
    },
    {
      rule: "runtime-imports-router",
      from: named("@llm/runtime"),
      to: (n) => n === "@llm/router",
      why: "the runtime talks to the router over HTTP only",
    },
    {
      rule: "infra-imports-app",
      from: underInfra,
      to: (n) => ["@llm/router", "@llm/runtime", "@llm/exporters"].includes(n),
      why: "infra deploys images and config; it never imports app code",
    },
    {
      rule: "contracts-imports-ours",
      from: named("@llm/contracts"),
      to: (n) => ours.has(n) && n !== "@llm/contracts",
      why: "contracts import nothing of ours; every package may import them",
    },
    {
      rule: "program-imports-testing",
      // The bench's seeded mock targets are a feature; validate-deploy runs the programs under mocks.
      from: (pkg) => pkg.name !== "@llm/bench" && pkg.name !== "@llm/testing",
      to: (n) => n === "@llm/testing",
      allowed: (file) => file.startsWith("scripts/src/validate-deploy/"),
      why: "test fakes are for tests; production code never imports them",
    },
  ];
}

/** Test code: anything under a `test/`, `__tests__/` or `fixtures/` folder, or a `*.test.*` file. */
export function isTestFile(fileInPackage: string): boolean {
  const parts = fileInPackage.split(/[\\/]/);
  return (
    parts.some((p) => p === "test" || p === "__tests__" || p === "fixtures") ||
    /\.test\.[cm]?[jt]sx?$/.test(fileInPackage)
  );
}
