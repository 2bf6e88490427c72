import { argocdSources } from "./argocd-sources.js";
import { autoscaler } from "./autoscaler.js";
import { crdOrder } from "./crd-order.js";
import { dns } from "./dns.js";
import { images } from "./images.js";
import { kedaRouterTarget } from "./keda-router-target.js";
import { modelAgreement } from "./model-agreement.js";
import { pins } from "./pins.js";
import { podReferences } from "./pod-references.js";
import { privateWebhooks } from "./private-webhooks.js";
import { runtimeAuth } from "./runtime-auth.js";
import { stateStore } from "./state-store.js";
import type { DeployCheck } from "./types.js";

/** Every check, in the order lines are printed. */
export const CHECKS: DeployCheck[] = [
  kedaRouterTarget,
  modelAgreement,
  podReferences,
  images,
  dns,
  crdOrder,
  privateWebhooks,
  autoscaler,
  pins,
  runtimeAuth,
  stateStore,
  argocdSources,
];

export type { CheckContext, CheckResult, DeployCheck, Status } from "./types.js";
