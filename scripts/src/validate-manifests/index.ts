export {
  durationSeconds,
  MIN_RETRY_BUDGET_SECONDS,
  retryBudgetSeconds,
  syncOptions,
  syncWave,
} from "./argo.js";
export { knownKinds } from "./kinds.js";
export { type Manifest, parseManifests, validateManifests, validateYaml } from "./manifests.js";
export { type Check, chartForValuesFile, expectedError, planChecks, STACK_VALUES_DIR } from "./plan.js";
export { at, helmTemplate, kustomizeBuild, ofKind, type Rendered, type TemplateOptions } from "./render.js";
export { formatReport } from "./table.js";
export { type CheckResult, type Report, type ValidateOptions, validateAll } from "./validate.js";
export { checkValuesDocs } from "./values-docs.js";
