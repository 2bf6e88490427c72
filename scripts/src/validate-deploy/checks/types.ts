import type { Catalog } from "@llm/models";
import type { DeploymentModel } from "../model/types.js";
import type { PinsFile } from "./pins-file.js";

export type Status = "PASS" | "FAIL" | "SKIP";

export interface CheckResult {
  status: Status;
  /** One line: what was verified (PASS), why not (SKIP), or every problem (FAIL). */
  detail: string;
  /** Every problem, for --json. */
  problems?: string[];
}

/** What checks may read beyond the model itself. */
export interface CheckContext {
  /** Root of the tree under test. */
  root: string;
  /** models/catalog.yaml of that tree. */
  catalog: Catalog;
  /** infra/pins.yaml of that tree (undefined when missing, with the reason). */
  pins: PinsFile | { missing: string };
  /** Every model built in this run (the global stack's, and the cloud stacks'), for cross-stack lookups. */
  world: DeploymentModel[];
}

export interface DeployCheck {
  name: string;
  /** One sentence: what the check asserts. */
  description: string;
  run(model: DeploymentModel, ctx: CheckContext): CheckResult;
}

export const skip = (detail: string): CheckResult => ({ status: "SKIP", detail });

/** PASS with `passDetail` when there are no problems, else FAIL listing them. */
export function verdict(problems: string[], passDetail: string): CheckResult {
  if (problems.length === 0) return { status: "PASS", detail: passDetail };
  return { status: "FAIL", detail: problems.join("; "), problems };
}
