import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Cluster request signing shared by the router (signs) and the runtime (verifies).
 *
 * Signature = hex(HMAC-SHA256(secret, "v1\n" + METHOD + "\n" + path + "\n" + timestamp + "\n" + nonce + "\n" + hex(SHA256(body))))
 * The nonce makes each signature single-use; the timestamp bounds how long a nonce must be remembered.
 */
export const HMAC_HEADERS = {
  timestamp: "x-llm-timestamp",
  nonce: "x-llm-nonce",
  signature: "x-llm-signature",
} as const;

/** Accepted clock skew / signature age, in seconds. Defaults to 300 (5 minutes). */
export const DEFAULT_HMAC_WINDOW_SECONDS = 300;

export interface SignInput {
  method: string;
  /** Path plus query string, exactly as sent on the request line. */
  path: string;
  body: string | Uint8Array;
}

export function sha256Hex(body: string | Uint8Array): string {
  return createHash("sha256").update(body).digest("hex");
}

function canonical(method: string, path: string, timestamp: string, nonce: string, bodyHash: string): string {
  return ["v1", method.toUpperCase(), path, timestamp, nonce, bodyHash].join("\n");
}

/** Returns the headers to add to a signed request. `now` is injectable for tests. */
export function signRequest(
  secret: string,
  input: SignInput,
  now: number = Date.now(),
): Record<string, string> {
  const timestamp = String(Math.floor(now / 1000));
  const nonce = randomBytes(16).toString("hex");
  const mac = createHmac("sha256", secret)
    .update(canonical(input.method, input.path, timestamp, nonce, sha256Hex(input.body)))
    .digest("hex");
  return {
    [HMAC_HEADERS.timestamp]: timestamp,
    [HMAC_HEADERS.nonce]: nonce,
    [HMAC_HEADERS.signature]: `v1=${mac}`,
  };
}

export type VerifyFailure = "missing" | "malformed" | "expired" | "bad_signature" | "replayed";
export type VerifyResult = { ok: true } | { ok: false; reason: VerifyFailure };

export interface VerifyInput extends SignInput {
  headers: Record<string, string | string[] | undefined>;
}

function header(headers: VerifyInput["headers"], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Remembers nonces for the signature window so a captured request cannot be replayed.
 * Bounded: past `maxEntries` the oldest nonces are dropped (they are also the first to expire).
 */
export class NonceCache {
  private readonly seen = new Map<string, number>();
  constructor(
    private readonly ttlMs: number = DEFAULT_HMAC_WINDOW_SECONDS * 2 * 1000,
    private readonly maxEntries = 100_000,
  ) {}

  /** Records `nonce`; false when it was already seen within its lifetime. */
  checkAndRemember(nonce: string, now: number = Date.now()): boolean {
    const expiry = this.seen.get(nonce);
    if (expiry !== undefined && expiry > now) return false;
    this.seen.set(nonce, now + this.ttlMs);
    if (this.seen.size > this.maxEntries) this.evict(now);
    return true;
  }

  private evict(now: number): void {
    for (const [nonce, expiry] of this.seen) {
      if (expiry <= now || this.seen.size > this.maxEntries) this.seen.delete(nonce);
      else break;
    }
  }

  get size(): number {
    return this.seen.size;
  }
}

export interface VerifierOptions {
  /** Shared secret; several allow rotation (any one may match). */
  secrets: string[];
  /** Accepted age/skew of the timestamp in seconds. Defaults to 300. */
  windowSeconds?: number;
  nonceCache?: NonceCache;
}

/** Builds a verifier bound to secrets and a replay cache. */
export function createVerifier(opts: VerifierOptions) {
  const windowSeconds = opts.windowSeconds ?? DEFAULT_HMAC_WINDOW_SECONDS;
  const nonces = opts.nonceCache ?? new NonceCache(windowSeconds * 2 * 1000);
  const keys = opts.secrets.filter((s) => s.length > 0);
  if (keys.length === 0) throw new Error("HMAC verifier needs at least one non-empty secret");

  return function verify(input: VerifyInput, now: number = Date.now()): VerifyResult {
    const timestamp = header(input.headers, HMAC_HEADERS.timestamp);
    const nonce = header(input.headers, HMAC_HEADERS.nonce);
    const signature = header(input.headers, HMAC_HEADERS.signature);
    if (!timestamp || !nonce || !signature) return { ok: false, reason: "missing" };
    if (
      !/^\d{1,12}$/.test(timestamp) ||
      !/^[A-Za-z0-9_-]{8,128}$/.test(nonce) ||
      !/^v1=[0-9a-f]{64}$/.test(signature)
    )
      return { ok: false, reason: "malformed" };
    if (Math.abs(now / 1000 - Number(timestamp)) > windowSeconds) return { ok: false, reason: "expired" };

    const expected = Buffer.from(signature.slice(3), "hex");
    const text = canonical(input.method, input.path, timestamp, nonce, sha256Hex(input.body));
    const matches = keys.some((k) =>
      timingSafeEqual(createHmac("sha256", k).update(text).digest(), expected),
    );
    if (!matches) return { ok: false, reason: "bad_signature" };
    // Only a valid signature consumes the nonce, so garbage cannot fill the cache.
    if (!nonces.checkAndRemember(nonce, now)) return { ok: false, reason: "replayed" };
    return { ok: true };
  };
}

export const verifyFailureMessages: Record<VerifyFailure, string> = {
  missing: "Missing cluster signature headers",
  malformed: "Malformed cluster signature headers",
  expired: "Cluster signature timestamp is outside the accepted window",
  bad_signature: "Invalid cluster signature",
  replayed: "Cluster signature was already used (replay)",
};
