/**
 * @llm/runtime: an OpenAI-compatible inference server on node-llama-cpp.
 * `startRuntime` is the programmatic entry the router's end-to-end tests use; `createApp` builds the
 * HTTP app without listening.
 */

export {
  ConfigError,
  parseServeArgs,
  resolveServeConfig,
  type ServeConfig,
  serveConfigSchema,
} from "./config/serve-config.js";
export { cgroupCpuLimit, defaultThreadCount, libuvPoolSize } from "./config/threads.js";
export { Engine, type EngineInfo, type EngineOptions } from "./engine/engine.js";
export { type AppDeps, createApp } from "./http/app.js";
export { InferenceService } from "./inference/service.js";
export { RuntimeMetrics } from "./metrics/metrics.js";
export {
  DownloadError,
  type DownloadOptions,
  type DownloadResult,
  downloadModel,
  hashFile,
} from "./model-source/download.js";
export { resolveModel } from "./model-source/resolve.js";
export { type RuntimeHandle, type StartRuntimeOptions, serve, startRuntime } from "./server/start.js";
export { RuntimeState } from "./server/state.js";
