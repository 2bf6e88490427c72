import type { IncomingMessage } from "node:http";
import { type ChatCompletionRequest, HttpError } from "@llm/contracts";
import type { Logger } from "pino";
import { estimateChatPromptTokens } from "../../pricing/estimate.js";
import { createExchange } from "../shared/exchange.js";
import type {
  InboundApi,
  InboundExchange,
  InboundStreamItem,
  InboundTranslation,
  SseFrame,
} from "../shared/inbound-api.js";
import { responseFromChat } from "./from-chat.js";
import { type NativeStreamState, type NativeTurn, nativeRoute } from "./native.js";
import { newItemId, type ResponseObject } from "./response-object.js";
import { parseResponsesRequest, type ResponsesInputItem } from "./schema.js";
import type { ResponseStore, StoredResponse } from "./store.js";
import { ResponsesStreamTranslator } from "./stream.js";
import { inputItems, toChatRequest } from "./to-chat.js";

/**
 * What the `/v1/responses` endpoint (endpoint.ts) looked up before the pipeline opens the request:
 * the tenant's store and, for `previous_response_id`, the stored response. `open` is synchronous,
 * so the one asynchronous step (reading the state store) happens before it, keyed to the request.
 */
export interface ResponsesPrelude {
  store: ResponseStore;
  /** The stored response `previous_response_id` names; undefined when absent or not found. */
  previous?: StoredResponse;
  /** Unix seconds of arrival. */
  createdAt: number;
  logger: Logger;
}

const PRELUDE = Symbol("responses.prelude");
type WithPrelude = { [PRELUDE]?: ResponsesPrelude };

/** Attaches the prelude to the request for `open` to find. */
export function attachPrelude(req: IncomingMessage, prelude: ResponsesPrelude): void {
  (req as IncomingMessage & WithPrelude)[PRELUDE] = prelude;
}

/** A stored response's conversation continued: its input, then its output (output items are valid input items). */
export function conversationOf(stored: StoredResponse): ResponsesInputItem[] {
  return [...stored.input, ...(stored.response.output as ResponsesInputItem[])];
}

/** The Responses API as an inbound API of the one pipeline (inbound/shared/inbound-api.ts). */
export const responsesApi: InboundApi = {
  open(body: unknown, req: Pick<IncomingMessage, "headers" | "url">): InboundExchange {
    const prelude = (req as WithPrelude)[PRELUDE];
    if (!prelude)
      throw new HttpError(500, "responses request opened without its prelude", { code: "internal_error" });
    const request = parseResponsesRequest(body);
    const prevId = request.previous_response_id;
    if (prevId && !prelude.previous)
      throw new HttpError(404, `Previous response with id '${prevId}' not found.`, {
        param: "previous_response_id",
        code: "previous_response_not_found",
      });
    const history = prelude.previous ? conversationOf(prelude.previous) : [];
    const items = [...history, ...inputItems(request.input)];
    const chat = toChatRequest(request, items, history.length);
    const prompt = estimateChatPromptTokens(chat);
    const turn: NativeTurn = {
      id: newItemId("resp"),
      createdAt: prelude.createdAt,
      request,
      store: request.store !== false,
      items,
      fallbackUsage: { prompt_tokens: prompt, completion_tokens: 0, total_tokens: prompt },
    };
    return storing(translation(turn), turn, chat, prelude);
  },
};

/** One request's translation: the JSON and stream translators, and the native route, sharing its state. */
function translation(turn: NativeTurn): InboundTranslation<NativeTurn> & {
  /** The final Response of the stream under way, once its closing events went out. */
  final(): ResponseObject | undefined;
} {
  let current: ResponsesStreamTranslator | undefined;
  const nativeState: NativeStreamState = { lastSeq: -1 };
  let nativeStream = false;
  const native = nativeRoute(nativeState);
  return {
    answer: (chat, _turn, usage) => responseFromChat(chat, turn, usage),
    stream(_turn, model) {
      nativeStream = false;
      current = new ResponsesStreamTranslator(turn, model);
      return current;
    },
    native: {
      accepts: native.accepts,
      answer: native.answer,
      stream(t, r, ctx) {
        nativeStream = true;
        current = undefined;
        return native.stream(t, r, ctx);
      },
    },
    errorFrames(err): SseFrame[] {
      const body = "toBody" in err ? err.toBody() : err.body;
      const code = body.error.code ?? (err.status >= 500 ? "server_error" : body.error.type);
      if (nativeStream) {
        const data = {
          type: "error",
          sequence_number: nativeState.lastSeq + 1,
          code,
          message: body.error.message,
          param: body.error.param,
        };
        return [{ event: "error", data: JSON.stringify(data) }];
      }
      return (current ?? new ResponsesStreamTranslator(turn, turn.request.model)).failed(
        code,
        body.error.message,
        body.error.param,
      );
    },
    final: () => (nativeStream ? nativeState.final : current?.final),
  };
}

/**
 * The exchange, storing each successful answer under the router's `resp_` id (unless the client
 * sent `store: false`) before its last byte goes out, so a `GET` or a `previous_response_id` right
 * after the answer finds it, on any replica sharing the state store.
 */
function storing(
  spec: ReturnType<typeof translation>,
  turn: NativeTurn,
  chat: ChatCompletionRequest,
  prelude: ResponsesPrelude,
): InboundExchange {
  const inner = createExchange(spec, turn, chat);
  const keep = async (response: ResponseObject | undefined) => {
    if (!turn.store || !response || response.status === "failed") return;
    try {
      const result = await prelude.store.put({ response, input: turn.items });
      if (result === "too_large")
        prelude.logger.warn(
          { responseId: turn.id },
          "response over responses.maxStoredBytes: answered, not stored",
        );
    } catch (err) {
      // A state-store outage must not turn a good answer into an error; it only cannot be continued.
      prelude.logger.warn(
        { responseId: turn.id, err: (err as Error).message },
        "storing the response failed",
      );
    }
  };
  return {
    chat: inner.chat,
    async answer(cand, ctx) {
      const answered = await inner.answer(cand, ctx);
      await keep(answered.body as ResponseObject);
      return answered;
    },
    async stream(cand, ctx) {
      const items = await inner.stream(cand, ctx);
      return (async function* (): AsyncGenerator<InboundStreamItem> {
        for await (const item of items) {
          if (item.usage) await keep(spec.final());
          yield item;
        }
      })();
    },
    errorFrames: (err) => inner.errorFrames(err),
  };
}
