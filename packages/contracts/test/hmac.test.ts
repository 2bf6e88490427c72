import { createVerifier, HMAC_HEADERS, NonceCache, signRequest } from "../src/index.js";

const body = JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] });
const req = { method: "POST", path: "/v1/chat/completions", body };

describe("cluster HMAC signing", () => {
  it("accepts a request signed with the shared secret", () => {
    const verify = createVerifier({ secrets: ["s3cret-s3cret-s3cret"] });
    expect(verify({ ...req, headers: signRequest("s3cret-s3cret-s3cret", req) })).toEqual({ ok: true });
  });

  it.each([
    ["another secret", (h: Record<string, string>) => h, "other-secret-xxxxxxx", req, "bad_signature"],
    [
      "a changed body",
      (h: Record<string, string>) => h,
      "k".repeat(20),
      { ...req, body: body + " " },
      "bad_signature",
    ],
    [
      "a changed path",
      (h: Record<string, string>) => h,
      "k".repeat(20),
      { ...req, path: "/v1/embeddings" },
      "bad_signature",
    ],
    ["missing headers", () => ({}), "k".repeat(20), req, "missing"],
    [
      "a malformed signature",
      (h: Record<string, string>) => ({ ...h, [HMAC_HEADERS.signature]: "nope" }),
      "k".repeat(20),
      req,
      "malformed",
    ],
  ])("rejects %s", (_name, mutate, signSecret, verifyReq, reason) => {
    const verify = createVerifier({ secrets: ["k".repeat(20)] });
    const headers = mutate(signRequest(signSecret, req));
    expect(verify({ ...verifyReq, headers })).toEqual({ ok: false, reason });
  });

  it("rejects a timestamp outside the window", () => {
    const verify = createVerifier({ secrets: ["k".repeat(20)], windowSeconds: 60 });
    const headers = signRequest("k".repeat(20), req, Date.now() - 61_000);
    expect(verify({ ...req, headers })).toEqual({ ok: false, reason: "expired" });
  });

  it("rejects a replayed request", () => {
    const verify = createVerifier({ secrets: ["k".repeat(20)] });
    const headers = signRequest("k".repeat(20), req);
    expect(verify({ ...req, headers }).ok).toBe(true);
    expect(verify({ ...req, headers })).toEqual({ ok: false, reason: "replayed" });
  });

  it("accepts either secret during rotation", () => {
    const verify = createVerifier({ secrets: ["old-secret-old-secret", "new-secret-new-secret"] });
    expect(verify({ ...req, headers: signRequest("old-secret-old-secret", req) }).ok).toBe(true);
    expect(verify({ ...req, headers: signRequest("new-secret-new-secret", req) }).ok).toBe(true);
  });

  it("keeps the nonce cache bounded", () => {
    const cache = new NonceCache(60_000, 3);
    for (let i = 0; i < 10; i++) cache.checkAndRemember(`n${i}`, 1000);
    expect(cache.size).toBeLessThanOrEqual(3);
  });
});
