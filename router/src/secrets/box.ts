import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";

/** Prefix of an encrypted value: version 1 = AES-256-GCM, base64(iv[12] | tag[16] | ciphertext). */
export const ENCRYPTED_PREFIX = "enc:v1:";

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretBoxError";
  }
}

/**
 * Encrypts secrets (provider API keys, cluster HMAC secrets) for the admin state file.
 * AES-256-GCM with a random 96-bit IV per value; the auth tag makes any tampering fail
 * decryption. `aad` binds a value to its place (e.g. the provider name), so a ciphertext
 * copied onto another provider does not decrypt.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new SecretBoxError("state key must be 32 bytes (base64 of 32 random bytes)");
    this.key = Buffer.from(key);
  }

  encrypt(plain: string, aad = ""): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(aad, "utf8"));
    const ct = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return ENCRYPTED_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ct]).toString("base64");
  }

  decrypt(value: string, aad = ""): string {
    if (!isEncrypted(value)) throw new SecretBoxError("value is not encrypted (missing enc:v1: prefix)");
    const raw = Buffer.from(value.slice(ENCRYPTED_PREFIX.length), "base64");
    if (raw.length < 28) throw new SecretBoxError("encrypted value is truncated");
    const decipher = createDecipheriv("aes-256-gcm", this.key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(aad, "utf8"));
    decipher.setAuthTag(raw.subarray(12, 28));
    try {
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
    } catch {
      // Never include the value or key: say only that it failed.
      throw new SecretBoxError("encrypted value failed authentication (tampered, or a different state key)");
    }
  }
}

export function isEncrypted(value: string): boolean {
  return value.startsWith(ENCRYPTED_PREFIX);
}

/** Parses a base64 (or base64url) 32-byte key, naming `source` in errors. */
export function parseStateKey(text: string, source: string): Buffer {
  const key = Buffer.from(text.trim(), "base64");
  if (key.length !== 32)
    throw new SecretBoxError(
      `${source} must be base64 of exactly 32 bytes (got ${key.length}); try: openssl rand -base64 32`,
    );
  return key;
}

/**
 * The state key from env `ROUTER_STATE_KEY`, else from a mounted file (Kubernetes Secret volume);
 * undefined when neither is set.
 */
export function loadStateKey(opts: { env?: NodeJS.ProcessEnv; file?: string } = {}): Buffer | undefined {
  const env = opts.env ?? process.env;
  if (env.ROUTER_STATE_KEY) return parseStateKey(env.ROUTER_STATE_KEY, "ROUTER_STATE_KEY");
  const file = opts.file ?? env.ROUTER_STATE_KEY_FILE;
  if (file) return parseStateKey(readFileSync(file, "utf8"), file);
  return undefined;
}
