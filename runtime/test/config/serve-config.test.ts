import { isLoopbackHost, resolveAuth } from "../../src/config/serve-config.js";
import { ConfigError, parseServeArgs, resolveServeConfig } from "../../src/index.js";

describe("serve configuration", () => {
  it("applies defaults and converts flag strings", () => {
    const c = parseServeArgs(["--model", "m.gguf", "--port", "9000", "--ctx-size=512", "--gpu", "off"], {});
    expect(c).toMatchObject({
      model: "m.gguf",
      port: 9000,
      ctxSize: 512,
      gpu: "off",
      parallel: 2,
      queue: 32,
    });
    expect(c.threads).toBeGreaterThanOrEqual(1);
    expect(c.hmacSecrets).toEqual([]);
  });

  it("reads RUNTIME_* env, lets flags win, and splits rotated HMAC secrets", () => {
    const c = parseServeArgs(["--parallel", "3"], {
      RUNTIME_MODEL: "env.gguf",
      RUNTIME_PARALLEL: "9",
      RUNTIME_THREADS: "1",
      RUNTIME_HMAC_SECRET: "new-secret, old-secret,",
    });
    expect(c).toMatchObject({
      model: "env.gguf",
      parallel: 3,
      threads: 1,
      hmacSecrets: ["new-secret", "old-secret"],
    });
  });

  it.each([
    [["--model", "m", "--parallel", "0"], "--parallel: must be a positive integer"],
    [["--model", "m", "--parallel", "two"], "--parallel: must be a positive integer"],
    [["--model", "m", "--port", "70000"], "--port: must be an integer between 0 and 65535"],
    [["--model", "m", "--threads", "-1"], "--threads: must be a positive integer"],
    [["--model", "m", "--gpu", "tpu"], "--gpu: must be one of auto, off, cuda, vulkan"],
    [["--model", "m", "--gpu-layers", "lots"], "--gpu-layers:"],
    [["--model", "m", "--timeout-ms", "0"], "--timeout-ms: must be a positive integer"],
    [["--model", "m", "--batching", "eager"], "--batching: must be lockstep or engine"],
    [["--model", "m", "--batch-order", "random"], "--batch-order: must be sequence or arrival"],
    [["--model", "m", "--decode-ahead", "yes"], "--decode-ahead: must be on or off"],
    [["--model", "m", "--bogus", "1"], "--bogus: unknown option"],
    [["--model", "m", "--queue"], "--queue: needs a value"],
    [["--model", "m", "--queue", "--parallel", "2"], "--queue: needs a value"],
    [["--model", "m", "--bogus=1"], "--bogus: unknown option"],
    [["--model", "m", "-p", "2"], "-p: unexpected argument"],
    [["--model", "m", "--", "x"], "--: unknown option"],
    [["--model="], "--model: is required"],
    [["--port", "1"], "--model: is required"],
    [["stray"], "stray: unexpected argument"],
  ])("rejects %j naming the field", (argv, message) => {
    expect(() => parseServeArgs(argv, {})).toThrow(ConfigError);
    expect(() => parseServeArgs(argv, {})).toThrow(message);
  });

  it("takes values that start with one dash, and either spelling of a value", () => {
    expect(() => parseServeArgs(["--model", "m", "--threads", "-1"], {})).toThrow(
      "--threads: must be a positive integer",
    );
    expect(
      parseServeArgs(["--model=a=b.gguf", "--host", "-weird"], { RUNTIME_HMAC_SECRET: "s" }),
    ).toMatchObject({
      model: "a=b.gguf",
      host: "-weird",
    });
  });

  it("reads sizes and durations with units (bytes, ms) besides plain integers", () => {
    const c = parseServeArgs(
      ["--model", "m", "--max-body-bytes", "8mb", "--timeout-ms", "2m", "--drain-ms=1.5s"],
      {},
    );
    expect(c).toMatchObject({ maxBodyBytes: 8 * 1024 * 1024, timeoutMs: 120_000, drainMs: 1500 });
    expect(parseServeArgs(["--model", "m", "--max-body-bytes", "4096", "--drain-ms", "0"], {})).toMatchObject(
      {
        maxBodyBytes: 4096,
        drainMs: 0,
      },
    );
    expect(parseServeArgs(["--model", "m"], {})).toMatchObject({ maxBodyBytes: 4194304, timeoutMs: 120000 });
  });

  it.each([
    ["--max-body-bytes", "12abc"],
    ["--max-body-bytes", "4.5"],
    ["--max-body-bytes", "1000b"],
    ["--timeout-ms", "soon"],
    ["--timeout-ms", "1.5"],
    ["--drain-ms", "-1s"],
  ])("still rejects %s %s", (flag, value) => {
    expect(() => parseServeArgs(["--model", "m", flag, value], {})).toThrow(`${flag}: must be`);
  });

  it("turns decode-ahead on by default; flag and RUNTIME_DECODE_AHEAD turn it off; a bad env value names the setting", () => {
    expect(parseServeArgs(["--model", "m"], {}).decodeAhead).toBe("on");
    expect(parseServeArgs(["--model", "m", "--decode-ahead", "off"], {}).decodeAhead).toBe("off");
    expect(parseServeArgs(["--model", "m"], { RUNTIME_DECODE_AHEAD: "off" }).decodeAhead).toBe("off");
    expect(() => parseServeArgs(["--model", "m"], { RUNTIME_DECODE_AHEAD: "maybe" })).toThrow(
      "--decode-ahead: must be on or off",
    );
  });

  it("validates programmatic options the same way", () => {
    expect(() => resolveServeConfig({ model: "m", ctxSize: 3 })).toThrow("--ctx-size:");
    expect(() => resolveServeConfig({ model: "m", nope: true })).toThrow("--nope: unknown option");
  });
});

