import { readFile } from "node:fs/promises";
import { buildRouterConfig, stackOutputs } from "@llm/contracts";
import { localStackOutputs } from "../../src/local-stack/stack.js";

describe("local stack outputs", () => {
  it("are valid stack outputs that become one router target per runtime", () => {
    const outputs = localStackOutputs(
      ["http://127.0.0.1:8001", "http://127.0.0.1:8002"],
      "s".repeat(32),
      2048,
    );
    for (const o of outputs) expect(stackOutputs.safeParse(o).success).toBe(true);
    const cfg = buildRouterConfig(outputs);
    expect(cfg.clusters.map((c) => [c.name, c.endpoint, c.costPerHour])).toEqual([
      ["local-dev-cpu", "http://127.0.0.1:8001", 0.02],
      ["local-dev2-cpu", "http://127.0.0.1:8002", 0.04],
    ]);
  });

  it("match the checked-in example file's shape", async () => {
    const example = JSON.parse(await readFile("examples/local-stack-outputs.json", "utf8")) as unknown[];
    for (const o of example) expect(stackOutputs.safeParse(o).success).toBe(true);
  });
});
