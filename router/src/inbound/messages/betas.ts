import type { IncomingHttpHeaders } from "node:http";
import { HttpError } from "@llm/contracts";

/**
 * Beta features (`anthropic-beta`, comma-separated; Claude Code sends several on every request)
 * that need something this router never accepts: file uploads (`/v1/files` is not served, so no
 * file id can exist), batches, skills and containers, server-side code execution, computer use
 * and MCP connectors (their tools and fields are refused by the request schema). A request
 * naming one is refused with the beta's name. Every other beta is accepted: passed through to an
 * Anthropic target, and without effect on a translated one (they change server behaviour such as
 * tool-input streaming, interleaved thinking, or context size, which a cluster has as it has).
 */
const REFUSED_PREFIXES = [
  "files-api-",
  "message-batches-",
  "skills-",
  "code-execution-",
  "computer-use-",
  "mcp-client-",
] as const;

/** The request's betas, in order; refuses (400, naming it) a beta the router cannot honour. */
export function requestBetas(headers: IncomingHttpHeaders): string[] {
  const raw = headers["anthropic-beta"];
  const text = Array.isArray(raw) ? raw.join(",") : (raw ?? "");
  const betas = text
    .split(",")
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  for (const beta of betas)
    if (REFUSED_PREFIXES.some((p) => beta.startsWith(p)))
      throw new HttpError(400, `anthropic-beta: "${beta}" is not supported by this router`, {
        param: "anthropic-beta",
        code: "unsupported_beta",
      });
  return betas;
}

/** Headers for a native Anthropic call: the client's betas and API version, as it sent them. */
export function nativeHeaders(
  headers: IncomingHttpHeaders,
  betas: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  if (betas.length > 0) out["anthropic-beta"] = betas.join(",");
  const version = headers["anthropic-version"];
  if (typeof version === "string" && version.length > 0) out["anthropic-version"] = version;
  return out;
}
