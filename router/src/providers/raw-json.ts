/**
 * The exact bytes a parsed upstream JSON response was read from, for responses the router passes
 * on unchanged (OpenAI-wire upstreams): writing those bytes saves serializing the object again.
 * A WeakMap, so the bytes live as long as the object and the object itself is untouched.
 */
const rawBytes = new WeakMap<object, Buffer>();

/** Parses `bytes` as JSON and remembers them as the object's raw form. */
export function parseRawJson(bytes: Buffer): unknown {
  const value: unknown = JSON.parse(bytes.toString("utf8"));
  if (typeof value === "object" && value !== null) rawBytes.set(value, bytes);
  return value;
}

/** The bytes `value` was parsed from by parseRawJson, if it was. */
export function rawJsonOf(value: object): Buffer | undefined {
  return rawBytes.get(value);
}
