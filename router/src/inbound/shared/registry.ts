import type { EndpointKind } from "../../routing/profile.js";
import { messagesApi } from "../messages/api.js";
import { responsesApi } from "../responses/api.js";
import type { InboundApi } from "./inbound-api.js";

/**
 * The inbound APIs by endpoint kind (inbound-api.ts explains the mechanism). forward/prepare.ts
 * opens an exchange through the entry for the request's kind; kinds without one (chat,
 * completions, embeddings) are parsed as OpenAI bodies. Adding an API adds one entry here.
 */
export const inboundApis: Partial<Record<EndpointKind, InboundApi>> = {
  messages: messagesApi,
  responses: responsesApi,
};
