/** Longest prompt text a decision event carries. */
export const MAX_PROMPT_CHARS = 2000;

type Part = { type?: unknown; text?: unknown };

function textOf(content: unknown): string | undefined {
  if (typeof content === "string") return content;
  if (Array.isArray(content))
    return (content as Part[])
      .filter((p) => p && p.type === "text" && typeof p.text === "string")
      .map((p) => p.text as string)
      .join("\n");
  return undefined;
}

/**
 * The text a decision event shows for a request of a tenant that opted in (`eventPrompts`): the
 * last user message of a chat, or a completion's prompt; never images, tools or the system prompt.
 */
export function promptText(body: unknown): string | undefined {
  const b = body as { messages?: { role?: unknown; content?: unknown }[]; prompt?: unknown } | undefined;
  let text: string | undefined;
  if (Array.isArray(b?.messages)) {
    const last = [...b.messages].reverse().find((m) => m?.role === "user");
    text = textOf(last?.content);
  } else if (typeof b?.prompt === "string") text = b.prompt;
  return text === undefined ? undefined : text.slice(0, MAX_PROMPT_CHARS);
}
