import { readFileSync } from "node:fs";
import { describeIssues } from "@llm/contracts";
import { parse as parseYaml } from "yaml";
import { type ExporterConfig, exporterConfig } from "./schema.js";

/** A config file or env value the schema rejected; the message names every bad field. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Env variables that override config keys (container friendliness: no file edit for the common knobs). */
const envOverrides: Array<{ env: string; apply: (raw: Record<string, unknown>, v: string) => void }> = [
  { env: "EXPORTER_HOST", apply: (r, v) => (r.host = v) },
  { env: "EXPORTER_PORT", apply: (r, v) => (r.port = Number(v)) },
  { env: "EXPORTER_CLUSTER", apply: (r, v) => (r.cluster = v) },
  { env: "EXPORTER_REFRESH_INTERVAL_SECONDS", apply: (r, v) => (r.refreshIntervalSeconds = Number(v)) },
  { env: "EXPORTER_LOG_LEVEL", apply: (r, v) => (r.logLevel = v) },
  { env: "EXPORTER_KUBE_API_SERVER", apply: (r, v) => (kube(r).apiServer = v) },
  { env: "EXPORTER_KUBE_TOKEN", apply: (r, v) => (kube(r).token = v) },
  { env: "EXPORTER_KUBE_ENABLED", apply: (r, v) => (kube(r).enabled = v === "true" || v === "1") },
];

function kube(raw: Record<string, unknown>): Record<string, unknown> {
  const k = raw.kubernetes;
  if (typeof k === "object" && k !== null) return k as Record<string, unknown>;
  const fresh: Record<string, unknown> = {};
  raw.kubernetes = fresh;
  return fresh;
}

/** Validates a raw config object (already merged with env overrides). */
export function parseConfig(raw: unknown): ExporterConfig {
  const result = exporterConfig.safeParse(raw);
  if (!result.success) throw new ConfigError(`invalid exporter config: ${describeIssues(result.error)}`);
  return result.data;
}

/** Applies `EXPORTER_*` env overrides to a raw config object (returns a copy). */
export function applyEnv(raw: unknown, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const copy: Record<string, unknown> =
    typeof raw === "object" && raw !== null ? structuredClone(raw as Record<string, unknown>) : {};
  for (const { env: name, apply } of envOverrides) {
    const value = env[name];
    if (value !== undefined && value !== "") apply(copy, value);
  }
  return copy;
}

/** Reads a YAML config file, applies env overrides and validates the result. */
export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): ExporterConfig {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, "utf8"));
  } catch (err) {
    throw new ConfigError(`cannot read ${file}: ${(err as Error).message}`);
  }
  return parseConfig(applyEnv(raw, env));
}
