import { z } from "zod";
import { durationSchema as duration } from "./duration.js";

/** 30 days: how long OpenAI keeps a stored response (`store: true`) by default. */
export const DEFAULT_RESPONSES_TTL_MS = 30 * 24 * 3_600_000;

/**
 * The OpenAI Responses API (`/v1/responses`): where the router keeps the responses it stores
 * under its own `resp_` ids. They live in the state store's key/value API (memory, or the Redis
 * every replica shares), one namespace per tenant.
 */
export const responsesConfigSection = z
  .object({
    /**
     * How long a stored response can be read back (`GET /v1/responses/{id}`) or continued
     * (`previous_response_id`). Defaults to 720h (30 days, as OpenAI keeps them).
     */
    ttl: duration
      .refine((ms) => ms > 0, { message: "must be longer than 0" })
      .default(DEFAULT_RESPONSES_TTL_MS),
    /**
     * Largest stored response, bytes (its input, the rebuilt conversation included, plus its
     * output). A larger one is answered but not stored (a warning is logged; a later `GET` or
     * `previous_response_id` finds nothing). Defaults to 1 MiB, the key/value store's own bound.
     */
    maxStoredBytes: z
      .number()
      .int()
      .positive()
      .default(1024 * 1024),
  })
  .strict()
  .default({ ttl: DEFAULT_RESPONSES_TTL_MS, maxStoredBytes: 1024 * 1024 });
export type ResponsesConfig = z.output<typeof responsesConfigSection>;
