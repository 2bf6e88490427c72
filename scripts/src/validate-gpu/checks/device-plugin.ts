import { devicePluginNamespace } from "../cloud.js";
import { type CheckContext, type CheckResult, fail, type KList, pass } from "./context.js";

export const PLUGIN_CHECK = "nvidia device plugin";

interface DaemonSet {
  metadata: { name: string };
  status?: { desiredNumberScheduled?: number; numberReady?: number };
}

/**
 * The NVIDIA device plugin DaemonSet is healthy: ready == desired. Zero desired is healthy while the
 * GPU pool is at zero nodes; with GPU nodes present it means the plugin cannot land on them.
 */
export async function checkDevicePlugin(ctx: CheckContext, gpuNodeCount: number): Promise<CheckResult> {
  const ns = devicePluginNamespace(ctx.cloud);
  let list: KList<DaemonSet>;
  try {
    list = await ctx.kubectl.json<KList<DaemonSet>>(["get", "daemonsets", "-n", ns, "-o", "json"]);
  } catch (err) {
    return fail(PLUGIN_CHECK, (err as Error).message);
  }
  const plugins = list.items.filter((d) =>
    /nvidia.*device-plugin|device-plugin.*nvidia/.test(d.metadata.name),
  );
  if (plugins.length === 0) return fail(PLUGIN_CHECK, `no NVIDIA device plugin DaemonSet in namespace ${ns}`);
  const desired = plugins.reduce((n, d) => n + (d.status?.desiredNumberScheduled ?? 0), 0);
  const ready = plugins.reduce((n, d) => n + (d.status?.numberReady ?? 0), 0);
  const names = plugins.map((d) => d.metadata.name).join(", ");
  const detail = `${ns}/${names}: desired ${desired}, ready ${ready}`;
  if (ready !== desired) return fail(PLUGIN_CHECK, detail);
  if (desired === 0 && gpuNodeCount > 0)
    return fail(
      PLUGIN_CHECK,
      `${detail} but ${gpuNodeCount} GPU node(s) exist: check its nodeSelector/tolerations`,
    );
  return pass(PLUGIN_CHECK, desired === 0 ? `${detail} (GPU pool at zero)` : detail);
}
