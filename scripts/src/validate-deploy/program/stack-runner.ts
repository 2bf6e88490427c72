/**
 * Child-process entry: runs one stack's Pulumi program under mocks and writes what it
 * registered to a JSON file. A program under mocks is module-global state (config, monitor,
 * stack name), so every (stack, mode) gets a process of its own; see run-program.ts.
 *
 * Usage (by run-program.ts only): tsx stack-runner.ts <request.json>
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { ProgramRequest, ProgramRun, PulumiResource } from "../model/types.js";
import { plainValue, unwrapSecrets } from "./plain-value.js";

const request = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as ProgramRequest;

// The mocks and the graph recorder come from this checkout's infra/common (so a --root tree
// older than them is still run the same way); the program and its packages come from the tree
// under test. Both resolve @pulumi/pulumi to the same store path, hence one SDK instance.
const own = createRequire(join(request.checkerRoot, "infra", "program", "package.json"));
const load = async <T>(specifier: string): Promise<T> =>
  (await import(pathToFileURL(own.resolve(specifier)).href)) as T;

/** The parts of @llm/infra-common/testing used here (scripts does not depend on infra-common). */
interface Testing {
  setupPulumiMocks(setup: {
    stack: string;
    config: Record<string, unknown>;
    stackOutputs: Record<string, Record<string, unknown>>;
    computed?: (
      type: string,
      name: string,
      inputs: Record<string, unknown>,
    ) => Record<string, unknown> | undefined;
  }): Promise<{ resources: { type: string; name: string; inputs: Record<string, unknown> }[] }>;
  outputValue<T>(o: unknown): Promise<T>;
  settle(ms?: number): Promise<void>;
}
interface Graph {
  recordResourceGraph(): {
    nodes: {
      urn: string;
      type: string;
      name: string;
      parent: string;
      dependencies: string[];
      state: Record<string, unknown>;
    }[];
  };
}
interface Pulumi {
  output(v: unknown): unknown;
}

// Errors thrown inside apply callbacks surface as unhandled rejections, not from main().
const lateErrors: string[] = [];
process.on("unhandledRejection", (e) => lateErrors.push(e instanceof Error ? e.message : String(e)));

async function runProgram(): Promise<ProgramRun> {
  const testing = await load<Testing>("@llm/infra-common/testing");
  const { recordResourceGraph } = await load<Graph>("@llm/infra-common/testing/resource-graph");
  const pulumi = await load<Pulumi>("@pulumi/pulumi");
  const mocks = await testing.setupPulumiMocks({
    stack: request.stack,
    config: request.config,
    stackOutputs: request.stackOutputs,
    // A Service read back from a cluster (the global stack reads ingress-nginx's) has a load
    // balancer address once the cloud has one; 203.0.113.0/24 is a documentation range.
    computed: (type, _name, inputs) =>
      type === "kubernetes:core/v1:Service" && Object.keys(inputs).length === 0
        ? { status: { loadBalancer: { ingress: [{ ip: "203.0.113.10" }] } } }
        : undefined,
  });
  const graph = recordResourceGraph();
  const programUrl = pathToFileURL(join(request.root, "infra", "program", "index.ts")).href;
  const main = ((await import(programUrl)) as { default: () => Promise<Record<string, unknown>> }).default;
  let outputs: Record<string, unknown> = {};
  let error: string | undefined;
  try {
    const exported = await main();
    outputs = await testing.outputValue<Record<string, unknown>>(pulumi.output(exported));
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  // Registrations started by apply callbacks finish after the outputs resolve.
  await testing.settle(150);
  const nodes = new Map(graph.nodes.map((n) => [`${n.type}::${n.name}`, n]));
  const resources: PulumiResource[] = [];
  for (const r of mocks.resources) {
    const node = nodes.get(`${r.type}::${r.name}`);
    resources.push({
      urn: node?.urn ?? "",
      type: r.type,
      name: r.name,
      parent: node?.parent ?? "",
      dependencies: node?.dependencies ?? [],
      inputs: (await plainValue(r.inputs)) as Record<string, unknown>,
      state: unwrapSecrets(node?.state ?? {}) as Record<string, unknown>,
    });
  }
  if (!error && lateErrors.length > 0) error = lateErrors.join("; ");
  return { outputs: (await plainValue(outputs)) as Record<string, unknown>, resources, error };
}

try {
  writeFileSync(request.out, JSON.stringify(await runProgram()));
  process.exit(0);
} catch (e) {
  const error = e instanceof Error ? (e.stack ?? e.message) : String(e);
  writeFileSync(request.out, JSON.stringify({ outputs: {}, resources: [], error } satisfies ProgramRun));
  process.exit(0);
}
