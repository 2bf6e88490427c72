import { readConfig } from "@llm/infra-common";
import { z } from "zod";

/** Stack config the entry point reads; everything else belongs to the selected program's config.ts. */
export const programConfig = z.object({
  /** Which program this stack runs: `aws`, `gcp`, `azure` (a cluster) or `global` (router + DNS). Required. */
  cloud: z.enum(["aws", "gcp", "azure", "global"]),
});
export type ProgramCloud = z.infer<typeof programConfig>["cloud"];

/** Reads `llm-platform:cloud`; an unknown or missing value fails naming the key. */
export function selectedCloud(): ProgramCloud {
  return readConfig(programConfig).cloud;
}
