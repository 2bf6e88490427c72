import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { type LocalStack, type LocalStackOptions, startLocalStack } from "../../src/local-stack/stack.js";

/**
 * One local stack (`pnpm start`, one runtime unless `opts` says otherwise) for the enclosing
 * describe block, in its own state directory, stopped and removed after its tests. Returns a getter:
 * the stack exists once the block's `beforeAll` hooks have run.
 */
export function useLocalStack(name: string, opts: Partial<LocalStackOptions> = {}): () => LocalStack {
  let root: string | undefined;
  let stack: LocalStack | undefined;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), `local-${name}-`));
    stack = await startLocalStack({
      repoRoot: process.cwd(),
      stateRoot: root,
      runtimes: 1,
      port: 0,
      logger: pino({ level: "silent" }),
      ...opts,
    });
  });
  afterAll(async () => {
    await stack?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });
  return () => {
    if (!stack) throw new Error("the local stack is not started (use it inside a test or a later hook)");
    return stack;
  };
}
