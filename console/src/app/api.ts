/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="dom.asynciterable" />
// The console's only way to the router: same-origin fetch with the session's key as Bearer.

const STORAGE_KEY = "llm-console.key";

/** The key of this browser tab (sessionStorage: gone when the tab closes, never sent to another origin). */
export const storedKey = (): string | null => sessionStorage.getItem(STORAGE_KEY);
export const storeKey = (key: string) => sessionStorage.setItem(STORAGE_KEY, key);
export const forgetKey = () => sessionStorage.removeItem(STORAGE_KEY);

/** An error answer of the router, with OpenAI's `{error:{message,code}}` body when it had one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export function authHeaders(key = storedKey()): Record<string, string> {
  return key ? { authorization: `Bearer ${key}` } : {};
}

/** fetch with the Bearer key; the Response as is (callers read headers and streams). */
export function call(path: string, init: RequestInit = {}, key = storedKey()): Promise<Response> {
  const headers = { ...authHeaders(key), ...(init.headers as Record<string, string> | undefined) };
  return fetch(path, { ...init, headers });
}

/** Throws an ApiError for a non-2xx answer, with the router's message when the body carries one. */
export async function ensureOk(res: Response): Promise<Response> {
  if (res.ok) return res;
  let message = `${res.status} ${res.statusText}`;
  let code: string | undefined;
  try {
    const body = (await res.json()) as { error?: { message?: string; code?: string } | string };
    if (typeof body.error === "string") message = body.error;
    else if (body.error?.message) {
      message = body.error.message;
      code = body.error.code;
    }
  } catch {
    // Not JSON: keep the status line.
  }
  throw new ApiError(res.status, message, code);
}

/** GET/POST/DELETE a JSON endpoint; the parsed body of a 2xx answer. */
export async function json<T>(
  path: string,
  init: RequestInit & { body?: string } = {},
  key?: string | null,
): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const res = await ensureOk(
    await call(
      path,
      { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } },
      key ?? storedKey(),
    ),
  );
  const text = await res.text();
  return (text ? JSON.parse(text) : {}) as T;
}

/** POST a JSON body. */
export const post = <T>(path: string, body: unknown = {}) =>
  json<T>(path, { method: "POST", body: JSON.stringify(body) });
