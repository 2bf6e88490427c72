import { createHash, timingSafeEqual } from "node:crypto";
import { errorBody } from "@llm/contracts";
import type { RequestHandler } from "express";
import { ConfigError } from "../config/errors.js";

/** The env var holding the bearer token `/scaling/*` requires (unset: no token, in-cluster use only). */
export const SCALING_TOKEN_ENV = "ROUTER_SCALING_TOKEN";

/** Shorter tokens are refused at start-up: the endpoint is reachable from the public host. */
const MIN_TOKEN_LENGTH = 16;

/**
 * The configured token(s), or undefined when the variable is unset. Several tokens, comma-separated,
 * are all accepted: each cloud stack's KEDA may present its own (and a token can be rotated).
 * Set but empty, or any token shorter than 16 characters, is a config error.
 */
export function scalingTokenFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const raw = env[SCALING_TOKEN_ENV];
  if (raw === undefined) return undefined;
  const tokens = raw
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "");
  if (tokens.length === 0)
    throw new ConfigError(
      `${SCALING_TOKEN_ENV} is set but empty: unset it, or set a token of at least ${MIN_TOKEN_LENGTH} characters`,
    );
  for (const [i, token] of tokens.entries())
    if (token.length < MIN_TOKEN_LENGTH)
      throw new ConfigError(
        `${SCALING_TOKEN_ENV}${tokens.length > 1 ? ` (token ${i + 1})` : ""} must be at least ${MIN_TOKEN_LENGTH} characters, got ${token.length}`,
      );
  return tokens.join(",");
}

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

/**
 * Requires `Authorization: Bearer <token>`, what KEDA's metrics-api scaler sends with
 * `authModes: "bearer"` and a TriggerAuthentication holding `token` (kedacore/keda
 * pkg/scalers/metrics_api_scaler.go adds `Authorization: Bearer <token>`; it cannot sign HMAC).
 * Compared as SHA-256 digests with timingSafeEqual against every accepted token (`token` may list
 * several, comma-separated), so neither content nor length leaks by timing.
 */
export function requireScalingToken(token: string): RequestHandler {
  const expected = token.split(",").map((t) => digest(t.trim()));
  return (req, res, next) => {
    const header = req.headers.authorization ?? "";
    const m = /^Bearer\s+(.+)$/i.exec(header);
    const given = m ? digest(m[1]!.trim()) : undefined;
    // Every digest is compared (no early exit), so which token matched does not show in the timing.
    let ok = false;
    for (const e of expected) ok = (given !== undefined && timingSafeEqual(given, e)) || ok;
    if (ok) {
      next();
      return;
    }
    res.setHeader("www-authenticate", 'Bearer realm="scaling"');
    res.status(401).json(
      errorBody(401, "A valid bearer token is required for /scaling", {
        code: m ? "invalid_scaling_token" : "missing_scaling_token",
      }),
    );
  };
}
