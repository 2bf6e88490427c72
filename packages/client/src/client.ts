import { EventEmitter } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { Agent, type Dispatcher } from "undici";
import { z } from "zod";
import { type CostReport, toCostReport, toIso } from "./costs/usage.js";
import { RouterError } from "./http/errors.js";
import { callJson } from "./http/transport.js";
import { Limiter } from "./jobs/limiter.js";
import type { ChatCompletion, ChatRequest, Job, RouterClientEvents } from "./jobs/types.js";
import { type Requirements, requirementsToHeaders } from "./requirements/requirements.js";

/** Options of {@link RouterClient}. */
export interface RouterClientOptions {
  /** Router base URL, with or without `/v1` (`http://router:8080`). */
  baseURL: string;
  /** Tenant API key, sent as `Authorization: Bearer`. */
  apiKey: string;
  /** Key for `/admin/*` (getCosts). Defaults to `apiKey`. */
  adminKey?: string;
  /** Jobs in flight for single `submit` calls. Defaults to 4. */
  parallelism?: number;
  /** Per-attempt timeout in ms. Defaults to 120000. */
  timeoutMs?: number;
  /** Retries after a retryable failure (429, 408, 5xx, transport). Defaults to 2. */
  maxRetries?: number;
  /** First retry delay in ms, doubled each retry; `Retry-After` wins when larger. Defaults to 250. */
  retryBaseMs?: number;
  /** Upper bound of one retry delay in ms. Defaults to 10000. */
  retryMaxMs?: number;
  /** Emit `cost:threshold` once known spend reaches this many USD. Defaults to off. */
  costThresholdUsd?: number;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
}

const optionsSchema = z
  .object({
    baseURL: z.url({ protocol: /^https?$/ }),
    apiKey: z.string().min(1),
    adminKey: z.string().min(1).optional(),
    parallelism: z.number().int().min(1).max(1024).optional(),
    timeoutMs: z.number().int().min(1).max(3_600_000).optional(),
    maxRetries: z.number().int().min(0).max(10).optional(),
    retryBaseMs: z.number().min(0).max(60_000).optional(),
    retryMaxMs: z.number().min(0).max(600_000).optional(),
    costThresholdUsd: z.number().positive().optional(),
    headers: z.record(z.string(), z.string()).optional(),
  })
  .strict();

const chatRequestSchema = z
  .object({
    model: z.string().min(1),
    messages: z.array(z.object({ role: z.string().min(1), content: z.unknown() }).loose()).min(1),
    stream: z.literal(false).optional(),
  })
  .loose();

/** A batch entry: a bare request, or a request with its own requirements. */
export type BatchItem = ChatRequest | { request: ChatRequest; requirements?: Requirements };

/**
 * SDK for the router beyond the OpenAI surface: batches of completions with per-request
 * requirements (mapped onto `x-router-strategy` / `x-router-target`), job tracking, events and
 * cost reports. For plain chat calls any OpenAI SDK pointed at the router works as well.
 *
 * Events: `job:completed`, `job:failed`, `provider:failure`, `cost:threshold` (see RouterClientEvents).
 */
export class RouterClient extends EventEmitter<RouterClientEvents> implements AsyncDisposable {
  private readonly opts: Required<Omit<RouterClientOptions, "adminKey" | "costThresholdUsd" | "headers">> &
    Pick<RouterClientOptions, "adminKey" | "costThresholdUsd" | "headers">;
  private readonly origin: string;
  private readonly dispatcher: Dispatcher;
  private readonly jobs = new Map<string, Job>();
  private readonly done = new Map<string, Promise<Job>>();
  private readonly limiter: Limiter;
  private readonly abort = new AbortController();
  private seq = 0;
  private spentUsd = 0;
  private thresholdFired = false;

  constructor(options: RouterClientOptions) {
    super();
    const parsed = optionsSchema.safeParse(options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new TypeError(`RouterClient options.${issue.path.join(".")}: ${issue.message}`);
    }
    const o = parsed.data;
    this.opts = {
      ...o,
      parallelism: o.parallelism ?? 4,
      timeoutMs: o.timeoutMs ?? 120_000,
      maxRetries: o.maxRetries ?? 2,
      retryBaseMs: o.retryBaseMs ?? 250,
      retryMaxMs: o.retryMaxMs ?? 10_000,
    };
    this.origin = o.baseURL.replace(/\/+$/, "").replace(/\/v1$/, "");
    this.limiter = new Limiter(this.opts.parallelism);
    this.dispatcher = new Agent({ connections: Math.max(8, this.opts.parallelism) });
  }

  /** Queues one chat completion; returns its job id at once. */
  submit(request: ChatRequest, requirements: Requirements = {}): string {
    return this.enqueue(request, requirements, this.limiter);
  }

  /** Queues many completions with at most `parallelism` of this batch in flight; returns job ids in order. */
  submitBatch(items: readonly BatchItem[], opts: { parallelism?: number } = {}): string[] {
    const parallelism = opts.parallelism ?? this.opts.parallelism;
    if (!Number.isInteger(parallelism) || parallelism < 1)
      throw new TypeError("parallelism: an integer >= 1");
    // Validate everything before queueing anything, so a bad item never leaves half a batch running.
    const normalised = items.map((item, i) => {
      const entry = "request" in item && !("messages" in item) ? item : { request: item as ChatRequest };
      this.validate(entry.request, `items.${i}.request`);
      requirementsToHeaders(entry.requirements);
      return entry;
    });
    const limiter = new Limiter(parallelism);
    return normalised.map((e) => this.enqueue(e.request, e.requirements ?? {}, limiter));
  }

