#!/usr/bin/env bash
# The whole suite: type-check, lint, then every jest test. Prints one closing
# "Tests: N passed, N failed" line that CI reads.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .cache
export PATH="$PWD/.tools/bin:$PATH"

echo "== typecheck"; pnpm --silent typecheck || { echo "Tests: 0 passed, 1 failed"; exit 1; }
echo "== lint"; pnpm --silent lint || { echo "Tests: 0 passed, 1 failed"; exit 1; }
echo "== jest"
node --experimental-vm-modules --no-warnings node_modules/jest/bin/jest.js --json --outputFile=.cache/jest-results.json "$@"
rc=$?
node -e '
const r = JSON.parse(require("fs").readFileSync(".cache/jest-results.json", "utf8"));
console.log(`Tests: ${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed`);
' || echo "Tests: 0 passed, 1 failed"
exit $rc
