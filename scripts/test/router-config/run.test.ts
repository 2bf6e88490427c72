/* biome-ignore-all lint/suspicious/noTemplateCurlyInString: configs use literal ${ENV} references */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parseConfig } from "@llm/router";
import { parse as parseYaml } from "yaml";
import { runRouterConfig } from "../../src/router-config/run.js";

const AWS = "examples/aws-stack-outputs.json";
const SECRET = "example-secret-do-not-use-0000";

describe("pnpm router-config", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "router-config-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("turns a saved `pulumi stack output --json` into the expected router config, mode 0600", async () => {
    const out = join(dir, "router.yaml");
    const r = await runRouterConfig(["--outputs", AWS, "--out", out, "--threshold", "0.001"]);
    expect(r.targets).toEqual(["aws-llm-prod-cpu", "aws-llm-prod-gpu"]);
    const written = parseYaml(await readFile(out, "utf8"));
    expect(written).toEqual({
      server: { host: "0.0.0.0", port: 8080 },
      router: {
        routingStrategy: "hybrid",
        clusterCostThreshold: 0.001,
        enableExternalFallback: true,
        healthCheckInterval: "10s",
      },
      clusters: [
        {
          name: "aws-llm-prod-cpu",
          endpoint: "https://cpu.aws.example.com",
          region: "us-east-1",
          provider: "aws",
          pool: "cpu",
          costPerHour: 0.192,
          authType: "hmac",
          sharedSecret: SECRET,
          capabilities: ["chat", "completions", "embeddings", "streaming", "json_schema"],
          models: ["tinyllama"],
          contextLength: 2048,
          exporterEndpoint: "https://exporter.aws.example.com/metrics",
          scaleToZero: false,
        },
        {
          name: "aws-llm-prod-gpu",
          endpoint: "https://gpu.aws.example.com",
          region: "us-east-1",
          provider: "aws",
          pool: "gpu",
          costPerHour: 0.2,
          authType: "hmac",
          sharedSecret: SECRET,
          capabilities: ["chat", "completions", "embeddings", "streaming", "json_schema", "tools"],
          models: ["tinyllama", "mistral-7b"],
          contextLength: 4096,
          exporterEndpoint: "https://exporter.aws.example.com/metrics",
          scaleToZero: true,
        },
      ],
      externalProviders: [],
    });
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    // What it writes is what the router accepts.
    expect(parseConfig(written, {}).clusters).toHaveLength(2);
  });

  it("merges several stacks, external providers and env secret references", async () => {
    const local = join(dir, "local.json");
    await writeFile(
      local,
      JSON.stringify({
        cloud: "local",
        region: "local",
        clusterName: "dev",
        authMode: "none",
        pools: {
          cpu: {
            endpoint: "http://127.0.0.1:8001",
            instanceType: "laptop",
            pricePerHour: { onDemand: 0, spot: 0 },
            capacityType: "on-demand",
            minNodes: 1,
            maxNodes: 1,
            capabilities: { models: ["tiny"], contextLength: 512, features: [], accelerator: "cpu" },
          },
        },
      }),
    );
    const ext = join(dir, "ext.yaml");
    await writeFile(ext, "- type: openai\n  apiKey: ${OPENAI_API_KEY}\n  defaultModel: gpt-4o-mini\n");
    const out = join(dir, "merged.yaml");
    const r = await runRouterConfig([
      "--outputs",
      AWS,
      "--outputs",
      local,
      "--out",
      out,
      "--secrets",
      "env",
      "--external",
      ext,
    ]);
    expect(r.targets).toEqual(["aws-llm-prod-cpu", "aws-llm-prod-gpu", "local-dev-cpu"]);
    const text = await readFile(out, "utf8");
    expect(text).not.toContain(SECRET);
    expect(text).toContain("${LLM_HMAC_AWS_LLM_PROD_CPU}");
    const cfg = parseConfig(parseYaml(text), {
      LLM_HMAC_AWS_LLM_PROD_CPU: SECRET,
      LLM_HMAC_AWS_LLM_PROD_GPU: SECRET,
      OPENAI_API_KEY: "sk-x",
    });
    expect(cfg.externalProviders[0]?.name).toBe("openai");
  });

  it("names the bad field of redacted outputs without printing any value", async () => {
    const redacted = join(dir, "redacted.json");
    const aws = JSON.parse(await readFile(AWS, "utf8"));
    await writeFile(redacted, JSON.stringify({ ...aws, hmacSecret: "[secret]" }));
    const err = await runRouterConfig(["--outputs", redacted, "--out", join(dir, "x.yaml")]).catch(
      (e: Error) => e,
    );
    expect((err as Error).message).toContain("hmacSecret");
    expect((err as Error).message).not.toContain("[secret]");
  });

  it("runs as a CLI that prints targets but never secrets", async () => {
    const out = join(dir, "cli.yaml");
    const { stdout } = await promisify(execFile)(
      "node_modules/.bin/tsx",
      ["scripts/src/router-config/main.ts", "--outputs", AWS, "--out", out],
      { cwd: process.cwd() },
    );
    expect(stdout).toContain("aws-llm-prod-gpu");
    expect(stdout).not.toContain(SECRET);
  });
});
