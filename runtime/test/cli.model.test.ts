import { existsSync } from "node:fs";
import { cli, collect, readyLine } from "./cli-process.js";
import { tinyModel } from "./helpers.js";

describe("runtime CLI serving a model", () => {
  it("prints one ready line, then on SIGTERM finishes the in-flight request and exits 0", async () => {
    const model = await tinyModel();
    const child = cli(
      ["serve", "--model", model, "--port", "0", "--gpu", "off", "--threads", "1", "--parallel", "1"],
      {
        RUNTIME_LOG_LEVEL: "warn",
        RUNTIME_HMAC_SECRET: "",
      },
    );
    const run = collect(child);
    const ready = await readyLine(child, run);
    const match = /^runtime ready on (http:\/\/127\.0\.0\.1:\d+) model=tiny-s1 backend=cpu$/.exec(ready);
    expect(match).not.toBeNull();
    const url = match?.[1] as string;

    const res = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({
        model: "tiny",
        messages: [{ role: "user", content: "hi" }],
        max_tokens: 1500,
        stream: true,
        stream_options: { include_usage: true },
      }),
    });
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let body = decoder.decode((await reader.read()).value);
    // The request is in flight (first chunk received): ask the process to stop.
    child.kill("SIGTERM");
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      body += decoder.decode(value);
    }
    expect(body).toContain('"finish_reason":"length"');
    expect(body).toContain('"completion_tokens":1500');
    expect(body.trimEnd().endsWith("data: [DONE]")).toBe(true);
    expect(await run.exit).toBe(0);
    expect(run.stdout().trim().split("\n")).toHaveLength(1);
    // Loopback without a secret starts, and says on a line of its own that auth is off.
    expect(run.stderr()).toContain('"msg":"auth off (no RUNTIME_HMAC_SECRET): requests to http://127.0.0.1:');
  });

  it("serves on 0.0.0.0 without a secret once --auth none is explicit, by preset name; /health shows backend and layers", async () => {
    const child = cli(
      [
        "serve",
        "--model",
        "tiny",
        "--host",
        "0.0.0.0",
        "--auth",
        "none",
        "--port",
        "0",
        "--gpu",
        "off",
        "--threads",
        "1",
      ],
      { RUNTIME_LOG_LEVEL: "warn", RUNTIME_HMAC_SECRET: "" },
    );
    const run = collect(child);
    const ready = await readyLine(child, run);
    const match = /^runtime ready on http:\/\/0\.0\.0\.0:(\d+) model=tiny backend=cpu$/.exec(ready);
    expect(match).not.toBeNull();
    const health = (await (await fetch(`http://127.0.0.1:${match?.[1]}/health`)).json()) as Record<
      string,
      unknown
    >;
    expect(health).toMatchObject({
      ready: true,
      model: "tiny",
      backend: "cpu",
      gpu_mode: "off",
      gpu_layers: 0,
    });
    expect(health.model_layers).toBeGreaterThan(0);
    expect(run.stderr()).toContain('"msg":"auth off (no RUNTIME_HMAC_SECRET): requests to http://0.0.0.0:');
    child.kill("SIGTERM");
    expect(await run.exit).toBe(0);
  });

  // On a machine with an NVIDIA device the CUDA backend may load: this checks the CPU-only case.
  (existsSync("/dev/nvidia0") ? it.skip : it)(
    "never reports ready with --gpu cuda on a machine without a usable CUDA backend, and says why",
    async () => {
      const model = await tinyModel();
      const run = collect(
        cli(
          [
            "serve",
            "--model",
            model,
            "--port",
            "0",
            "--gpu",
            "cuda",
            "--gpu-layers",
            "max",
            "--threads",
            "1",
          ],
          {
            RUNTIME_LOG_LEVEL: "warn",
          },
        ),
      );
      expect(await run.exit).toBe(1);
      expect(run.stdout()).toBe("");
      expect(run.stderr()).toContain(
        "runtime: --gpu cuda requires the cuda backend, but it could not be loaded",
      );
      expect(run.stderr()).toContain('"msg":"start-up failed: --gpu cuda requires the cuda backend');
    },
  );
});
