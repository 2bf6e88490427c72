import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { copyFile, mkdir, open, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Agent, type Dispatcher, interceptors, request } from "undici";
import { generateFromUri } from "./catalog.js";

export interface DownloadOptions {
  /** `http(s)://`, `file://` or `gen://` URI of the GGUF file. */
  uri: string;
  /** Expected lowercase hex SHA-256; required for remote URIs. */
  sha256?: string;
  /** Destination path; written as `<out>.part` and renamed once verified. */
  out: string;
  /** Network attempts (each resumes where the last stopped). Defaults to 5. */
  attempts?: number;
  /** Undici dispatcher; defaults to an agent that follows up to 5 redirects (model hubs redirect to CDNs). */
  dispatcher?: Dispatcher;
  /** Progress hook, called per received chunk with total bytes on disk so far. */
  onProgress?: (bytes: number, total: number | undefined) => void;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  sha256: string;
  /** Bytes reused from an earlier partial download (0 when it started fresh). */
  resumedFrom: number;
  /** True when `out` already existed with the right hash and nothing was fetched. */
  alreadyPresent: boolean;
}

/** A download that must not be retried (bad hash, 4xx, bad URI). */
export class DownloadError extends Error {
  override name = "DownloadError";
}

/** Hex SHA-256 of a file, streamed. */
export async function hashFile(file: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(file), hash);
  return hash.digest("hex");
}

async function sizeOf(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).size;
  } catch {
    return undefined;
  }
}

/** One HTTP attempt: appends to `part` from its current size; returns when the body is fully written. */
async function fetchInto(
  uri: string,
  part: string,
  dispatcher: Dispatcher,
  onProgress?: DownloadOptions["onProgress"],
): Promise<{ resumedFrom: number }> {
  const offset = (await sizeOf(part)) ?? 0;
  const res = await request(uri, {
    dispatcher,
    headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
  });
  if (res.statusCode === 416 && offset > 0) {
    // The server says our range starts at or past the end: the partial file may already be whole.
    await res.body.dump();
    const total = /\/(\d+)$/.exec(String(res.headers["content-range"] ?? ""))?.[1];
    if (total !== undefined && Number(total) === offset) return { resumedFrom: offset };
    await rm(part, { force: true });
    throw new Error(`server rejected resume at byte ${offset}; restarting`);
  }
  if (res.statusCode >= 400) {
    await res.body.dump();
    const msg = `GET ${uri} answered HTTP ${res.statusCode}`;
    throw res.statusCode >= 500 || res.statusCode === 429 ? new Error(msg) : new DownloadError(msg);
  }
  let append = false;
  if (res.statusCode === 206) {
    const start = /^bytes (\d+)-/.exec(String(res.headers["content-range"] ?? ""))?.[1];
    if (Number(start) !== offset) {
      await res.body.dump();
      await rm(part, { force: true });
      throw new Error(`server resumed at byte ${start ?? "?"} instead of ${offset}; restarting`);
    }
    append = true;
  }
  const length = Number(res.headers["content-length"]);
  const total = Number.isFinite(length) ? (append ? offset : 0) + length : undefined;
  let written = append ? offset : 0;
  // Awaited writes (not a stream pipeline): when the connection drops, every byte received so far
  // is already on disk, so the next attempt resumes from there instead of from scratch.
  const file = await open(part, append ? "a" : "w");
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      await file.write(chunk);
      written += chunk.length;
      onProgress?.(written, total);
    }
  } finally {
    await file.close();
  }
  if (total !== undefined && written !== total)
    throw new Error(`connection closed at byte ${written} of ${total}`);
  return { resumedFrom: append ? offset : 0 };
}

/**
 * Downloads a model for the chart's init container: resumes a partial `<out>.part` with a Range
 * request, retries transient failures, verifies SHA-256 and renames into place atomically, so a pod
 * never sees a half-written or corrupt model. A hash mismatch deletes the partial file and throws.
 */
export async function downloadModel(opts: DownloadOptions): Promise<DownloadResult> {
  const expected = opts.sha256?.toLowerCase();
  if (expected !== undefined && !/^[0-9a-f]{64}$/.test(expected)) {
    throw new DownloadError(`--sha256: must be 64 hex characters, got "${opts.sha256}"`);
  }
  const out = path.resolve(opts.out);
  await mkdir(path.dirname(out), { recursive: true });

  if (expected && (await sizeOf(out)) !== undefined && (await hashFile(out)) === expected) {
    const bytes = (await sizeOf(out)) ?? 0;
    return { path: out, bytes, sha256: expected, resumedFrom: 0, alreadyPresent: true };
  }

  const part = `${out}.part`;
  let resumedFrom = 0;
  const scheme = opts.uri.split(":")[0];
  if (scheme === "gen" || scheme === "file") {
    const source = scheme === "gen" ? await generateFromUri(opts.uri) : new URL(opts.uri).pathname;
    await copyFile(source, part);
  } else if (scheme === "http" || scheme === "https") {
    if (!expected) throw new DownloadError("--sha256: required for remote downloads");
    const dispatcher = opts.dispatcher ?? new Agent().compose(interceptors.redirect({ maxRedirections: 5 }));
    const attempts = opts.attempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await fetchInto(opts.uri, part, dispatcher, opts.onProgress);
        // Only the first attempt can reuse bytes from an earlier run; later ones resume this run's.
        if (attempt === 1) resumedFrom = r.resumedFrom;
        break;
      } catch (err) {
        if (err instanceof DownloadError || attempt >= attempts) throw err;
        await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** attempt)));
      }
    }
  } else {
    throw new DownloadError(`unsupported model URI "${opts.uri}" (expected http(s)://, file:// or gen://)`);
  }

  const actual = await hashFile(part);
  if (expected && actual !== expected) {
    await rm(part, { force: true });
    throw new DownloadError(
      `sha256 mismatch for ${opts.uri}: expected ${expected}, got ${actual}; partial file removed`,
    );
  }
  await rename(part, out);
  const bytes = (await sizeOf(out)) ?? 0;
  return { path: out, bytes, sha256: actual, resumedFrom, alreadyPresent: false };
}
