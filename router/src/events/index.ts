/**
 * The router's event bus and schema (see bus.ts and schema.ts). Subscribe through the router:
 * `createRouter(config).events.subscribe({ types: ["decision"] }, (event, { seq }) => ...)`.
 */
export {
  EventBus,
  type EventBusOptions,
  type EventFilter,
  type EventHandler,
  type EventMeta,
  matches,
} from "./bus.js";
export { type DecisionFacts, decisionEvent } from "./decision.js";
export * from "./schema.js";
export { TargetWatcher } from "./target-watch.js";
