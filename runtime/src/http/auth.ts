import { createVerifier, HttpError, verifyFailureMessages } from "@llm/contracts";
import type { RequestHandler } from "express";

/** The raw request bytes, captured before JSON parsing because the signature covers exactly them. */
export function rawBodyOf(body: unknown): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.alloc(0);
}

/**
 * Verifies the router's HMAC signature (method, path+query, timestamp, nonce, SHA-256 of the raw
 * body) with replay protection. No secrets = auth off, for local use; mTLS, where wanted, is
 * terminated by the ingress or service mesh in front of this process.
 */
export function hmacAuth(secrets: readonly string[]): RequestHandler {
  if (secrets.length === 0) return (_req, _res, next) => next();
  const verify = createVerifier({ secrets: [...secrets] });
  return (req, _res, next) => {
    const result = verify({
      method: req.method,
      path: req.originalUrl,
      body: rawBodyOf(req.body),
      headers: req.headers,
    });
    if (result.ok) return next();
    next(
      new HttpError(401, verifyFailureMessages[result.reason], {
        type: "authentication_error",
        code: `signature_${result.reason}`,
      }),
    );
  };
}
