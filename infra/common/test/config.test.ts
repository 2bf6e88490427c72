import { z } from "zod";
import { commonConfig, readConfig } from "../src/index.js";

const reader = (values: Record<string, string>) => (key: string) => values[key];

describe("stack config reading", () => {
  it("fills every documented default when only the required keys are set", () => {
    const cfg = readConfig(
      commonConfig,
      "llm-platform",
      reader({ domain: "llm.acme.io", acmeEmail: "ops@acme.io" }),
    );
    expect(cfg).toMatchObject({
      environment: "dev",
      authMode: "hmac",
      deployMode: "helm",
      installPlatform: true,
    });
  });

  it("parses JSON objects, numbers and booleans from their string form", () => {
    const schema = z.object({
      count: z.number(),
      on: z.boolean(),
      pool: z.object({ max: z.number() }),
      name: z.string(),
    });
    const cfg = readConfig(schema, "ns", reader({ count: "3", on: "false", pool: '{"max":4}', name: "123" }));
    expect(cfg).toEqual({ count: 3, on: false, pool: { max: 4 }, name: "123" });
  });

  it("names the full key of a bad nested value", () => {
    expect(() => readConfig(commonConfig, "llm-platform", reader({ gpuPool: '{"maxNodes":0}' }))).toThrow(
      /llm-platform:gpuPool\.maxNodes/,
    );
  });

  it("names the key of a value outside its enum", () => {
    expect(() => readConfig(commonConfig, "llm-platform", reader({ deployMode: "kubectl" }))).toThrow(
      /llm-platform:deployMode/,
    );
  });
});
