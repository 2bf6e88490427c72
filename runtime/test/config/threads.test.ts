import { cgroupCpuLimit, defaultThreadCount, libuvPoolSize } from "../../src/index.js";

describe("default thread count", () => {
  it("uses the cgroup CPU quota when it is lower than the visible cores", () => {
    expect(defaultThreadCount(16, 2)).toBe(2);
    expect(defaultThreadCount(2, undefined)).toBe(2);
    expect(defaultThreadCount(4, 8)).toBe(4);
  });

  it.each([
    ["200000 100000", 2],
    ["150000 100000", 2],
    ["50000 100000", 1],
    ["max 100000", undefined],
    ["garbage", undefined],
  ])("reads cpu.max %s as %s CPUs", (text, cpus) => {
    expect(cgroupCpuLimit(() => text)).toBe(cpus);
  });

  it("treats an unreadable cpu.max as unlimited", () => {
    expect(
      cgroupCpuLimit(() => {
        throw new Error("ENOENT");
      }),
    ).toBeUndefined();
  });
});

describe("libuv pool size", () => {
  it.each([
    [{}, 4],
    [{ UV_THREADPOOL_SIZE: "1" }, 1],
    [{ UV_THREADPOOL_SIZE: "8" }, 8],
    [{ UV_THREADPOOL_SIZE: "0" }, 1],
    [{ UV_THREADPOOL_SIZE: "lots" }, 1],
    [{ UV_THREADPOOL_SIZE: "5000" }, 1024],
    [{ UV_THREADPOOL_SIZE: "-2" }, 1024],
  ])("reads %j as libuv does: %d threads", (env, size) => {
    expect(libuvPoolSize(env)).toBe(size);
  });
});