  /** Resolves when every job has finished (completed or failed; failures do not reject). */
  async waitFor(jobIds: string | readonly string[]): Promise<Job[]> {
    const ids = typeof jobIds === "string" ? [jobIds] : jobIds;
    return Promise.all(
      ids.map((id) => {
        const p = this.done.get(id);
        if (!p) throw new TypeError(`unknown job id ${id}`);
        return p;
      }),
    );
  }

  /** The job's current state, or undefined for an unknown id. */
  job(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  /** Spend the client has seen reported on its own jobs (USD). */
  get knownSpendUsd(): number {
    return this.spentUsd;
  }

  /**
   * Spend between `from` and `to` from the router's usage ledger (`GET /admin/usage`,
   * grouped by target): the total and a per-target breakdown, most expensive first.
   */
  async getCosts(range: { from: Date | string | number; to?: Date | string | number }): Promise<CostReport> {
    const params = new URLSearchParams({
      from: toIso(range.from, "from"),
      to: toIso(range.to ?? Date.now(), "to"),
      groupBy: "target",
    });
    const res = await callJson<unknown>({
      method: "GET",
      url: `${this.origin}/admin/usage?${params}`,
      headers: { authorization: `Bearer ${this.opts.adminKey ?? this.opts.apiKey}`, ...this.opts.headers },
      timeoutMs: this.opts.timeoutMs,
      dispatcher: this.dispatcher,
      signal: this.abort.signal,
    });
    const report = toCostReport(res.body);
    this.checkThreshold(report.total.costUsd, "usage");
    return report;
  }

  /** Aborts in-flight jobs (they fail) and closes connections. */
  async close(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled([...this.done.values()]);
    await this.dispatcher.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private validate(request: ChatRequest, field: string): void {
    const parsed = chatRequestSchema.safeParse(request);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const path = [field, ...issue.path.map(String)].join(".");
      throw new TypeError(`${path}: ${issue.message}`);
    }
  }

  private enqueue(request: ChatRequest, requirements: Requirements, limiter: Limiter): string {
    this.validate(request, "request");
    const headers = requirementsToHeaders(requirements);
    const id = `job_${(++this.seq).toString().padStart(6, "0")}`;
    const job: Job = { id, status: "queued", request, requirements, headers, attempts: 0 };
    this.jobs.set(id, job);
    this.done.set(
      id,
      limiter.run(() => this.execute(job)),
    );
    return id;
  }

  private async execute(job: Job): Promise<Job> {
    job.status = "running";
    const started = Date.now();
    for (;;) {
      job.attempts++;
      try {
        if (this.abort.signal.aborted) throw new RouterError(0, "client closed", { code: "client_closed" });
        const res = await callJson<ChatCompletion>({
          method: "POST",
          url: `${this.origin}/v1/chat/completions`,
          headers: { authorization: `Bearer ${this.opts.apiKey}`, ...this.opts.headers, ...job.headers },
          body: { ...job.request, stream: false },
          timeoutMs: this.opts.timeoutMs,
          dispatcher: this.dispatcher,
          signal: this.abort.signal,
        });
        job.status = "completed";
        job.result = res.body;
        job.target = res.target;
        job.reason = res.reason;
        const cost = Number(res.headers["x-router-cost-usd"]);
        if (Number.isFinite(cost)) {
          job.costUsd = cost;
          this.spentUsd += cost;
        }
        job.latencyMs = Date.now() - started;
        if (res.reason === "failover") {
          this.emit("provider:failure", {
            jobId: job.id,
            target: undefined,
            status: 0,
            code: "failover",
            message: `router failed over to ${res.target ?? "another target"}`,
            recovered: true,
          });
        }
        this.emit("job:completed", job);
        if (job.costUsd !== undefined) this.checkThreshold(this.spentUsd, "jobs");
        return job;
      } catch (err) {
        const e =
          err instanceof RouterError
            ? err
            : new RouterError(0, err instanceof Error ? err.message : String(err));
        job.error = e;
        job.target = e.target ?? job.target;
        if (e.retryable) {
          this.emit("provider:failure", {
            jobId: job.id,
            target: e.target,
            status: e.status,
            code: e.code,
            message: e.message,
            recovered: false,
          });
        }
        if (e.retryable && job.attempts <= this.opts.maxRetries && !this.abort.signal.aborted) {
          const backoff = Math.min(this.opts.retryMaxMs, this.opts.retryBaseMs * 2 ** (job.attempts - 1));
          const hinted =
            e.retryAfterSeconds !== undefined
              ? Math.min(this.opts.retryMaxMs, e.retryAfterSeconds * 1000)
              : 0;
          await sleep(Math.max(backoff, hinted));
          continue;
        }
        job.status = "failed";
        job.latencyMs = Date.now() - started;
        this.emit("job:failed", job);
        return job;
      }
    }
  }

  private checkThreshold(spent: number, source: "jobs" | "usage"): void {
    const threshold = this.opts.costThresholdUsd;
    if (threshold === undefined || this.thresholdFired || spent < threshold) return;
    this.thresholdFired = true;
    this.emit("cost:threshold", { spentUsd: spent, thresholdUsd: threshold, source });
  }
}
