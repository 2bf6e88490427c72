// One jest run over every workspace package, in two projects: "unit" (pure tests, fast) and
// "model" (`*.model.test.ts`: tests that load a GGUF model or start the real engine), so
// `jest --selectProjects unit` stays quick and each project's cost can be measured on its own.
// Sources are ESM TypeScript, so tests run as native ESM (node --experimental-vm-modules) with swc
// doing the type stripping; `tsc -b` type-checks separately (see TOOLCHAIN.md).
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

const rootDir = dirname(fileURLToPath(import.meta.url));
const ignored = ["/node_modules/", "/dist/", "/.tools/", "/.cache/"];

/** What both projects share: the swc transform and the `.js` import mapping. */
const common = {
  rootDir,
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      {
        jsc: { parser: { syntax: "typescript", decorators: false }, target: "es2022" },
        module: { type: "es6" },
        sourceMaps: "inline",
      },
    ],
  },
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
};

/** @type {import('jest').Config} */
export default {
  // Global options (jest reads them from the top level, not from a project).
  testTimeout: 60000,
  watchPathIgnorePatterns: ["/.cache/", "/.local/"],
  projects: [
    {
      ...common,
      displayName: "unit",
      testMatch: ["<rootDir>/**/*.test.ts"],
      testPathIgnorePatterns: [...ignored, "\\.model\\.test\\.ts$"],
    },
    {
      ...common,
      displayName: "model",
      testMatch: ["<rootDir>/**/*.model.test.ts"],
      testPathIgnorePatterns: ignored,
    },
  ],
};
