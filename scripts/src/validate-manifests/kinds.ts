/**
 * Which schema validates which apiVersion/kind: kubernetes-models for built-in kinds,
 * @kubernetes-models/argo-cd for Argo CD, and the JSON schemas in ./schemas (trimmed
 * from the upstream CRDs) for KEDA, prometheus-operator and cert-manager. A kind in
 * none of them is an error, never skipped.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as argo from "@kubernetes-models/argo-cd";
import { Ajv, type ValidateFunction } from "ajv";
import * as k8s from "kubernetes-models";

/** A model class of kubernetes-models: constructed from plain data, `validate()` throws on a schema error. */
interface ModelClass {
  apiVersion: string;
  kind: string;
  new (data: unknown): { validate(): void };
}

/**
 * API versions the Kubernetes releases we target (1.27+) no longer serve. kubernetes-models
 * still ships them, so they are filtered out here: a chart that renders them would fail to apply.
 */
const REMOVED_API_VERSIONS = new Set([
  "extensions/v1beta1",
  "apps/v1beta1",
  "apps/v1beta2",
  "policy/v1beta1",
  "autoscaling/v2beta1",
  "autoscaling/v2beta2",
  "networking.k8s.io/v1beta1",
  "batch/v1beta1",
  "rbac.authorization.k8s.io/v1beta1",
  "storage.k8s.io/v1beta1",
  "admissionregistration.k8s.io/v1beta1",
  "apiextensions.k8s.io/v1beta1",
  "apiregistration.k8s.io/v1beta1",
  "scheduling.k8s.io/v1beta1",
  "coordination.k8s.io/v1beta1",
  "discovery.k8s.io/v1beta1",
  "events.k8s.io/v1beta1",
  "node.k8s.io/v1beta1",
  "certificates.k8s.io/v1beta1",
  "flowcontrol.apiserver.k8s.io/v1beta1",
  "flowcontrol.apiserver.k8s.io/v1beta2",
]);

function isModelClass(v: unknown): v is ModelClass {
  return (
    typeof v === "function" &&
    typeof (v as Partial<ModelClass>).apiVersion === "string" &&
    typeof (v as Partial<ModelClass>).kind === "string"
  );
}

/** Collects every model class exported (under nested namespaces) by a kubernetes-models package. */
function collectModels(ns: object, into: Map<string, ModelClass>, depth = 0): void {
  for (const v of Object.values(ns)) {
    if (isModelClass(v)) {
      if (!REMOVED_API_VERSIONS.has(v.apiVersion) && !v.kind.endsWith("List"))
        into.set(`${v.apiVersion}/${v.kind}`, v);
    } else if (v && typeof v === "object" && depth < 4) collectModels(v, into, depth + 1);
  }
}

const schemasDir = join(dirname(fileURLToPath(import.meta.url)), "schemas");

/** Loads ./schemas/*.json, keyed by `group/version/kind` from each file's x-kubernetes-group-version-kind. */
function loadCrdSchemas(): Map<string, ValidateFunction> {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const out = new Map<string, ValidateFunction>();
  for (const file of readdirSync(schemasDir).filter((f) => f.endsWith(".json"))) {
    const schema = JSON.parse(readFileSync(join(schemasDir, file), "utf8")) as {
      "x-kubernetes-group-version-kind": { group: string; version: string; kind: string };
    };
    const gvk = schema["x-kubernetes-group-version-kind"];
    out.set(`${gvk.group}/${gvk.version}/${gvk.kind}`, ajv.compile(schema));
  }
  return out;
}

/** Validates one object of a known kind; returns error messages (empty when valid), or null for an unknown kind. */
export type KindValidator = (doc: Record<string, unknown>) => string[] | null;

let cached: KindValidator | undefined;

/** Builds (once) the validator over every known kind. */
export function kindValidator(): KindValidator {
  if (cached) return cached;
  const models = new Map<string, ModelClass>();
  collectModels(k8s, models);
  collectModels(argo, models);
  const crds = loadCrdSchemas();
  cached = (doc) => {
    const key = `${String(doc.apiVersion)}/${String(doc.kind)}`;
    const Model = models.get(key);
    if (Model) {
      try {
        new Model(doc).validate();
        return [];
      } catch (e) {
        return [e instanceof Error ? e.message : String(e)];
      }
    }
    const validate = crds.get(key);
    if (!validate) return null;
    if (validate(doc)) return [];
    return (validate.errors ?? []).map((e) => {
      const extra = (e.params as { additionalProperty?: string }).additionalProperty;
      return `${e.instancePath || "(root)"} ${e.message ?? "is invalid"}${extra ? `: ${extra}` : ""}`;
    });
  };
  return cached;
}

/** Every `apiVersion/kind` the validator knows, for messages and docs. */
export function knownKinds(): string[] {
  const models = new Map<string, ModelClass>();
  collectModels(k8s, models);
  collectModels(argo, models);
  return [...models.keys(), ...loadCrdSchemas().keys()].sort();
}
