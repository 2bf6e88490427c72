import type { ModelList } from "@llm/contracts";
import type { RequestHandler } from "express";
import type { Generation } from "../forward/context.js";

/** GET /v1/models: every model name and alias some enabled target answers to, with its targets. */
export function modelsHandler(current: () => Generation, createdAt: number): RequestHandler {
  return (_req, res) => {
    const byName = new Map<string, { targets: string[]; upstream: Set<string> }>();
    for (const t of current().targets.list) {
      if (!t.enabled) continue;
      for (const [name, upstream] of t.modelNames()) {
        const entry = byName.get(name) ?? { targets: [], upstream: new Set<string>() };
        entry.targets.push(t.name);
        entry.upstream.add(upstream);
        byName.set(name, entry);
      }
    }
    const list: ModelList = {
      object: "list",
      data: [...byName.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([id, e]) => ({
          id,
          object: "model",
          created: Math.floor(createdAt / 1000),
          owned_by: "llm-router",
          targets: e.targets,
          upstream_models: [...e.upstream],
        })),
    };
    res.json(list);
  };
}
