import type { z } from "zod";
import { HttpError } from "./errors.js";

/** Dotted path of a zod issue, as OpenAI names params (`messages.0.content`). */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join(".");
}

/** Formats zod issues as one message naming each field. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const path = issuePath(i.path);
      if (i.code === "unrecognized_keys") {
        const keys = i.keys.map((k) => (path ? `${path}.${k}` : k)).join(", ");
        return `Unrecognized field(s): ${keys}`;
      }
      return path ? `${path}: ${i.message}` : i.message;
    })
    .join("; ");
}

/** Parses `body` with `schema` or throws a 400 HttpError naming the first bad field in `param`. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const first = result.error.issues[0];
  let param = first ? issuePath(first.path) : null;
  if (first?.code === "unrecognized_keys") param = [param, first.keys[0]].filter(Boolean).join(".");
  throw new HttpError(400, describeIssues(result.error), { param: param || null, code: "invalid_request" });
}
