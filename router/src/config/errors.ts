import type { z } from "zod";

/** `clusters[1].endpoint` style path, as config errors name fields. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || "(root)";
}

/** A config file that cannot be used; the message names every bad field. */
export class ConfigError extends Error {
  constructor(
    message: string,
    /** One line per problem, `path: message`. */
    readonly issues: string[] = [message],
  ) {
    super(message);
    this.name = "ConfigError";
  }

  static fromZod(error: z.ZodError, source?: string): ConfigError {
    const issues = error.issues.map((i) => {
      if (i.code === "unrecognized_keys")
        return `${formatPath(i.path)}: unknown key(s) ${i.keys.map((k) => `"${k}"`).join(", ")}`;
      return `${formatPath(i.path)}: ${i.message}`;
    });
    const where = source ? `invalid router config ${source}: ` : "invalid router config: ";
    return new ConfigError(where + issues.join("; "), issues);
  }
}
