import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import {
  commonConfig,
  defaultModels,
  loadModelCatalog,
  REPO_ROOT,
  resolveClusterPools,
} from "../../src/index.js";

const required = { domain: "llm.acme.test", acmeEmail: "ops@acme.test" };
const resolve = (capabilities: unknown) =>
  resolveClusterPools("aws", commonConfig.parse({ ...required, capabilities }));

describe("pool models come from models/catalog.yaml", () => {
  const catalog = loadModelCatalog();

  it("defaults every pool to a downloadable catalog entry", () => {
    for (const name of Object.values(defaultModels)) {
      const entry = catalog.find((m) => m.name === name);
      expect([name, entry?.uri.startsWith("https://"), entry?.sha256]).toEqual([
        name,
        true,
        expect.any(String),
      ]);
    }
  });

  it("advertises to the router exactly the model and context the runtime serves", () => {
    const pools = resolve({});
    for (const role of ["cpu", "gpu"] as const) {
      const model = pools.models[role]!;
      const entry = catalog.find((m) => m.name === model.name)!;
      expect(pools.outputs[role]!.capabilities).toMatchObject({
        models: [model.name],
        contextLength: model.contextLength,
      });
      expect(model).toMatchObject({
        uri: entry.uri,
        sha256: entry.sha256,
        contextLength: entry.contextLength,
      });
      expect(entry.uri.endsWith(`/${model.file}`)).toBe(true);
    }
  });

  it.each([
    [
      { gpu: { models: ["mistral-7b-instruct"] } },
      /llm-platform:capabilities\.gpu\.models: unknown model mistral-7b-instruct; known: /,
    ],
    [
      { cpu: { models: ["tinyllama-1.1b-chat"] } },
      /llm-platform:capabilities\.cpu\.models: unknown model tinyllama-1\.1b-chat/,
    ],
    [
      { cpu: { models: ["gen-tiny"] } },
      /llm-platform:capabilities\.cpu\.models: model gen-tiny is not downloadable/,
    ],
    [
      { gpu: { contextLength: 8192 } },
      /llm-platform:capabilities\.gpu\.contextLength: 8192 exceeds llama-2-7b-chat-q4_k_m/,
    ],
    [
      { cpu: { models: ["tinyllama-1.1b-chat-q4_k_m", "tinyllama-1.1b-chat-q8_0"] } },
      /llm-platform:capabilities\.cpu\.models: a pool's runtime serves exactly one model/,
    ],
  ])("refuses capabilities %j naming the key", (capabilities, error) => {
    expect(() => resolve(capabilities)).toThrow(error);
  });

  it.each(["Pulumi.aws-dev.yaml", "Pulumi.gcp-dev.yaml", "Pulumi.azure-dev.yaml"])(
    "%s overrides capabilities only with catalog names the catalog's context allows",
    (file) => {
      const { config } = parse(readFileSync(path.join(REPO_ROOT, file), "utf8")) as {
        config: Record<string, unknown>;
      };
      expect(() => resolve(config["llm-platform:capabilities"])).not.toThrow();
    },
  );
});
