import type { IncomingMessage } from "node:http";
import { DEFAULT_RESPONSES_TTL_MS, HttpError } from "@llm/contracts";
import { type Request, type Response, Router } from "express";
import type { ForwardDeps } from "../../forward/context.js";
import { forward } from "../../forward/forward.js";
import { readJsonBody } from "../../http/body.js";
import { sendError } from "../../http/errors.js";
import { stampResponse } from "../../http/request-id.js";
import { sendJson } from "../../http/send.js";
import type { KeyValueStore } from "../../state/key-value.js";
import { MemoryKeyValue } from "../../state/memory-key-value.js";
import { attachPrelude } from "./api.js";
import { ResponseStore } from "./store.js";

export interface ResponsesEndpointOptions {
  fwd: ForwardDeps;
  /** Largest accepted request body, bytes (server.bodyLimit). */
  bodyLimit: number;
  /** The state store's key/value API (Redis shared by replicas). Absent: this replica's memory. */
  kv?: KeyValueStore;
}

/**
 * `/v1/responses` on the router: `POST` runs the one inference pipeline (kind `responses`, the
 * exchange in api.ts) after looking up the tenant's stored `previous_response_id`; `GET` and
 * `DELETE /v1/responses/{id}` read and remove the tenant's stored responses. A response id of
 * another tenant is simply absent from this tenant's namespace: 404, as for an unknown id.
 */
export function createResponsesRouter(opts: ResponsesEndpointOptions): Router {
  const { fwd, bodyLimit } = opts;
  const kv = opts.kv ?? new MemoryKeyValue(fwd.now);
  const storeFor = async (req: IncomingMessage) => {
    const tenant = await fwd.guard.authenticate(req);
    const cfg = fwd.current().config.responses;
    return new ResponseStore(
      kv,
      tenant.tenantId,
      cfg?.ttl ?? DEFAULT_RESPONSES_TTL_MS,
      cfg?.maxStoredBytes ?? 1 << 20,
    );
  };
  const handle =
    (fn: (req: Request, res: Response) => Promise<void>) =>
    (req: Request, res: Response): void => {
      stampResponse(req, res);
      fn(req, res).catch((err: unknown) => sendError(res, err, fwd.logger));
    };

  const router = Router();
  router.post(
    "/v1/responses",
    handle(async (req, res) => {
      const body = await readJsonBody(req, bodyLimit);
      const store = await storeFor(req);
      const prev = (body as { previous_response_id?: unknown } | null)?.previous_response_id;
      const previous = typeof prev === "string" && prev !== "" ? await store.get(prev) : undefined;
      attachPrelude(req, { store, previous, createdAt: Math.floor(fwd.now() / 1000), logger: fwd.logger });
      (req as IncomingMessage & { body?: unknown }).body = body;
      await forward(fwd, "responses", req, res);
    }),
  );
  router.get(
    "/v1/responses/:id",
    handle(async (req, res) => {
      const id = String(req.params.id);
      const stored = await (await storeFor(req)).get(id);
      if (!stored) throw notFound(id);
      sendJson(res, 200, stored.response);
    }),
  );
  router.get(
    "/v1/responses/:id/input_items",
    handle(async (req, res) => {
      const id = String(req.params.id);
      const stored = await (await storeFor(req)).get(id);
      if (!stored) throw notFound(id);
      // OpenAI lists them newest first by default (`order=desc`).
      const asc = req.query.order === "asc";
      const data = asc ? stored.input : [...stored.input].reverse();
      sendJson(res, 200, listOf(data));
    }),
  );
  router.delete(
    "/v1/responses/:id",
    handle(async (req, res) => {
      const id = String(req.params.id);
      if (!(await (await storeFor(req)).delete(id))) throw notFound(id);
      sendJson(res, 200, { id, object: "response", deleted: true });
    }),
  );
  return router;
}

function notFound(id: string): HttpError {
  return new HttpError(404, `Response with id '${id}' not found.`, {
    param: "response_id",
    code: "not_found",
  });
}

/** OpenAI's list page (`ResponseItemList`); the whole conversation fits one page. */
function listOf(data: unknown[]): object {
  const id = (x: unknown) => ((x as { id?: unknown }).id as string | undefined) ?? null;
  return {
    object: "list",
    data,
    first_id: data.length > 0 ? id(data[0]) : null,
    last_id: data.length > 0 ? id(data[data.length - 1]) : null,
    has_more: false,
  };
}
