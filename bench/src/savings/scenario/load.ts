import { readFile } from "node:fs/promises";
import { describeIssues } from "@llm/contracts";
import { parse as parseYaml } from "yaml";
import { DEFAULT_SCENARIO_INPUT } from "./default.js";
import { type SavingsScenario, savingsScenario } from "./schema.js";

/** Validates a scenario document (missing keys fall back to the built-in scenario's). */
export function parseScenario(doc: unknown, source = "scenario"): SavingsScenario {
  const merged = { ...DEFAULT_SCENARIO_INPUT, ...(doc as object) };
  const result = savingsScenario.safeParse(merged);
  if (!result.success) throw new Error(`${source}: ${describeIssues(result.error)}`);
  return result.data;
}

/** Reads a scenario file (.yaml, .yml or .json). */
export async function loadScenario(path: string): Promise<SavingsScenario> {
  const text = await readFile(path, "utf8");
  return parseScenario(path.endsWith(".json") ? JSON.parse(text) : parseYaml(text), path);
}
