import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";

/** The parts of a kubeconfig file this check reads (kubectl's own format, everything else ignored). */
const kubeconfigFile = z
  .object({
    "current-context": z.string().nullish(),
    contexts: z
      .array(z.object({ name: z.string() }).passthrough())
      .nullish()
      .transform((v) => v ?? []),
  })
  .passthrough();

/** Where kubectl reads its config: `$KUBECONFIG` (a path list, merged in order), else `~/.kube/config`. */
export function kubeconfigPaths(env: NodeJS.ProcessEnv, home = env.HOME ?? homedir()): string[] {
  const list = (env.KUBECONFIG ?? "").split(delimiter).filter(Boolean);
  return list.length > 0 ? list : [join(home, ".kube", "config")];
}

/**
 * Why kubectl has no cluster to talk to, or undefined when it has one. Without a kubeconfig (or
 * with one that sets no current context and no `--context` is given) kubectl silently falls back
 * to `http://localhost:8080`, and whatever listens there (often a local router) answers with
 * "the server could not find the requested resource" — so this is checked before any kubectl
 * call. Merge rules as kubectl's (https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/#merging-kubeconfig-files):
 * files of `$KUBECONFIG` that do not exist are skipped, the first `current-context` set wins,
 * contexts are the union. Inside a pod (KUBERNETES_SERVICE_HOST set) kubectl uses the service
 * account instead, so nothing is required there.
 */
export function kubeconfigProblem(
  env: NodeJS.ProcessEnv,
  context: string | undefined,
  home?: string,
): string | undefined {
  const paths = kubeconfigPaths(env, home);
  const present = paths.filter((p) => existsSync(p));
  if (present.length === 0) {
    if (env.KUBERNETES_SERVICE_HOST) return undefined;
    const where = env.KUBECONFIG
      ? `KUBECONFIG=${env.KUBECONFIG} names no existing file`
      : `KUBECONFIG is unset and ${paths[0]} does not exist`;
    return (
      `no kubeconfig: ${where}, so kubectl would fall back to localhost:8080. ` +
      "Point KUBECONFIG at the cluster's kubeconfig (e.g. `aws eks update-kubeconfig`, " +
      "`gcloud container clusters get-credentials`, `az aks get-credentials`) and pass --context <name> if it is not the current one"
    );
  }
  let current: string | undefined;
  const contexts = new Set<string>();
  for (const p of present) {
    let cfg: z.output<typeof kubeconfigFile>;
    try {
      cfg = kubeconfigFile.parse(parse(readFileSync(p, "utf8")) ?? {});
    } catch (err) {
      return `kubeconfig ${p} cannot be read: ${(err as Error).message.split("\n")[0]}`;
    }
    current ||= cfg["current-context"] ?? undefined;
    for (const c of cfg.contexts) contexts.add(c.name);
  }
  const files = present.join(delimiter);
  const known = contexts.size > 0 ? ` (contexts: ${[...contexts].join(", ")})` : " (it defines no contexts)";
  if (context) {
    return contexts.has(context)
      ? undefined
      : `context "${context}" is not in kubeconfig ${files}${known}: pass --context <name> or set KUBECONFIG`;
  }
  if (!current)
    return `kubeconfig ${files} sets no current context${known}: pass --context <name> or run \`kubectl config use-context <name>\``;
  if (!contexts.has(current))
    return `the current context "${current}" is not defined in kubeconfig ${files}${known}: pass --context <name> or set KUBECONFIG`;
  return undefined;
}
