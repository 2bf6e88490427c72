import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { PROJECT } from "../naming/naming.js";

/** Reads one raw stack-config value (always a string in Pulumi's config map). */
export type RawConfigReader = (key: string) => string | undefined;

const pulumiReader =
  (namespace: string): RawConfigReader =>
  (key) =>
    pulumi.runtime.getConfig(`${namespace}:${key}`);

/**
 * Reads every key of `schema` from stack config `<namespace>:<key>` and validates it with zod.
 * Config values are strings; a value the schema rejects as a string is retried as JSON, so
 * `pulumi config set --path gpuPool.maxNodes 3` and `pulumi config set azCount 3` both work.
 * Errors name the full key, e.g. `llm-platform:gpuPool.maxNodes`.
 */
export function readConfig<S extends z.ZodObject>(
  schema: S,
  namespace: string = PROJECT,
  read: RawConfigReader = pulumiReader(namespace),
): z.infer<S> {
  const raw: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const value = read(key);
    if (value === undefined) continue;
    if (field.safeParse(value).success) raw[key] = value;
    else {
      try {
        raw[key] = JSON.parse(value);
      } catch {
        raw[key] = value;
      }
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const path = i.path.map(String).join(".");
      return `${namespace}:${path}: ${i.message}`;
    });
    throw new pulumi.RunError(`invalid stack config: ${problems.join("; ")}`);
  }
  return parsed.data;
}
