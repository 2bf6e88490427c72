import { HttpError, type OidcConfig, ROLES, type Role } from "@llm/contracts";
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from "jose";

/** What a verified token grants. */
export interface TokenGrant {
  role: Role;
  tenant: string | null;
  subject: string;
}

/** Compact JWS: three base64url parts, the header starting `{"` (base64url `eyJ`). */
export function looksLikeJwt(token: string): boolean {
  return /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

/** Higher first: a token carrying several roles (a groups claim) gets the strongest one. */
const STRENGTH: Record<Role, number> = { admin: 3, viewer: 2, "tenant-admin": 1, user: 0 };

/**
 * Verifies OIDC/JWT bearer tokens for the admin API with `jose`: signature against the issuer's
 * JWKS (fetched and cached by jose, refetched on an unknown `kid`), `iss`, `aud`, `exp`/`nbf`.
 * The role comes from `roleClaim` through `roles` (or a value that is a role name itself).
 */
export class OidcVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(readonly config: OidcConfig) {
    this.jwks = createRemoteJWKSet(new URL(config.jwksUrl));
  }

  /** The grant of `token`; 401 when it does not verify, 403 when it carries no usable role. */
  async verify(token: string): Promise<TokenGrant> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        issuer: this.config.issuer,
        audience: this.config.audience,
        clockTolerance: this.config.clockToleranceSec,
      }));
    } catch (err) {
      // Never echo the token; jose's messages name the failed check only.
      const why = err instanceof errors.JOSEError ? err.code : "ERR_JWT_INVALID";
      throw new HttpError(401, `The bearer token was not accepted (${why})`, { code: "invalid_api_key" });
    }
    const role = this.roleOf(payload[this.config.roleClaim]);
    if (!role)
      throw new HttpError(403, `The token's '${this.config.roleClaim}' claim maps to no role`, {
        code: "permission_denied",
      });
    const t = payload[this.config.tenantClaim];
    const tenant = typeof t === "string" && t.length > 0 ? t : null;
    if (!tenant && (role === "tenant-admin" || role === "user"))
      throw new HttpError(403, `A ${role} token needs a '${this.config.tenantClaim}' claim`, {
        code: "permission_denied",
      });
    return { role, tenant, subject: typeof payload.sub === "string" ? payload.sub : "oidc" };
  }

  private roleOf(claim: unknown): Role | undefined {
    const values = Array.isArray(claim) ? claim : [claim];
    let best: Role | undefined;
    for (const v of values) {
      if (typeof v !== "string") continue;
      const r = this.config.roles
        ? this.config.roles[v]
        : (ROLES as readonly string[]).includes(v)
          ? (v as Role)
          : undefined;
      if (r && (best === undefined || STRENGTH[r] > STRENGTH[best])) best = r;
    }
    return best;
  }
}
