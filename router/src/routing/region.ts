import { HttpError } from "@llm/contracts";
import { z } from "zod";

/**
 * What a request asks of target regions (`x-router-region`, `x-router-region-policy`):
 * `prefer` ranks targets in one of the regions first and keeps the others as fallback;
 * `require` (data residency) drops every target outside them.
 */
export interface RegionPreference {
  regions: ReadonlySet<string>;
  policy: "prefer" | "require";
}

/** One cloud region name as the clouds spell them (`us-east-1`, `europe-west4`, `westeurope`). */
const regionName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/);
const regionList = z.string().transform((v, ctx) => {
  const names: string[] = [];
  for (const part of v.split(",")) {
    const parsed = regionName.safeParse(part);
    if (!parsed.success) {
      ctx.addIssue({ code: "custom", message: `"${part.trim().slice(0, 64)}" is not a region name` });
      return z.NEVER;
    }
    names.push(parsed.data);
  }
  return names;
});
const regionPolicy = z.enum(["prefer", "require"]);

/**
 * Parses the region headers; undefined when the request names no region. A policy without a
 * region is refused: `require` alone would silently route anywhere.
 */
export function parseRegionPreference(
  region: string | undefined,
  policy: string | undefined,
): RegionPreference | undefined {
  if (policy !== undefined && region === undefined)
    throw new HttpError(400, "x-router-region-policy needs x-router-region", {
      param: "x-router-region",
      code: "invalid_region",
    });
  if (region === undefined) return undefined;
  const regions = regionList.safeParse(region);
  if (!regions.success)
    throw new HttpError(
      400,
      `x-router-region must be a comma-separated list of region names: ${regions.error.issues[0]?.message}`,
      { param: "x-router-region", code: "invalid_region" },
    );
  const p = regionPolicy.safeParse(policy?.trim().toLowerCase() ?? "prefer");
  if (!p.success)
    throw new HttpError(400, `x-router-region-policy must be one of ${regionPolicy.options.join(", ")}`, {
      param: "x-router-region-policy",
      code: "invalid_region",
    });
  return { regions: new Set(regions.data), policy: p.data };
}

/** Whether a target's configured region (empty when unknown) is one the request asked for. */
export function inRegion(pref: RegionPreference, targetRegion: string): boolean {
  return targetRegion !== "" && pref.regions.has(targetRegion.toLowerCase());
}

/** Names the regions for messages: `eu-west-1, eu-central-1`. */
export function regionsText(pref: RegionPreference): string {
  return [...pref.regions].join(", ");
}
