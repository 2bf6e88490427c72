import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { ConfigError } from "./errors.js";
import { interpolateEnv } from "./interpolate.js";
import { type RouterConfig, routerConfigSchema } from "./schema.js";

/** Validates an already-parsed config object (env references are resolved first). */
export function parseConfig(
  raw: unknown,
  env: NodeJS.ProcessEnv = process.env,
  source?: string,
): RouterConfig {
  let resolved: unknown;
  try {
    resolved = interpolateEnv(raw ?? {}, env);
  } catch (err) {
    throw new ConfigError(`invalid router config${source ? ` ${source}` : ""}: ${(err as Error).message}`);
  }
  const result = routerConfigSchema.safeParse(resolved);
  if (!result.success) throw ConfigError.fromZod(result.error, source);
  return result.data;
}

/** Parses YAML text (JSON is YAML too) into a validated config. */
export function parseConfigText(
  text: string,
  env: NodeJS.ProcessEnv = process.env,
  source?: string,
): RouterConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ConfigError(
      `invalid router config${source ? ` ${source}` : ""}: YAML: ${(err as Error).message}`,
    );
  }
  return parseConfig(raw, env, source);
}

export async function loadConfigFile(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RouterConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new ConfigError(`cannot read router config ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  return parseConfigText(text, env, path);
}
