import type { z } from "zod";

/**
 * Whether a host name, URL or email address sits under a documentation domain (`example.com`,
 * `example.org`, `example.net` of RFC 2606, or any other `example.<tld>`). Let's Encrypt refuses
 * such contacts and no DNS answers for them, so the shipped stack files carry them only as
 * placeholders that `pulumi up` must reject instead of deploying something that cannot work.
 */
export function isPlaceholder(value: string): boolean {
  let host = value.trim().toLowerCase();
  if (host.includes("://")) {
    try {
      host = new URL(host).hostname;
    } catch {
      return false;
    }
  }
  host = host.slice(host.lastIndexOf("@") + 1).replace(/\.$/, "");
  const labels = host.split(".");
  return labels.length >= 2 && labels[labels.length - 2] === "example";
}

/** Git URLs the docs use for "your fork": Argo CD would be pointed at a repository nobody owns. */
export function isPlaceholderRepo(url: string): boolean {
  return isPlaceholder(url) || /\/(example-org|your-org)\//i.test(url);
}

/** The message a placeholder value fails with (readConfig prefixes the key). */
export const PLACEHOLDER_MESSAGE =
  "is a documentation placeholder (example.*): set a domain you own (see infra/README.md)";

/** `schema` that also refuses placeholder values; readConfig names the key in the error. */
export function noPlaceholder<S extends z.ZodType<string>>(schema: S): S {
  return schema.refine((v) => !isPlaceholder(v), { message: PLACEHOLDER_MESSAGE }) as S;
}
