import type { Backend, GpuMode } from "./engine.js";

/** The GPU modes that require the GPU: naming a backend means "run there or not at all". */
export function requiresGpu(mode: GpuMode): mode is "cuda" | "vulkan" {
  return mode === "cuda" || mode === "vulkan";
}

/**
 * Why a loaded engine falls short of its GPU mode, or undefined when it meets it. `auto` and `off`
 * accept any backend; `cuda` and `vulkan` need that backend and at least one offloaded layer, so a
 * GPU pod whose CUDA libraries failed to load never reports ready while decoding on its CPU.
 */
export function gpuShortfall(mode: GpuMode, backend: Backend, gpuLayers: number): string | undefined {
  if (!requiresGpu(mode)) return undefined;
  if (backend !== mode) {
    return `--gpu ${mode} requires the ${mode} backend, but llama.cpp runs on ${backend}: not ready (use --gpu auto to allow a CPU fallback)`;
  }
  if (gpuLayers < 1) {
    return `--gpu ${mode} requires model layers on the GPU, but none were offloaded (gpu_layers=0; not enough free VRAM or --gpu-layers 0): not ready`;
  }
  return undefined;
}

/** The start-up error when a required GPU backend cannot be loaded at all (no driver, no device, no binary). */
export function gpuBackendUnavailable(mode: "cuda" | "vulkan", err: unknown): Error {
  const why = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new Error(
    `--gpu ${mode} requires the ${mode} backend, but it could not be loaded (${why}): not ready (check the GPU driver and the device plugin, or use --gpu auto to allow a CPU fallback)`,
    { cause: err },
  );
}
