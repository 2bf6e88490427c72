import { type PrometheusSample, sumSamples } from "@llm/contracts";

/**
 * The exporter's names for the one Prometheus text parser, which lives in @llm/contracts (shared
 * with the router's health poller): kept because the package exports them.
 */
export { type PrometheusSample as Sample, parsePrometheusText as parsePromText } from "@llm/contracts";

/**
 * Sum of every series of `name` (a runtime may label by model); undefined when the metric is
 * absent. A NaN sample counts as absent, as it always did here.
 */
export function sumOf(samples: readonly PrometheusSample[], name: string): number | undefined {
  return sumSamples(samples, name);
}
