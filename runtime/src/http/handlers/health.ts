import type { RequestHandler } from "express";
import type { HandlerDeps } from "./context.js";

/** GET /health: liveness (always 200 while the process serves HTTP) plus what an operator wants to see. */
export function health(deps: HandlerDeps, startedAt: number): RequestHandler {
  return (_req, res) => {
    const { state } = deps;
    const info = state.engine?.info;
    const slots = state.engine?.slots;
    res.json({
      status: state.phase === "failed" ? "error" : "ok",
      ready: state.phase === "ready",
      phase: state.phase,
      model: info?.model ?? state.modelName,
      backend: info?.backend ?? null,
      // What was asked for: `cuda`/`vulkan` mean the GPU is required (load fails without it).
      gpu_mode: info?.gpuMode ?? null,
      engine_build: info?.engineBuild ?? null,
      gpu_layers: info?.gpuLayers ?? null,
      model_layers: info?.modelLayers ?? null,
      threads: info?.threads ?? null,
      uv_threadpool_size: info?.uvThreadpoolSize ?? null,
      slots: slots ? { total: slots.size, busy: slots.busy } : null,
      // What a balancer reads cheaply (no /metrics parse): sequences free now, requests in flight.
      free_slots: slots ? Math.max(0, slots.size - slots.busy) : 0,
      queue_depth: slots?.waiting ?? 0,
      queue_capacity: slots?.capacity ?? null,
      in_flight: state.inFlight,
      ctx_size_per_sequence: info?.ctxSizePerSequence ?? null,
      ctx_size_total: info?.ctxSizeTotal ?? null,
      chat_template: info?.chatWrapper ?? null,
      // From the chat template: `tools` only when it has a call format the model was trained on.
      capabilities: info?.capabilities ?? null,
      load_seconds: info?.loadSeconds ?? null,
      uptime_seconds: Math.round((Date.now() - startedAt) / 1000),
      ...(state.failure ? { error: state.failure } : {}),
    });
  };
}

/** GET /ready: 200 only while the model is loaded and the process is not draining. */
export function ready(deps: HandlerDeps): RequestHandler {
  return (_req, res) => {
    const ok = deps.state.phase === "ready";
    res.status(ok ? 200 : 503).json({ ready: ok, phase: deps.state.phase });
  };
}
