export * from "./args.js";
export * from "./checks/context.js";
export { parseAutoscalerStatus } from "./checks/pool.js";
export { smokePodManifest } from "./checks/smoke-pod.js";
export * from "./cloud.js";
export * from "./report.js";
export * from "./run.js";
