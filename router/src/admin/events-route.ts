import { parseBody } from "@llm/contracts";
import express, { type Router } from "express";
import { z } from "zod";
import type { EventBus, EventFilter } from "../events/bus.js";
import { ROUTER_EVENT_TYPES, type RouterEvent, type RouterEventType } from "../events/schema.js";
import { handle, principalOf } from "./http.js";
import { tenantScope } from "./principal.js";

const eventsQuery = z
  .object({
    types: z
      .string()
      .transform((v) => v.split(",").map((s) => s.trim()))
      .pipe(z.array(z.enum(ROUTER_EVENT_TYPES as [RouterEventType, ...RouterEventType[]])).min(1))
      .optional(),
    replay: z.string().regex(/^\d+$/).transform(Number).pipe(z.number().max(200)).optional(),
    tenant: z.string().min(1).optional(),
  })
  .strict();

export interface EventsRouteDeps {
  events: EventBus;
  /** Comment frames keep idle proxies from closing the stream. Defaults to 15 s. */
  heartbeatMs?: number;
}

const frame = (e: RouterEvent, seq: number) => `id: ${seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;

/**
 * `GET /admin/events`: the event bus as Server-Sent Events. Confined roles (tenant-admin, user)
 * get their tenant's events only. A client that cannot keep up loses its oldest events (the bus's
 * bounded queue) rather than slowing anything down; writes that the socket refuses are dropped.
 */
export function eventsRoute(deps: EventsRouteDeps): Router {
  const r = express.Router();
  r.get(
    "/admin/events",
    handle((req, res) => {
      const q = parseBody(eventsQuery, req.query);
      const filter: EventFilter = {
        ...(q.types ? { types: q.types } : {}),
        ...(() => {
          const t = tenantScope(principalOf(res), q.tenant);
          return t === undefined ? {} : { tenant: t };
        })(),
      };
      res.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        // nginx (ingress) buffers responses unless told not to.
        "x-accel-buffering": "no",
      });
      res.flushHeaders();
      res.write(": connected\n\n");
      for (const { event, meta } of deps.events.recent(filter, q.replay ?? 0))
        res.write(frame(event, meta.seq));
      const off = deps.events.subscribe(filter, (event, meta) => {
        // Skip rather than buffer without bound when the client is not reading.
        if (!res.writableNeedDrain) res.write(frame(event, meta.seq));
      });
      const beat = setInterval(
        () => res.write(`: heartbeat ${new Date().toISOString()}\n\n`),
        deps.heartbeatMs ?? 15_000,
      );
      beat.unref();
      res.on("close", () => {
        clearInterval(beat);
        off();
      });
    }),
  );
  return r;
}
