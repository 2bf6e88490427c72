import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@llm/testing";

export interface PeerOptions {
  model: string;
  threads: number;
  /** Context tokens per sequence. */
  ctxSize: number;
  parallel: number;
  /** llama-server binary; defaults to one built once (cached) by bench/build-llama-server.sh. */
  bin?: string;
}

export interface Peer {
  name: string;
  url: string;
  /** The server process, when this bench started it. */
  pid?: number;
  close(): Promise<void>;
}

/**
 * Builds llama.cpp's llama-server from the source node-llama-cpp ships (same release as the
 * engine under test), once: later calls reuse .cache/llama-server. Returns the binary's path.
 */
function buildLlamaServer(): string {
  const script = resolve(dirname(fileURLToPath(import.meta.url)), "../../build-llama-server.sh");
  // The script says so on stderr when it builds; a cached binary comes back at once.
  const out = execFileSync("bash", [script], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  return out.trim().split("\n").pop() as string;
}

/**
 * Another OpenAI-compatible server measured with the same client: `url:<base>` for one already
 * running, or `llama-server` to spawn llama.cpp's server with the runtime's settings
 * (threads, ctx per sequence x parallel, parallel slots with continuous batching).
 */
export async function startPeer(spec: string, opts: PeerOptions): Promise<Peer> {
  if (spec.startsWith("url:")) {
    return { name: spec.slice(4), url: spec.slice(4).replace(/\/$/, ""), close: async () => {} };
  }
  if (spec !== "llama-server") throw new Error(`--peer: expected llama-server or url:<base>, got "${spec}"`);
  const port = await freePort();
  const bin = opts.bin ?? buildLlamaServer();
  const args = ["-m", opts.model, "-t", String(opts.threads), "-c", String(opts.ctxSize * opts.parallel)];
  args.push("-np", String(opts.parallel), "-cb", "--host", "127.0.0.1", "--port", String(port));
  const child: ChildProcess = spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000);
  });
  const exited = new Promise<never>((_, reject) => {
    child.once("error", (err) =>
      reject(new Error(`${bin}: ${err.message} (build llama.cpp or pass --peer-bin)`)),
    );
    child.once("exit", (code) => reject(new Error(`${bin} exited with ${code}: ${stderr}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  const ready = (async () => {
    for (let i = 0; i < 600; i++) {
      const ok = await fetch(`${url}/health`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${bin} not healthy after 120 s`);
  })();
  await Promise.race([ready, exited]);
  return {
    name: `llama-server (${bin})`,
    url,
    pid: child.pid,
    close: async () => {
      child.kill("SIGTERM");
      await exited.catch(() => undefined);
    },
  };
}
