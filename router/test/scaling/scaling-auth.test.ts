import { SCALING_TOKEN_ENV, scalingTokenFromEnv } from "../../src/scaling/scaling-auth.js";
import { type ErrorJson, listen } from "../helpers/router.js";

const TOKEN = "keda-scaling-token-0123456789";
const raw = {
  clusters: [
    { name: "aws-gpu", endpoint: "http://127.0.0.1:1", models: ["tiny"], pool: "gpu", scaleToZero: true },
  ],
};

describe("/scaling/* behind ROUTER_SCALING_TOKEN", () => {
  afterEach(() => {
    delete process.env[SCALING_TOKEN_ENV];
  });

  it("answers 401 in OpenAI's error shape without the bearer token, 200 with it", async () => {
    process.env[SCALING_TOKEN_ENV] = TOKEN;
    const r = await listen(raw);
    try {
      const none = await fetch(`${r.url}/scaling/aws-gpu`);
      expect(none.status).toBe(401);
      expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
      const body = (await none.json()) as ErrorJson;
      expect(body.error).toEqual({
        message: expect.stringMatching(/bearer token/),
        type: "authentication_error",
        param: null,
        code: "missing_scaling_token",
      });

      const wrong = await fetch(`${r.url}/scaling/aws-gpu`, {
        headers: { authorization: `Bearer ${TOKEN}x` },
      });
      expect(wrong.status).toBe(401);
      expect(((await wrong.json()) as ErrorJson).error.code).toBe("invalid_scaling_token");
      // Unknown targets are not revealed to an unauthenticated caller either.
      expect((await fetch(`${r.url}/scaling/nope`)).status).toBe(401);

      const ok = await fetch(`${r.url}/scaling/aws-gpu`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ target: "aws-gpu", pendingDemand: 0, cold: false, ready: null });
      const unknown = await fetch(`${r.url}/scaling/nope`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(unknown.status).toBe(404);
      // Other routes are untouched by the scaling token.
      expect((await fetch(`${r.url}/livez`)).status).toBe(200);
    } finally {
      await r.close();
    }
  });

  it("accepts each of several comma-separated tokens (one per cloud stack's KEDA), and no other", async () => {
    const other = "gcp-keda-scaling-token-abcdef0123";
    process.env[SCALING_TOKEN_ENV] = `${TOKEN}, ${other}`;
    const r = await listen(raw);
    try {
      const as = (t: string) =>
        fetch(`${r.url}/scaling/aws-gpu`, { headers: { authorization: `Bearer ${t}` } });
      expect((await as(TOKEN)).status).toBe(200);
      expect((await as(other)).status).toBe(200);
      expect((await as(`${TOKEN},${other}`)).status).toBe(401);
      expect((await as("not-one-of-them-0123456789")).status).toBe(401);
    } finally {
      await r.close();
    }
    expect(() => scalingTokenFromEnv({ [SCALING_TOKEN_ENV]: `${TOKEN},short` })).toThrow(
      /token 2\) must be at least 16/,
    );
  });

  it("needs no token when the variable is unset (in-cluster use)", async () => {
    const r = await listen(raw);
    try {
      expect((await fetch(`${r.url}/scaling/aws-gpu`)).status).toBe(200);
    } finally {
      await r.close();
    }
  });

  it("refuses an empty or short token at start-up, naming the variable", () => {
    expect(scalingTokenFromEnv({})).toBeUndefined();
    expect(() => scalingTokenFromEnv({ [SCALING_TOKEN_ENV]: "" })).toThrow(
      /ROUTER_SCALING_TOKEN is set but empty/,
    );
    expect(() => scalingTokenFromEnv({ [SCALING_TOKEN_ENV]: "short" })).toThrow(
      /ROUTER_SCALING_TOKEN must be at least 16 characters, got 5/,
    );
    expect(scalingTokenFromEnv({ [SCALING_TOKEN_ENV]: ` ${TOKEN}\n` })).toBe(TOKEN);
  });
});
