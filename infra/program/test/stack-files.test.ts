import { readFileSync } from "node:fs";
import path from "node:path";
import { awsConfig } from "@llm/infra-aws";
import { azureConfig } from "@llm/infra-azure";
import { isPlaceholder, REPO_ROOT, readConfig } from "@llm/infra-common";
import { fixtureConfig } from "@llm/infra-common/testing";
import { gcpConfig } from "@llm/infra-gcp";
import { globalConfig } from "@llm/infra-global";
import { parse } from "yaml";
import type { z } from "zod";
import { programConfig } from "../config.js";

const files: [string, string, z.ZodObject][] = [
  ["Pulumi.aws-dev.yaml", "aws-dev", awsConfig],
  ["Pulumi.gcp-dev.yaml", "gcp-dev", gcpConfig],
  ["Pulumi.azure-dev.yaml", "azure-dev", azureConfig],
  ["Pulumi.global.yaml", "global", globalConfig],
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

/** Keys whose shipped value is a documentation placeholder: `pulumi up` must refuse exactly these. */
const placeholderKeys = (config: Record<string, unknown>) =>
  Object.entries(config)
    .filter(([k, v]) => k.startsWith("llm-platform:") && typeof v === "string" && isPlaceholder(v))
    .map(([k]) => k)
    .sort();

describe("example stack files", () => {
  it.each(files)(
    "%s is refused by its program only for its documented placeholders, each named",
    (file, _s, schema) => {
      const { config } = load(file);
      const keys = placeholderKeys(config);
      expect(keys.length).toBeGreaterThan(0);
      let message = "";
      try {
        readConfig(schema, "llm-platform", readerFor(config));
      } catch (e) {
        message = (e as Error).message;
      }
      const named = [...message.matchAll(/(llm-platform:[A-Za-z.]+): is a documentation placeholder/g)].map(
        (m) => m[1],
      );
      expect(named.sort()).toEqual(keys);
      expect(() => readConfig(programConfig, "llm-platform", readerFor(config))).not.toThrow();
    },
  );

  it.each(files)("the fixture of %s passes its program's config schema", (_f, stack, schema) => {
    const config = fixtureConfig(stack);
    expect(() => readConfig(schema, "llm-platform", readerFor(config))).not.toThrow();
    expect(placeholderKeys(config)).toEqual([]);
  });

  it.each(files)(
    "the fixture of %s sets the same keys as the shipped file, differing only in placeholders and secrets",
    (file, stack) => {
      const shipped = load(file).config;
      const fixture = fixtureConfig(stack);
      const placeholders = new Set(placeholderKeys(shipped));
      // Keys a real stack sets by hand (a fork, a secret) that the shipped file leaves commented out.
      const fixtureOnly = new Set([
        "llm-platform:gitRepoUrl",
        "llm-platform:gitRevision",
        "llm-platform:scalingToken",
      ]);
      for (const [k, v] of Object.entries(shipped))
        if (!placeholders.has(k) && k !== "gcp:project" && k !== "llm-platform:routerExtra")
          expect([k, fixture[k]]).toEqual([k, v]);
      expect(Object.keys(fixture).filter((k) => !(k in shipped) && !fixtureOnly.has(k))).toEqual([]);
    },
  );

  it.each(files)("%s documents every config key of its program", (file, _s, schema) => {
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
