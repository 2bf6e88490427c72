import { createHash } from "node:crypto";
import type { Arm } from "./compile.js";

/**
 * The sticky key of a request: the configured header when it carries one, else the body's
 * `user` (OpenAI's end-user id), else `metadata.user_id` (Anthropic's). Undefined: assigned per request.
 */
export function stickyKeyOf(
  body: unknown,
  headers: Record<string, string | string[] | undefined>,
  header?: string,
): string | undefined {
  if (header) {
    const v = headers[header];
    const h = Array.isArray(v) ? v[0] : v;
    if (h) return `h:${h}`;
  }
  const b = body as { user?: unknown; metadata?: { user_id?: unknown } | null } | undefined;
  if (typeof b?.user === "string" && b.user !== "") return `u:${b.user}`;
  const id = b?.metadata?.user_id;
  if (typeof id === "string" && id !== "") return `u:${id}`;
  return undefined;
}

/**
 * A point in [0, 1) fixed by (salt, key): SHA-256, first 48 bits. Every replica computes the same
 * point for the same user, so assignment needs no shared state; salting by experiment name keeps
 * one experiment's split independent of another's.
 */
export function unitPoint(salt: string, key: string): number {
  const d = createHash("sha256").update(salt).update("\u0000").update(key).digest();
  return d.readUIntBE(0, 6) / 2 ** 48;
}

/** The arm whose cumulative-weight interval holds `u` (u in [0, 1)). */
export function pickArm<T extends Pick<Arm, "weight">>(arms: readonly T[], u: number): T | undefined {
  const total = arms.reduce((s, a) => s + a.weight, 0);
  if (!(total > 0)) return undefined;
  let x = u * total;
  for (const a of arms) {
    if (x < a.weight) return a;
    x -= a.weight;
  }
  return arms[arms.length - 1];
}