describe("auth mode", () => {
  it.each([
    [undefined, ["s"], "0.0.0.0", "hmac"],
    [undefined, [], "127.0.0.1", "none"],
    [undefined, [], "localhost", "none"],
    [undefined, [], "::1", "none"],
    ["none", [], "0.0.0.0", "none"],
    ["none", ["s"], "0.0.0.0", "none"],
    ["hmac", ["s"], "127.0.0.1", "hmac"],
  ] as const)("--auth %s with secrets %j on %s runs with %s", (asked, secrets, host, mode) => {
    expect(resolveAuth(asked, secrets, host)).toBe(mode);
  });

  it("refuses a non-loopback host without a secret, naming both fixes", () => {
    for (const host of ["0.0.0.0", "::", "10.0.0.5", "runtime.local"]) {
      expect(() => resolveAuth(undefined, [], host)).toThrow(ConfigError);
      expect(() => resolveAuth(undefined, [], host)).toThrow(
        `--host ${host}: refusing to serve without auth on a non-loopback address: set RUNTIME_HMAC_SECRET`,
      );
      expect(() => resolveAuth(undefined, [], host)).toThrow("or pass --auth none");
    }
  });

  it("refuses --auth hmac without a secret, and an unknown mode", () => {
    expect(() => resolveAuth("hmac", [], "127.0.0.1")).toThrow("--auth hmac: needs RUNTIME_HMAC_SECRET");
    expect(() => parseServeArgs(["--model", "m", "--auth", "token"], {})).toThrow(
      "--auth: must be hmac or none",
    );
  });

  it("resolves from flags and env like every other setting", () => {
    expect(parseServeArgs(["--model", "m"], {}).auth).toBe("none");
    expect(parseServeArgs(["--model", "m", "--host", "0.0.0.0", "--auth", "none"], {}).auth).toBe("none");
    expect(parseServeArgs(["--model", "m", "--host", "0.0.0.0"], { RUNTIME_AUTH: "none" }).auth).toBe("none");
    expect(parseServeArgs(["--model", "m", "--host", "0.0.0.0"], { RUNTIME_HMAC_SECRET: "s" }).auth).toBe(
      "hmac",
    );
    expect(() => parseServeArgs(["--model", "m", "--host", "0.0.0.0"], {})).toThrow(
      "refusing to serve without auth",
    );
  });

  it.each([
    ["127.0.0.1", true],
    ["127.1.2.3", true],
    ["[::1]", true],
    ["::ffff:127.0.0.1", true],
    ["LOCALHOST", true],
    ["0.0.0.0", false],
    ["::", false],
    ["128.0.0.1", false],
    ["127.example.com", false],
  ])("%s is loopback: %s", (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe("GPU mode", () => {
  it("refuses a required GPU with nothing to offload", () => {
    expect(() => parseServeArgs(["--model", "m", "--gpu", "cuda", "--gpu-layers", "0"], {})).toThrow(
      "--gpu-layers: 0 offloads nothing, but --gpu cuda requires layers on the GPU",
    );
    expect(parseServeArgs(["--model", "m", "--gpu", "cuda", "--gpu-layers", "max"], {}).gpu).toBe("cuda");
    expect(parseServeArgs(["--model", "m", "--gpu", "auto", "--gpu-layers", "0"], {}).gpu).toBe("auto");
  });
});
