import { z } from "zod";
import {
  type ClusterConfig,
  clusterSection,
  type ExternalProviderConfig,
  externalProviderSection,
} from "../config/schema.js";
import { isEncrypted, type SecretBox } from "../secrets/box.js";
import { SharedStateFile } from "./state-file.js";

/**
 * Providers and clusters added through the admin API (on top of the config file), persisted to
 * a JSON state file with their secrets (apiKey, sharedSecret) encrypted by the SecretBox.
 * Entries are kept as the validated input objects, so the file re-validates on load.
 */
export type ManagedKind = "external" | "cluster";

export interface ManagedEntry {
  kind: ManagedKind;
  /** The provider/cluster config as given (secrets in clear, in memory only). */
  config: Record<string, unknown> & { name: string };
}

/** What the app needs: the managed targets, parsed like the config file's own. */
export interface ManagedTargets {
  clusters: ClusterConfig[];
  externalProviders: ExternalProviderConfig[];
}

const SECRET_FIELDS: Record<ManagedKind, string[]> = { external: ["apiKey"], cluster: ["sharedSecret"] };

/** A managed entry as posted: provider fields plus `kind` (default external); `name` is required. */
export const managedEntryInput = z
  .looseObject({
    kind: z.enum(["external", "cluster"]).default("external"),
    name: z.string().min(1, "name is required"),
  })
  .superRefine((v, ctx) => {
    const { kind, ...config } = v;
    const r = (kind === "cluster" ? clusterSection : externalProviderSection).safeParse(config);
    if (!r.success)
      for (const issue of r.error.issues)
        ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
  })
  .transform(({ kind, ...config }) => ({ kind, config }) as ManagedEntry);

const stateFileSchema = z.object({
  version: z.literal(1),
  updatedAt: z.string().optional(),
  providers: z.array(
    z.object({ kind: z.enum(["external", "cluster"]), config: z.looseObject({ name: z.string() }) }),
  ),
});
export type StateFile = z.infer<typeof stateFileSchema>;

export class ProviderStoreError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly param: string | null = null,
  ) {
    super(message);
    this.name = "ProviderStoreError";
  }
}

export interface ProviderStoreOptions {
  /** JSON state file; memory only when absent. */
  file?: string;
  /** The same file shared with other stores (tenants and keys); built from `file` when absent. */
  shared?: SharedStateFile;
  /** Encrypts secrets at rest; required when `file` is set and an entry has a secret. */
  box?: SecretBox;
  /** Names already used by the config file (cannot be added or changed here). */
  reserved?: () => Set<string>;
  /** Called after every change with the full managed list. */
  onChange?: (targets: ManagedTargets) => void;
}

export class ProviderStore {
  private entries = new Map<string, ManagedEntry>();
  private chain: Promise<void> = Promise.resolve();
  private readonly file: SharedStateFile | undefined;

  constructor(private readonly opts: ProviderStoreOptions) {
    this.file = opts.shared ?? (opts.file ? new SharedStateFile(opts.file) : undefined);
  }

  /** Loads the state file if it exists (decrypting secrets); a missing file is an empty store. */
  async load(): Promise<void> {
    const doc = await this.file?.read();
    // A file written only by the tenants/keys store has no providers yet.
    if (doc) this.entries = this.fromState({ version: 1, providers: [], ...doc });
  }

  list(): ManagedEntry[] {
    return [...this.entries.values()];
  }

  get(name: string): ManagedEntry | undefined {
    return this.entries.get(name);
  }

  /** Parsed managed targets (what gets merged into the running config). */
  targets(): ManagedTargets {
    const out: ManagedTargets = { clusters: [], externalProviders: [] };
    for (const e of this.entries.values()) {
      if (e.kind === "cluster") out.clusters.push(clusterSection.parse(e.config));
      else out.externalProviders.push(externalProviderSection.parse(e.config));
    }
    return out;
  }

  async create(entry: ManagedEntry): Promise<void> {
    const name = entry.config.name;
    if (this.entries.has(name) || this.opts.reserved?.().has(name))
      throw new ProviderStoreError(`A target named '${name}' already exists`, 409, "name");
    await this.commit(new Map(this.entries).set(name, entry));
  }

  /** Replaces `name`; a missing secret keeps the stored one, so clients never need to resend keys. */
  async update(name: string, entry: ManagedEntry): Promise<void> {
    const old = this.mustGet(name);
    if (entry.config.name !== name)
      throw new ProviderStoreError("name in body must match the URL", 400, "name");
    for (const f of SECRET_FIELDS[entry.kind])
      if (entry.config[f] === undefined && old.kind === entry.kind && old.config[f] !== undefined)
        entry.config[f] = old.config[f];
    await this.commit(new Map(this.entries).set(name, entry));
  }

