import { readFile, rename, writeFile } from "node:fs/promises";

/**
 * `admin.stateFile`, shared by the stores that persist there (admin-managed providers under
 * `providers`, API-made tenants and keys under `access`): each writes its own top-level fields,
 * the others' are kept. Writes are serialised and atomic (temp file + rename, mode 0600).
 */
export class SharedStateFile {
  private doc: Record<string, unknown> | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  /** The file's contents (cached after the first read); undefined when there is no file yet. */
  async read(): Promise<Record<string, unknown> | undefined> {
    if (this.doc) return this.doc;
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
    const parsed: unknown = JSON.parse(text);
    this.doc = parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
    return this.doc;
  }

  /** Replaces the fields in `patch`, keeping every other one, and writes the file. */
  write(patch: Record<string, unknown>): Promise<void> {
    const run = this.chain.then(async () => {
      const next = { ...((await this.read()) ?? {}), ...patch, updatedAt: new Date().toISOString() };
      const tmp = `${this.path}.${process.pid}.tmp`;
      await writeFile(tmp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
      await rename(tmp, this.path);
      this.doc = next;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }
}
