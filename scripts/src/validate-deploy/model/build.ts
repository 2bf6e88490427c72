/**
 * Builds the deployment model of each (stack, mode): runs the program under mocks (one child
 * process each, two at a time), then renders what that mode puts into the cluster.
 */
import { buildRouterConfig, type RouterConfigData, stackOutputs } from "@llm/contracts";
import { parse } from "yaml";
import { mapLimit } from "../../validate-manifests/exec.js";
import { runProgram } from "../program/run-program.js";
import { renderAppTree } from "../render/argocd/app-tree.js";
import { fromPulumi, renderLocalRelease } from "../render/from-pulumi.js";
import { isRecord } from "./kube.js";
import { configFor, configuredMode, loadStackConfig, type StackConfig } from "./stacks.js";
import type { DeployMode, DeploymentModel, ProgramRun } from "./types.js";

export interface BuildOptions {
  /** Tree whose program, charts and clusters/ are validated. */
  root: string;
  /** (stack, mode) pairs to build; `global` only in helm mode. */
  targets: { stack: string; mode: DeployMode }[];
  /** Also build each cloud stack with authMode flipped (for runtime-auth, pod-references). Defaults to true. */
  variants?: boolean;
}

const shortName = (ref: string) => ref.split("/").pop()!;

/** Router config from one cloud stack's exports (the shared keys only, as `pnpm router-config` reads them). */
function cloudRouterConfig(outputs: Record<string, unknown>): RouterConfigData | string {
  const shared = Object.fromEntries(Object.entries(outputs).filter(([k]) => k in stackOutputs.def.shape));
  const parsed = stackOutputs.safeParse(shared);
  if (!parsed.success)
    return `stack outputs do not match the shared shape: ${parsed.error.issues
      .map((i) => `${i.path.join(".")}: ${i.message}`)
      .join("; ")}`;
  return buildRouterConfig([parsed.data]);
}

async function assemble(
  root: string,
  sc: StackConfig,
  mode: DeployMode,
  config: Record<string, unknown>,
  run: ProgramRun,
): Promise<DeploymentModel> {
  const problems: string[] = run.error ? [`program failed: ${run.error.split("\n")[0]}`] : [];
  let routerConfig: RouterConfigData | undefined;
  if (!run.error) {
    if (sc.program === "global") {
      const yaml = run.outputs.routerConfig;
      if (typeof yaml === "string") routerConfig = parse(yaml) as RouterConfigData;
      else problems.push("global stack exports no routerConfig");
    } else {
      const rc = cloudRouterConfig(run.outputs);
      if (typeof rc === "string") problems.push(rc);
      else routerConfig = rc;
    }
  }
  const fp = fromPulumi(run.resources, root);
  problems.push(...fp.problems);
  const rendered = await Promise.all(fp.localReleases.map(renderLocalRelease));
  const objects = [...fp.objects, ...rendered.flatMap((r) => r.objects)];
  problems.push(...rendered.flatMap((r) => (r.error ? [r.error] : [])));
  const roots = objects.filter(
    (o) =>
      o.obj.apiVersion.startsWith("argoproj.io/") && ["Application", "ApplicationSet"].includes(o.obj.kind),
  );
  const tree = await renderAppTree(roots, root);
  problems.push(...tree.problems);
  return {
    stack: sc.stack,
    mode,
    program: sc.program,
    config,
    configSource: sc.source,
    outputs: run.outputs,
    routerConfig,
    resources: run.resources,
    objects: [...objects, ...tree.objects],
    charts: [...fp.charts, ...tree.charts],
    apps: tree.apps,
    problems,
    variants: [],
    peers: [],
  };
}

/** Builds the models of the requested targets (global's peers are built too, as its inputs). */
export async function buildModels(opts: BuildOptions): Promise<DeploymentModel[]> {
  const { root } = opts;
  const configs = new Map<string, StackConfig>();
  const configOf = (stack: string) => {
    if (!configs.has(stack)) configs.set(stack, loadStackConfig(root, stack));
    return configs.get(stack)!;
  };
  type Job = { stack: string; mode: DeployMode; flip: boolean };
  const key = (j: Job) => `${j.stack}|${j.mode}|${j.flip}`;
  const jobs = new Map<string, Job>();
  const want = (j: Job) => jobs.set(key(j), j);
  const globals = opts.targets.filter((t) => configOf(t.stack).program === "global");
  for (const t of opts.targets) {
    if (configOf(t.stack).program === "global") continue;
    want({ ...t, flip: false });
    if (opts.variants !== false) want({ ...t, flip: true });
  }
  const peerNames = new Set<string>();
  for (const g of globals) {
    const c = configOf(g.stack).config;
    for (const ref of [...asStrings(c["llm-platform:stacks"]), ...asStrings(c["llm-platform:routerStacks"])])
      peerNames.add(ref);
  }
  for (const ref of peerNames)
    want({ stack: shortName(ref), mode: configuredMode(configOf(shortName(ref))), flip: false });

  const built = new Map<string, DeploymentModel>();
  await mapLimit([...jobs.values()], 2, async (j) => {
    const sc = configOf(j.stack);
    const config = configFor(sc, j.mode, j.flip);
    const run = await runProgram({ root, stack: j.stack, config, stackOutputs: {} });
    built.set(key(j), await assemble(root, sc, j.mode, config, run));
  });
  const models: DeploymentModel[] = [];
  for (const t of opts.targets) {
    const sc = configOf(t.stack);
    if (sc.program === "global") {
      const peerRefs = [...peerNames];
      const peers = peerRefs.map((ref) => {
        const s = shortName(ref);
        return built.get(key({ stack: s, mode: configuredMode(configOf(s)), flip: false }))!;
      });
      const stackOutputs = Object.fromEntries(peerRefs.map((ref, i) => [ref, peers[i]!.outputs]));
      const config = configFor(sc, t.mode);
      const run = await runProgram({ root, stack: t.stack, config, stackOutputs });
      const model = await assemble(root, sc, t.mode, config, run);
      model.peers = [...new Map(peers.map((p) => [p.stack, p])).values()];
      models.push(model);
      continue;
    }
    const model = built.get(key({ ...t, flip: false }))!;
    const variant = built.get(key({ ...t, flip: true }));
    if (variant) {
      model.variants = [variant];
      const auth = String(variant.config["llm-platform:authMode"]);
      model.problems.push(...variant.problems.map((p) => `with authMode=${auth}: ${p}`));
    }
    models.push(model);
  }
  return models;
}

function asStrings(v: unknown): string[] {
  if (typeof v === "string") {
    try {
      return asStrings(JSON.parse(v));
    } catch {
      return [v];
    }
  }
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : isRecord(v) ? [] : [];
}
