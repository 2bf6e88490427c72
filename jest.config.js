// One jest run over every workspace package. Sources are ESM TypeScript, so
// tests run as native ESM (node --experimental-vm-modules) with swc doing the
// type stripping; `tsc -b` type-checks separately (see TOOLCHAIN.md).
/** @type {import('jest').Config} */
export default {
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
  testMatch: ["<rootDir>/**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/dist/", "/.tools/", "/.cache/"],
  watchPathIgnorePatterns: ["/.cache/", "/.local/"],
  testTimeout: 60000,
};
