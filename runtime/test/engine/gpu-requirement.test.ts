import { gpuBackendUnavailable, gpuShortfall } from "../../src/engine/gpu-requirement.js";

describe("GPU requirement", () => {
  it.each([
    ["auto", "cpu", 0],
    ["auto", "cuda", 33],
    ["off", "cpu", 0],
    ["cuda", "cuda", 1],
    ["cuda", "cuda", 33],
    ["vulkan", "vulkan", 5],
  ] as const)("--gpu %s on %s with %d layers offloaded is fine", (mode, backend, layers) => {
    expect(gpuShortfall(mode, backend, layers)).toBeUndefined();
  });

  it("fails --gpu cuda that ended on the CPU, saying so", () => {
    expect(gpuShortfall("cuda", "cpu", 0)).toBe(
      "--gpu cuda requires the cuda backend, but llama.cpp runs on cpu: not ready (use --gpu auto to allow a CPU fallback)",
    );
    expect(gpuShortfall("vulkan", "cuda", 10)).toContain(
      "requires the vulkan backend, but llama.cpp runs on cuda",
    );
  });

  it("fails --gpu cuda with no layer offloaded", () => {
    expect(gpuShortfall("cuda", "cuda", 0)).toContain(
      "--gpu cuda requires model layers on the GPU, but none were offloaded",
    );
  });

  it("wraps the bare error node-llama-cpp throws when the backend will not load", () => {
    const cause = new Error("NoBinaryFoundError");
    const err = gpuBackendUnavailable("cuda", cause);
    expect(err.message).toContain(
      "--gpu cuda requires the cuda backend, but it could not be loaded (Error: NoBinaryFoundError)",
    );
    expect(err.message).toContain("not ready");
    expect(err.cause).toBe(cause);
  });
});
