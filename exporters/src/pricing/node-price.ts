import type { PriceOverride } from "../config/schema.js";
import type { NodeInfo } from "../kubernetes/node-info.js";
import { acceleratorPrices, instancePrices } from "./price-table.js";

/** USD/hour of one node, or undefined when neither config nor the built-in table knows its type. */
export function nodePricePerHour(node: NodeInfo, override?: PriceOverride): number | undefined {
  const pick = (p: { onDemand: number; spot: number }) =>
    node.capacityType === "spot" ? p.spot : p.onDemand;
  // An override is the whole node's price (GPU included): it is what the operator actually pays.
  if (override) return pick(override);
  const machine = instancePrices[node.instanceType];
  if (!machine) return undefined;
  let price = pick(machine);
  if (node.accelerator) {
    const gpu = acceleratorPrices[node.accelerator];
    if (!gpu) return undefined;
    // Before the device plugin advertises the GPU, allocatable is 0 but the GPU is already billed.
    price += pick(gpu) * Math.max(node.gpus, 1);
  }
  return price;
}
