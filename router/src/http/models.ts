import { HttpError, type ModelList } from "@llm/contracts";
import type { Request, RequestHandler } from "express";
import type { Generation } from "../forward/context.js";
import type { AccessGuard, TenantContext } from "../tenants/types.js";

/** One entry of the model list: OpenAI's model object plus our `targets`/`upstream_models`. */
type ModelEntry = ModelList["data"][number];

/**
 * Every model name and alias some enabled target answers to, with its targets, that `tenant`
 * may use (its `allowedModels`, when it has one), sorted by id. `capabilities` is the union of
 * those targets' sets (sorted): the router can route a tools request for the model when any
 * target takes tools, so the list says what the model name can do through the router. Model
 * groups are listed under their names, with their deployments' targets.
 */
function visibleModels(gen: Generation, createdAt: number, tenant: TenantContext): ModelEntry[] {
  const byName = new Map<string, { targets: string[]; upstream: Set<string>; capabilities: Set<string> }>();
  for (const t of gen.targets.list) {
    if (!t.enabled) continue;
    for (const [name, upstream] of t.modelNames()) {
      if (tenant.allowedModels && !tenant.allowedModels.includes(name)) continue;
      const entry = byName.get(name) ?? {
        targets: [],
        upstream: new Set<string>(),
        capabilities: new Set<string>(),
      };
      entry.targets.push(t.name);
      entry.upstream.add(upstream);
      for (const c of t.capabilities) entry.capabilities.add(c);
      byName.set(name, entry);
    }
  }
  // Model groups (traffic policies) are model names too: their deployments' targets answer them.
  for (const g of gen.config.modelGroups ?? []) {
    if (tenant.allowedModels && !tenant.allowedModels.includes(g.name)) continue;
    const entry = byName.get(g.name) ?? {
      targets: [],
      upstream: new Set<string>(),
      capabilities: new Set<string>(),
    };
    for (const d of g.deployments) {
      const t = gen.targets.list.find((x) => x.name === d.target);
      if (!t?.enabled) continue;
      if (!entry.targets.includes(t.name)) entry.targets.push(t.name);
      if (d.model) entry.upstream.add(d.model);
      for (const c of t.capabilities) entry.capabilities.add(c);
    }
    if (entry.targets.length > 0) byName.set(g.name, entry);
  }
  return [...byName.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, e]) => ({
      id,
      object: "model",
      created: Math.floor(createdAt / 1000),
      owned_by: "llm-router",
      targets: e.targets,
      upstream_models: [...e.upstream],
      capabilities: [...e.capabilities].sort(),
    }));
}

/**
 * The model routes: `GET /v1/models` (the SDK's `models.list`) and `GET /v1/models/{id}`
 * (`models.retrieve`). Both authenticate like the inference endpoints — with tenants configured
 * a missing or unknown key is a 401 (the open guard lets everyone in) — and show only the models
 * the key may use, so a listed model is one the key can call.
 */
export function modelsHandlers(
  current: () => Generation,
  guard: AccessGuard,
  createdAt: number,
): { list: RequestHandler; retrieve: RequestHandler } {
  return {
    list: async (req, res) => {
      const tenant = await guard.authenticate(req);
      const list: ModelList = { object: "list", data: visibleModels(current(), createdAt, tenant) };
      res.json(list);
    },
    retrieve: async (req, res) => {
      const tenant = await guard.authenticate(req);
      const id = modelIdOf(req);
      const model = visibleModels(current(), createdAt, tenant).find((m) => m.id === id);
      // OpenAI answers an unknown model with 404 `{error:{type:"invalid_request_error",
      // code:"model_not_found",param:"model"}}` (not the generic not_found_error);
      // a model the key may not use is reported the same way, so ids are not disclosed.
      if (!model)
        throw new HttpError(404, `The model '${id}' does not exist or you do not have access to it.`, {
          type: "invalid_request_error",
          code: "model_not_found",
          param: "model",
        });
      res.json(model);
    },
  };
}

/** The id of `/v1/models/*id`: express gives the wildcard's segments (ids such as `org/name` have slashes). */
function modelIdOf(req: Request): string {
  const raw = (req.params as Record<string, string | string[] | undefined>).id;
  return Array.isArray(raw) ? raw.join("/") : (raw ?? "");
}
