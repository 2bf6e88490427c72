import { cli, collect } from "./cli-process.js";
import { tinyModel } from "./helpers.js";

describe("runtime CLI serving a model", () => {
  it("prints one ready line, then on SIGTERM finishes the in-flight request and exits 0", async () => {
    const model = await tinyModel();
    const child = cli(
      ["serve", "--model", model, "--port", "0", "--gpu", "off", "--threads", "1", "--parallel", "1"],
      {
        RUNTIME_LOG_LEVEL: "warn",
      },
    );
    const run = collect(child);
    const ready = await new Promise<string>((resolve, reject) => {
      child.stdout?.on("data", () => {
        const line = run.stdout().split("\n")[0] ?? "";
        if (run.stdout().includes("\n")) resolve(line);
      });
      child.on("exit", () => reject(new Error(`exited before ready: ${run.stderr()}`)));
    });
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
  });
});
