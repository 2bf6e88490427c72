import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Folder holding a fake `kubectl` (put it first on PATH): it answers from recorded JSON according
 * to `$FAKE_KUBECTL_SCENARIO` (all-pass, no-gpu-pool, wrong-taint, plugin-unhealthy,
 * never-schedules, cpu-backend, runtime-cold), keeps its state in `$FAKE_KUBECTL_STATE` and logs
 * every call to `$FAKE_KUBECTL_STATE/calls.log`.
 */
export const fakeKubectlDir = join(dirname(fileURLToPath(import.meta.url)), "kubectl");
