/**
 * @deprecated Moved: the composition is `createRouter` (../create-router.ts); the old three-step
 * API is in ../access-runtime.ts. This path stays only while scripts/src/local-stack/stack.ts and
 * scripts/test/bench-client-router.test.ts import it; delete it when they use `@llm/router`.
 */
export { type AccessRuntime, type AccessRuntimeOptions, createAccessRuntime } from "../access-runtime.js";
export { mergeManaged } from "./merge-managed.js";
