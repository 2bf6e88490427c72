import { readFileSync } from "node:fs";
import path from "node:path";
import { awsConfig } from "@llm/infra-aws";
import { azureConfig } from "@llm/infra-azure";
import { REPO_ROOT, readConfig } from "@llm/infra-common";
import { gcpConfig } from "@llm/infra-gcp";
import { globalConfig } from "@llm/infra-global";
import { parse } from "yaml";
import type { z } from "zod";
import { programConfig } from "../config.js";

const files: [string, z.ZodObject][] = [
  ["Pulumi.aws-dev.yaml", awsConfig],
  ["Pulumi.gcp-dev.yaml", gcpConfig],
  ["Pulumi.azure-dev.yaml", azureConfig],
  ["Pulumi.global.yaml", globalConfig],
];

function load(file: string): { text: string; config: Record<string, unknown> } {
  const text = readFileSync(path.join(REPO_ROOT, file), "utf8");
  return { text, config: (parse(text) as { config: Record<string, unknown> }).config };
}

/** Reads `llm-platform:<key>` the way the Pulumi engine hands structured config to a program (JSON). */
const readerFor = (config: Record<string, unknown>) => (key: string) => {
  const v = config[`llm-platform:${key}`];
  return v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
};

describe("example stack files", () => {
  it.each(files)("%s passes its program's config schema", (file, schema) => {
    const { config } = load(file);
    expect(() => readConfig(schema, "llm-platform", readerFor(config))).not.toThrow();
    expect(() => readConfig(programConfig, "llm-platform", readerFor(config))).not.toThrow();
  });

  it.each(files)("%s documents every config key of its program", (file, schema) => {
    const { text } = load(file);
    const missing = Object.keys(schema.shape).filter((k) => !text.includes(`llm-platform:${k}:`));
    expect(missing).toEqual([]);
  });

  it("the project file names the program directory and the tsx loader", () => {
    const project = parse(readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as {
      name: string;
      main: string;
      runtime: { name: string; options: { nodeargs: string } };
    };
    expect(project).toMatchObject({
      name: "llm-platform",
      main: "infra/program/",
      runtime: { name: "nodejs" },
    });
    expect(project.runtime.options.nodeargs).toContain("tsx");
  });
});
