import { randomBytes } from "node:crypto";
import { loadStateKey, SecretBox, SecretBoxError } from "../../src/secrets/box.js";

describe("AES-256-GCM secret box", () => {
  const box = new SecretBox(randomBytes(32));

  it("round-trips a secret and never stores it in clear", () => {
    const enc = box.encrypt("sk-live-very-secret", "external:openai:apiKey");
    expect(enc.startsWith("enc:v1:")).toBe(true);
    expect(enc).not.toContain("sk-live");
    expect(box.decrypt(enc, "external:openai:apiKey")).toBe("sk-live-very-secret");
    // A fresh IV each time: equal plaintexts do not give equal ciphertexts.
    expect(box.encrypt("sk-live-very-secret", "a")).not.toBe(box.encrypt("sk-live-very-secret", "a"));
  });

  it("detects tampering, a different key and a value moved to another provider", () => {
    const enc = box.encrypt("secret-value", "external:openai:apiKey");
    const raw = Buffer.from(enc.slice(7), "base64");
    raw[raw.length - 1] = raw[raw.length - 1]! ^ 1;
    expect(() => box.decrypt(`enc:v1:${raw.toString("base64")}`, "external:openai:apiKey")).toThrow(
      SecretBoxError,
    );
    expect(() => new SecretBox(randomBytes(32)).decrypt(enc, "external:openai:apiKey")).toThrow(
      /failed authentication/,
    );
    expect(() => box.decrypt(enc, "external:other:apiKey")).toThrow(SecretBoxError);
    expect(() => box.decrypt("plain", "")).toThrow(/not encrypted/);
  });

  it("loads the key from ROUTER_STATE_KEY and rejects a key of the wrong length", () => {
    const key = randomBytes(32);
    expect(loadStateKey({ env: { ROUTER_STATE_KEY: key.toString("base64") } })!.equals(key)).toBe(true);
    expect(loadStateKey({ env: {} })).toBeUndefined();
    expect(() => loadStateKey({ env: { ROUTER_STATE_KEY: randomBytes(16).toString("base64") } })).toThrow(
      /32 bytes/,
    );
  });
});
