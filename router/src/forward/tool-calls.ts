/** Tool calls in chat answers, for `llm_router_tool_calls_total`. */

/**
 * Calls in a chat answer (`choices[].message.tool_calls`) or in one stream chunk: a streamed call
 * is counted once, on its first delta (the one that carries its `id`).
 */
export function toolCallsIn(answer: { choices?: unknown[] }): number {
  let n = 0;
  for (const c of answer.choices ?? []) {
    const choice = c as { message?: { tool_calls?: unknown }; delta?: { tool_calls?: unknown } };
    const message = choice.message?.tool_calls;
    if (Array.isArray(message)) n += message.length;
    const delta = choice.delta?.tool_calls;
    if (Array.isArray(delta)) n += delta.filter((d) => typeof (d as { id?: unknown }).id === "string").length;
  }
  return n;
}

/** Whether a chat body offers tools (the request counts in `llm_router_tool_requests_total`). */
export function offersTools(body: unknown): boolean {
  const tools = (body as { tools?: unknown } | undefined)?.tools;
  return Array.isArray(tools) && tools.length > 0;
}
