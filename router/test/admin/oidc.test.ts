import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type FakeOpenAI, startFakeOpenAI } from "@llm/testing";
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import type { RunningRouter } from "../../src/server.js";
import { config, listenWithAccess } from "../helpers/router.js";

const ISSUER = "https://login.example.test/";
const AUDIENCE = "llm-router";

describe("admin API with OIDC/JWT bearer tokens (local JWKS on loopback)", () => {
  let jwks: Server;
  let up: FakeOpenAI;
  let running: RunningRouter;
  let sign: (
    claims: JWTPayload,
    opts?: { aud?: string; iss?: string; exp?: string | number },
  ) => Promise<string>;
  let foreign: (claims: JWTPayload) => Promise<string>;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair("RS256");
    const other = await generateKeyPair("RS256");
    const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256", use: "sig" };
    jwks = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwks.listen(0, "127.0.0.1", r));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
    sign = (claims, o = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: "RS256", kid: "k1" })
        .setIssuer(o.iss ?? ISSUER)
        .setAudience(o.aud ?? AUDIENCE)
        .setSubject("alice")
        .setIssuedAt()
        .setExpirationTime(o.exp ?? "5m")
        .sign(privateKey);
    foreign = (claims) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: "RS256", kid: "k1" })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setExpirationTime("5m")
        .sign(other.privateKey);
    up = await startFakeOpenAI();
    // No admin key: OIDC alone turns the admin API on.
    ({ running } = await listenWithAccess(
      config({
        externalProviders: [
          { name: "oa", type: "openai", apiKey: "sk-up-000000000000", baseURL: `${up.url}/v1` },
        ],
        tenants: [
          { id: "acme", keys: [{ id: "acme-1", key: "sk-acme-yaml-key-0123456789" }] },
          { id: "other", keys: [{ id: "other-1", key: "sk-other-yaml-key-012345678" }] },
        ],
        admin: {
          oidc: {
            issuer: ISSUER,
            audience: AUDIENCE,
            jwksUrl,
            roleClaim: "groups",
            tenantClaim: "org",
            roles: { "llm-admins": "admin", "llm-viewers": "viewer", "acme-admins": "tenant-admin" },
          },
        },
      }),
    ));
  });

  afterAll(async () => {
    await running?.close();
    await up?.close();
    await new Promise((r) => jwks?.close(r));
  });

  const call = async (path: string, token: string, method = "GET", body?: unknown) => {
    const res = await fetch(`${running.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return {
      status: res.status,
      json: (await res.json()) as { error?: { message: string }; [k: string]: unknown },
    };
  };

  it("maps the role claim through `roles` and keeps the strongest of several", async () => {
    const admin = await sign({ groups: ["llm-viewers", "llm-admins"] });
    expect((await call("/admin/me", admin)).json).toEqual({
      role: "admin",
      tenant: null,
      keyId: "alice",
      via: "oidc",
    });
    expect((await call("/admin/keys", admin, "POST", { tenant: "acme" })).status).toBe(201);
    const viewer = await sign({ groups: "llm-viewers" });
    expect((await call("/admin/keys", viewer)).status).toBe(200);
    expect((await call("/admin/keys", viewer, "POST", { tenant: "acme" })).status).toBe(403);
  });

  it("confines a tenant-admin token to the tenant in its claim", async () => {
    const ta = await sign({ groups: ["acme-admins"], org: "acme" });
    expect((await call("/admin/me", ta)).json).toMatchObject({ role: "tenant-admin", tenant: "acme" });
    expect((await call("/admin/keys", ta, "POST", { tenant: "acme" })).status).toBe(201);
    expect((await call("/admin/keys", ta, "POST", { tenant: "other" })).status).toBe(403);
    // a tenant-admin token without a tenant claim is refused
    expect((await call("/admin/me", await sign({ groups: ["acme-admins"] }))).status).toBe(403);
  });

  it("refuses a wrong audience or issuer, an expired token, a foreign signature and an unmapped role", async () => {
    for (const token of [
      await sign({ groups: ["llm-admins"] }, { aud: "someone-else" }),
      await sign({ groups: ["llm-admins"] }, { iss: "https://evil.example/" }),
      await sign({ groups: ["llm-admins"] }, { exp: 1_577_836_800 }),
      await foreign({ groups: ["llm-admins"] }),
    ]) {
      const r = await call("/admin/me", token);
      expect(r.status).toBe(401);
      expect(r.json.error?.message).not.toContain(token);
    }
    expect((await call("/admin/me", await sign({ groups: ["nobody"] }))).status).toBe(403);
    expect((await call("/admin/me", "not-a-jwt-and-not-a-key")).status).toBe(401);
  });
});
