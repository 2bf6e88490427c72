import type * as pulumi from "@pulumi/pulumi";
import { selectedCloud } from "./config.js";

/** Stack outputs as Pulumi takes them from a program's default export. */
export type ProgramOutputs = Record<string, pulumi.Input<unknown>>;

/**
 * The one program of the `llm-platform` project (root Pulumi.yaml). The stack's
 * `llm-platform:cloud` picks the program; only that program's provider SDK is loaded.
 * Cloud stacks export the shared output shape (plus a few extras); `global` exports the
 * router URL, targets and config.
 */
export default async function main(): Promise<ProgramOutputs> {
  const cloud = selectedCloud();
  switch (cloud) {
    case "aws": {
      const { deployAws } = await import("@llm/infra-aws");
      const s = deployAws();
      return { ...s.extraOutputs, ...s.outputs };
    }
    case "gcp": {
      const { deployGcp } = await import("@llm/infra-gcp");
      const s = deployGcp();
      return { ...s.extraOutputs, ...s.outputs };
    }
    case "azure": {
      const { deployAzure } = await import("@llm/infra-azure");
      const s = deployAzure();
      return { ...s.extraOutputs, ...s.outputs };
    }
    case "global": {
      const { deployGlobal } = await import("@llm/infra-global");
      return { ...deployGlobal().outputs };
    }
  }
}
