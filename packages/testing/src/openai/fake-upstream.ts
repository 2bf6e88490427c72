/**
 * The fake OpenAI server as the router tests hold it: a class built before it listens, answering
 * `hello from <name>` in pieces, with fault `mode`, `delayMs` and counters on the object.
 */
import type { Received } from "../http/fake-server.js";
import { type FakeMode, type FakeOpenAI, startFakeOpenAI } from "./fake-openai.js";

export interface FakeUpstreamOptions {
  /** Name echoed in replies (`hello from <name>`). */
  name: string;
  /** Require an HMAC signature with this secret (401 otherwise). */
  hmacSecret?: string;
  /** Path prefix of the OpenAI API. Defaults to /v1. */
  prefix?: string;
  /** Required bearer token, for external-provider fakes. */
  bearer?: string;
  /** /health answer; defaults to ready with the queue depth. */
  health?: () => { status: number; body: unknown };
  /** /metrics text. */
  metrics?: () => string;
  /** Stream chunks to send (content pieces). Defaults to ["hello ", "from ", name]. */
  pieces?: string[];
}

export class FakeUpstream {
  url = "";
  private fake?: FakeOpenAI;
  private pendingMode: FakeMode = "ok";
  private pendingDelay = 0;

  constructor(readonly opts: FakeUpstreamOptions) {}

  async start(): Promise<this> {
    const o = this.opts;
    this.fake = await startFakeOpenAI({
      name: o.name,
      hmacSecret: o.hmacSecret,
      prefix: o.prefix ?? "/v1",
      apiKey: o.bearer,
      health: o.health,
      metrics: o.metrics,
      pieces: o.pieces ?? ["hello ", "from ", o.name],
      roleChunk: "first-piece",
    });
    this.fake.mode = this.pendingMode;
    this.fake.delayMs = this.pendingDelay;
    this.url = this.fake.url;
    return this;
  }

  /** Fault mode of the next requests. */
  get mode(): FakeMode {
    return this.fake?.mode ?? this.pendingMode;
  }
  set mode(mode: FakeMode) {
    if (this.fake) this.fake.mode = mode;
    else this.pendingMode = mode;
  }

  /** Delay before answering, ms. */
  get delayMs(): number {
    return this.fake?.delayMs ?? this.pendingDelay;
  }
  set delayMs(ms: number) {
    if (this.fake) this.fake.delayMs = ms;
    else this.pendingDelay = ms;
  }

  /** Requests that passed authentication (health and metrics polls aside). */
  get received(): Received[] {
    return this.fake?.received ?? [];
  }

  get count(): number {
    return this.received.length;
  }

  /** Upstream requests whose client (the router) went away before the end. */
  get aborted(): number {
    return this.fake?.abortedCount ?? 0;
  }

  async close(): Promise<void> {
    await this.fake?.close();
  }
}
