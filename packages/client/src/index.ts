export { type BatchItem, RouterClient, type RouterClientOptions } from "./client.js";
export { type CostReport, toCostReport, type UsageTotals } from "./costs/usage.js";
export { RouterError } from "./http/errors.js";
export type { ChatCompletion, ChatRequest, Job, JobStatus, RouterClientEvents } from "./jobs/types.js";
export {
  type Requirements,
  ROUTER_STRATEGIES,
  type RouterStrategy,
  requirementsSchema,
  requirementsToHeaders,
  strategyFor,
} from "./requirements/requirements.js";
