import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { DownloadError, downloadModel } from "../../src/index.js";
import { tinyModel } from "../helpers.js";

/** A static file server with Range support that can cut the first response short. */
function fileServer(data: Buffer) {
  const seen: { range?: string }[] = [];
  let dropFirstAfter: number | undefined;
  let dropWhen: Promise<void> = Promise.resolve();
  const server: Server = createServer((req, res) => {
    seen.push({ range: req.headers.range });
    if (req.url !== "/model.gguf") {
      res.writeHead(404).end();
      return;
    }
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    const start = m ? Number(m[1]) : 0;
    if (start >= data.length && m) {
      res.writeHead(416, { "content-range": `bytes */${data.length}` }).end();
      return;
    }
    const body = data.subarray(start);
    res.writeHead(m ? 206 : 200, {
      "content-length": body.length,
      "accept-ranges": "bytes",
      ...(m ? { "content-range": `bytes ${start}-${data.length - 1}/${data.length}` } : {}),
    });
    if (dropFirstAfter !== undefined) {
      const cut = dropFirstAfter;
      dropFirstAfter = undefined;
      // Half-close (a FIN, not a reset that could discard bytes in flight) once the client has the
      // bytes: a FIN read together with them can make undici destroy the body before they are read.
      res.write(body.subarray(0, cut), () => void dropWhen.then(() => res.socket?.end()));
      return;
    }
    res.end(body);
  });
  return {
    seen,
    /** Cuts the next response after `bytes`, ending the connection once `when` resolves. */
    dropNextAfter(bytes: number, when: Promise<void> = new Promise((r) => setTimeout(r, 50))) {
      dropFirstAfter = bytes;
      dropWhen = when;
    },
    async start(): Promise<string> {
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe("download", () => {
  let data: Buffer;
  let sha: string;
  let srv: ReturnType<typeof fileServer>;
  let base: string;
  let dir: string;

  beforeAll(async () => {
    data = readFileSync(await tinyModel());
    sha = createHash("sha256").update(data).digest("hex");
    srv = fileServer(data);
    base = await srv.start();
  });
  afterAll(() => srv.close());
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "runtime-dl-"));
    srv.seen.length = 0;
  });

  it("downloads, verifies and renames into place", async () => {
    const out = path.join(dir, "m.gguf");
    const r = await downloadModel({ uri: `${base}/model.gguf`, sha256: sha, out });
    expect(r).toMatchObject({ bytes: data.length, sha256: sha, resumedFrom: 0, alreadyPresent: false });
    expect(readFileSync(out).equals(data)).toBe(true);
    expect(existsSync(`${out}.part`)).toBe(false);
  });

  it("resumes a partial file left by an earlier run with a Range request", async () => {
    const out = path.join(dir, "m.gguf");
    const half = Math.floor(data.length / 2);
    writeFileSync(`${out}.part`, data.subarray(0, half));
    const r = await downloadModel({ uri: `${base}/model.gguf`, sha256: sha, out });
    expect(srv.seen).toEqual([{ range: `bytes=${half}-` }]);
    expect(r.resumedFrom).toBe(half);
    expect(readFileSync(out).equals(data)).toBe(true);
  });

  it("resumes after the connection drops mid-body", async () => {
    const out = path.join(dir, "m.gguf");
    // The drop comes once the client has written the cut's bytes (not after a fixed delay, which a
    // loaded machine outran: the FIN then arrived with the bytes and the first attempt kept none).
    let received!: () => void;
    srv.dropNextAfter(100_000, new Promise<void>((r) => (received = r)));
    await downloadModel({
      uri: `${base}/model.gguf`,
      sha256: sha,
      out,
      onProgress: (bytes) => {
        if (bytes >= 100_000) received();
      },
    });
    expect(srv.seen.length).toBe(2);
    expect(srv.seen[1]?.range).toMatch(/^bytes=\d+-$/);
    expect(Number(srv.seen[1]?.range?.slice(6, -1))).toBeGreaterThan(0);
    expect(readFileSync(out).equals(data)).toBe(true);
  });

  it("fails loudly on a hash mismatch and leaves neither file nor partial behind", async () => {
    const out = path.join(dir, "m.gguf");
    const wrong = "0".repeat(64);
    const err = await downloadModel({ uri: `${base}/model.gguf`, sha256: wrong, out }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DownloadError);
    expect(String((err as Error).message)).toContain(`sha256 mismatch`);
    expect(String((err as Error).message)).toContain(sha);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.part`)).toBe(false);
  });

  it("keeps an existing file with the right hash without fetching", async () => {
    const out = path.join(dir, "m.gguf");
    writeFileSync(out, data);
    const r = await downloadModel({ uri: `${base}/model.gguf`, sha256: sha, out });
    expect(r.alreadyPresent).toBe(true);
    expect(srv.seen).toEqual([]);
  });

  it.each([
    [{ uri: "/model-missing.gguf", sha256: "a".repeat(64) }, "HTTP 404"],
    [{ uri: "/model.gguf", sha256: "xyz" }, "--sha256: must be 64 hex characters"],
    [{ uri: "/model.gguf", sha256: undefined }, "--sha256: required"],
  ])("rejects %j without retrying", async (opts, message) => {
    const out = path.join(dir, "m.gguf");
    await expect(downloadModel({ ...opts, uri: `${base}${opts.uri}`, out, attempts: 3 })).rejects.toThrow(
      message,
    );
    expect(srv.seen.length).toBeLessThanOrEqual(1);
  });
});