  async setEnabled(name: string, enabled: boolean): Promise<void> {
    const old = this.mustGet(name);
    await this.commit(
      new Map(this.entries).set(name, { kind: old.kind, config: { ...old.config, enabled } }),
    );
  }

  async remove(name: string): Promise<void> {
    this.mustGet(name);
    const next = new Map(this.entries);
    next.delete(name);
    await this.commit(next);
  }

  /** The state file contents (secrets encrypted), for GET /admin/state/export. */
  exportState(): StateFile {
    return this.toState(this.entries);
  }

  /** Replaces everything with an exported state (secrets encrypted with this router's key, or in clear). */
  async importState(raw: unknown): Promise<number> {
    const next = this.fromState(raw);
    const reserved = this.opts.reserved?.() ?? new Set<string>();
    for (const name of next.keys())
      if (reserved.has(name))
        throw new ProviderStoreError(`'${name}' is defined in the config file`, 409, "providers");
    await this.commit(next);
    return next.size;
  }

  private mustGet(name: string): ManagedEntry {
    const e = this.entries.get(name);
    if (e) return e;
    if (this.opts.reserved?.().has(name))
      throw new ProviderStoreError(`'${name}' is defined in the config file; change it there`, 409, "name");
    throw new ProviderStoreError(`No managed provider named '${name}'`, 404, "name");
  }

  /** Validates the whole new set, persists it, then swaps it in and notifies. Serialised. */
  private commit(next: Map<string, ManagedEntry>): Promise<void> {
    const run = this.chain.then(async () => {
      const state = this.toState(next);
      // Validate before persisting: a bad entry must not reach the file.
      for (const e of next.values())
        (e.kind === "cluster" ? clusterSection : externalProviderSection).parse(e.config);
      if (this.file) await this.file.write({ version: state.version, providers: state.providers });
      this.entries = next;
      this.opts.onChange?.(this.targets());
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  private toState(entries: Map<string, ManagedEntry>): StateFile {
    return {
      version: 1,
      updatedAt: new Date().toISOString(),
      providers: [...entries.values()].map((e) => {
        const config: Record<string, unknown> & { name: string } = { ...e.config };
        for (const f of SECRET_FIELDS[e.kind]) {
          const v = config[f];
          if (typeof v !== "string") continue;
          if (!this.opts.box) {
            if (this.file)
              throw new ProviderStoreError(
                "ROUTER_STATE_KEY is not configured: cannot persist provider secrets encrypted",
                500,
              );
            delete config[f]; // memory-only store: exports never carry clear secrets
            continue;
          }
          config[f] = this.opts.box.encrypt(v, `${e.kind}:${e.config.name}:${f}`);
        }
        return { kind: e.kind, config };
      }),
    };
  }

  private fromState(raw: unknown): Map<string, ManagedEntry> {
    const parsed = stateFileSchema.safeParse(raw);
    if (!parsed.success)
      throw new ProviderStoreError(
        `invalid state: ${parsed.error.issues[0]?.message ?? "bad shape"}`,
        400,
        "providers",
      );
    const out = new Map<string, ManagedEntry>();
    for (const [i, p] of parsed.data.providers.entries()) {
      const config: Record<string, unknown> & { name: string } = { ...p.config };
      for (const f of SECRET_FIELDS[p.kind]) {
        const v = config[f];
        if (typeof v !== "string" || !isEncrypted(v)) continue;
        if (!this.opts.box)
          throw new ProviderStoreError(
            "state has encrypted secrets but ROUTER_STATE_KEY is not configured",
            400,
          );
        try {
          config[f] = this.opts.box.decrypt(v, `${p.kind}:${p.config.name}:${f}`);
        } catch (err) {
          throw new ProviderStoreError(
            `providers.${i}.config.${f}: ${(err as Error).message}`,
            400,
            `providers.${i}`,
          );
        }
      }
      const r = (p.kind === "cluster" ? clusterSection : externalProviderSection).safeParse(config);
      if (!r.success)
        throw new ProviderStoreError(
          `providers.${i}: ${r.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`).join("; ")}`,
          400,
          `providers.${i}`,
        );
      if (out.has(p.config.name))
        throw new ProviderStoreError(`duplicate provider name '${p.config.name}'`, 400, `providers.${i}`);
      out.set(p.config.name, { kind: p.kind, config });
    }
    return out;
  }
}
