import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";

/** One audited event. Never carries secrets: keys appear only as key ids. */
export interface AuditEvent {
  /** e.g. admin.provider.create, admin.state.import, key.used, auth.failed. */
  action: string;
  /** Who: key id, `admin`, or `anonymous`. */
  actor: string;
  /** What the action touched (provider name, tenant id). */
  target?: string;
  /** Outcome: ok, denied, error. */
  outcome?: string;
  details?: Record<string, unknown>;
}

export interface AuditLog {
  write(event: AuditEvent): Promise<void>;
  close(): Promise<void>;
}

// Field names whose values must never reach the audit file, whatever a caller passes.
const SECRET_FIELDS = /^(api_?key|key|secret|password|token|authorization|keyHash|sharedSecret)$/i;

function scrub(value: unknown, depth = 0): unknown {
  if (depth > 5 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k] = SECRET_FIELDS.test(k) ? "[redacted]" : scrub(v, depth + 1);
  return out;
}

/**
 * Append-only JSON-lines file: one `{ts, action, actor, ...}` object per line. Writes are
 * serialised through one promise chain so lines never interleave.
 */
export class FileAuditLog implements AuditLog {
  private chain: Promise<void> = Promise.resolve();
  private ready?: Promise<void>;

  constructor(
    readonly path: string,
    private readonly now: () => number = Date.now,
  ) {}

  write(event: AuditEvent): Promise<void> {
    const line = `${JSON.stringify({ ts: new Date(this.now()).toISOString(), ...(scrub(event) as AuditEvent) })}\n`;
    this.ready ??= mkdir(dirname(this.path), { recursive: true }).then(() => undefined);
    this.chain = this.chain
      .then(() => this.ready)
      .then(() => appendFile(this.path, line, { mode: 0o600 }))
      .catch(() => undefined);
    return this.chain;
  }

  async close(): Promise<void> {
    await this.chain;
  }
}

/** Keeps events in memory (tests, or when no audit file is configured). */
export class MemoryAuditLog implements AuditLog {
  readonly events: (AuditEvent & { ts: string })[] = [];
  async write(event: AuditEvent): Promise<void> {
    this.events.push({ ts: new Date().toISOString(), ...(scrub(event) as AuditEvent) });
    if (this.events.length > 10_000) this.events.shift();
  }
  async close(): Promise<void> {}
}
