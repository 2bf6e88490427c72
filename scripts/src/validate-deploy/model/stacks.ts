/**
 * The stacks validate-deploy runs and the config each runs with. The shipped Pulumi.<stack>.yaml
 * files keep documented `example.*` placeholders that the programs refuse, so each stack runs
 * with a fixture config (a `.test` domain) when the tree has one, else with the shipped file's
 * config where every example.* name is rewritten to a .test name.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { isRecord } from "./kube.js";
import type { DeployMode } from "./types.js";

export const SHIPPED_STACKS = ["aws-dev", "gcp-dev", "azure-dev", "global"] as const;

/** Where fixture stack configs may live, relative to the tree root (first match wins). */
export const FIXTURE_PATHS = (stack: string): string[] => [
  `infra/program/test/fixtures/Pulumi.${stack}.yaml`,
  `infra/program/test/fixtures/${stack}.yaml`,
  `infra/program/test/fixtures/stacks/Pulumi.${stack}.yaml`,
  `infra/program/test/fixtures/stacks/${stack}.yaml`,
];

export interface StackConfig {
  stack: string;
  program: "aws" | "gcp" | "azure" | "global";
  /** Fully qualified keys, values as in the YAML (objects stay objects). */
  config: Record<string, unknown>;
  /** `infra/program/test/fixtures/...` or `derived from Pulumi.<stack>.yaml`. */
  source: string;
}

function readConfigFile(file: string): Record<string, unknown> {
  const doc = parse(readFileSync(file, "utf8")) as { config?: unknown } | null;
  return isRecord(doc?.config) ? doc.config : {};
}

/** `platform@example.com` -> `platform@llm.test`, `aws.llm.example.com` -> `aws.llm.test`. */
export function testNames(v: unknown): unknown {
  if (typeof v === "string")
    return v
      .replace(/@example\.(com|org|net)\b/g, "@llm.test")
      .replace(/\.example\.(com|org|net)\b/g, ".test")
      .replace(/\bexample\.(com|org|net)\b/g, "llm.test");
  if (Array.isArray(v)) return v.map(testNames);
  if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, testNames(x)]));
  return v;
}

export function loadStackConfig(root: string, stack: string): StackConfig {
  const shippedFile = join(root, `Pulumi.${stack}.yaml`);
  const shipped = existsSync(shippedFile) ? readConfigFile(shippedFile) : {};
  const fixture = FIXTURE_PATHS(stack).find((p) => existsSync(join(root, p)));
  let config: Record<string, unknown>;
  let source: string;
  if (fixture) {
    const own = readConfigFile(join(root, fixture));
    // A fixture naming its program is complete; otherwise it overrides the shipped file.
    config = "llm-platform:cloud" in own ? own : { ...shipped, ...own };
    source = fixture;
  } else {
    if (!existsSync(shippedFile))
      throw new Error(`no Pulumi.${stack}.yaml and no fixture config for ${stack}`);
    config = testNames(shipped) as Record<string, unknown>;
    source = `derived from Pulumi.${stack}.yaml (example.* -> *.test)`;
  }
  const program = String(config["llm-platform:cloud"] ?? "");
  if (!["aws", "gcp", "azure", "global"].includes(program))
    throw new Error(`${source}: llm-platform:cloud is ${JSON.stringify(program)}`);
  return { stack, program: program as StackConfig["program"], config, source };
}

/** The config of a cloud stack in one deploy mode, optionally with the auth mode flipped. */
export function configFor(c: StackConfig, mode: DeployMode, flipAuth = false): Record<string, unknown> {
  const config: Record<string, unknown> = { ...c.config };
  if (c.program !== "global") config["llm-platform:deployMode"] = mode;
  if (flipAuth) config["llm-platform:authMode"] = flippedAuth(c);
  return config;
}

/** hmac <-> none: the two values the runtime chart and the router must agree on. */
export function flippedAuth(c: StackConfig): "hmac" | "none" {
  return (c.config["llm-platform:authMode"] ?? "hmac") === "hmac" ? "none" : "hmac";
}

/** The deploy mode a stack's config selects (helm unless it says argocd). */
export const configuredMode = (c: StackConfig): DeployMode =>
  c.config["llm-platform:deployMode"] === "argocd" ? "argocd" : "helm";
