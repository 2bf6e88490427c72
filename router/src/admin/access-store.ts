import { z } from "zod";
import type { KeyValueStore } from "../state/key-value.js";
import {
  type ManagedKey,
  type ManagedTenant,
  managedKeyRecord,
  managedTenantRecord,
} from "./access-types.js";
import type { SharedStateFile } from "./state-file.js";

/** Tenants and keys made through the admin API, as persisted (the state store or `admin.stateFile`). */
export interface AccessState {
  version: 1;
  /** Bumped by every change; replicas compare it to skip reloading what they already run. */
  revision: number;
  tenants: ManagedTenant[];
  keys: ManagedKey[];
}

const accessStateSchema = z.object({
  version: z.literal(1),
  revision: z.number().int().nonnegative(),
  tenants: z.array(managedTenantRecord),
  keys: z.array(managedKeyRecord),
});

const EMPTY: AccessState = { version: 1, revision: 0, tenants: [], keys: [] };

/** Where the state lives: one JSON document, and (shared stores) a change notification. */
interface Backend {
  load(): Promise<AccessState | undefined>;
  save(state: AccessState): Promise<void>;
  /** Calls `fn` when another replica saved; resolves to the unsubscribe function. */
  watch?(fn: () => void): Promise<() => Promise<void>>;
}

/** The KV API keeps nothing forever; ten years is "until an admin deletes it". */
const KV_TTL_MS = 10 * 365 * 86_400_000;

function kvBackend(kv: KeyValueStore): Backend {
  return {
    async load() {
      const raw = await kv.get("access");
      return raw === undefined ? undefined : accessStateSchema.parse(JSON.parse(raw));
    },
    async save(state) {
      await kv.set("access", JSON.stringify(state), { ttlMs: KV_TTL_MS });
      await kv.publish("access-changed", String(state.revision));
    },
    watch: (fn) => kv.subscribe("access-changed", fn),
  };
}

function fileBackend(file: SharedStateFile): Backend {
  return {
    async load() {
      const doc = await file.read();
      return doc?.access === undefined ? undefined : accessStateSchema.parse(doc.access);
    },
    save: (state) => file.write({ access: state }),
  };
}

export interface AccessStoreOptions {
  /** Shared by every replica (Redis); takes precedence over `file`. */
  kv?: KeyValueStore;
  /** `admin.stateFile` without Redis. Neither: memory only. */
  file?: SharedStateFile;
  /** Called with the new state after every change, local or from another replica. */
  onChange: (state: AccessState) => void;
  /** How often to re-read a shared store in case a change notification was missed. Defaults to 30 s. */
  refreshMs?: number;
  logger?: { warn(obj: object, msg?: string): void };
}

/**
 * API-made tenants and keys. Changes are serialised here, re-read the shared document first (so
 * two replicas' changes rarely overwrite each other; the last write wins when they race), saved,
 * then announced on the state store's pub/sub so every replica applies them at once; each replica
 * also re-reads every `refreshMs` in case it missed a message (Redis pub/sub keeps nothing).
 */
export class AccessStore {
  private state: AccessState = EMPTY;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly backend: Backend | undefined;
  private unwatch: (() => Promise<void>) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: AccessStoreOptions) {
    this.backend = opts.kv ? kvBackend(opts.kv) : opts.file ? fileBackend(opts.file) : undefined;
  }

  /** Loads the persisted state and starts following other replicas' changes. */
  async start(): Promise<void> {
    await this.refresh();
    if (this.backend?.watch) {
      this.timer = setInterval(() => void this.refresh(), this.opts.refreshMs ?? 30_000);
      this.timer.unref();
      try {
        this.unwatch = await this.backend.watch(() => void this.refresh());
      } catch (err) {
        // Redis down at start-up must not stop the router: the periodic refresh still catches up.
        this.opts.logger?.warn(
          { event: "admin.access_watch_failed", error: (err as Error).message },
          "cannot follow other replicas' key changes; re-reading every refresh interval",
        );
      }
    }
  }

  current(): AccessState {
    return this.state;
  }

  /** Applies `change` to the latest state and persists it; returns what `change` returned. */
  update<T>(change: (draft: AccessState) => T): Promise<T> {
    const run = this.chain.then(async () => {
      const latest = (await this.backend?.load()) ?? this.state;
      const draft: AccessState = {
        version: 1,
        revision: Math.max(latest.revision, this.state.revision) + 1,
        tenants: [...latest.tenants],
        keys: [...latest.keys],
      };
      const result = change(draft);
      await this.backend?.save(draft);
      this.apply(draft);
      return result;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.unwatch?.().catch(() => undefined);
  }

  private async refresh(): Promise<void> {
    try {
      const loaded = await this.backend?.load();
      if (loaded && loaded.revision > this.state.revision) this.apply(loaded);
    } catch (err) {
      this.opts.logger?.warn(
        { event: "admin.access_refresh_failed", error: (err as Error).message },
        "reading API-made tenants and keys failed; keeping the last ones",
      );
    }
  }

  private apply(state: AccessState): void {
    this.state = state;
    this.opts.onChange(state);
  }
}
