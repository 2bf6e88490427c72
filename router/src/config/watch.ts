import { type FSWatcher, watch } from "node:fs";
import type { Logger } from "pino";
import { loadConfigFile } from "./load.js";
import type { RouterConfig } from "./schema.js";

export interface ConfigWatcherOptions {
  path: string;
  /** Called with each new valid config. */
  onConfig: (config: RouterConfig) => void;
  logger: Logger;
  /** Reload on SIGHUP. Defaults to true. */
  sighup?: boolean;
  /** Reload when the file changes. Defaults to true. */
  watchFile?: boolean;
  /** Quiet period after a file event before reloading (editors write in several steps). Defaults to 200 ms. */
  debounceMs?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * Reloads the config file on SIGHUP or when it changes. A file that fails validation is
 * logged and ignored: the running config stays. `reload()` is the SIGHUP-equivalent for tests.
 */
export class ConfigWatcher {
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private readonly onHup = () => void this.reload();
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: ConfigWatcherOptions) {
    if (opts.sighup ?? true) process.on("SIGHUP", this.onHup);
    if (opts.watchFile ?? true) {
      // Watch the directory: editors and kubelet (ConfigMap symlink swaps) replace the file.
      const dir = opts.path.includes("/") ? opts.path.slice(0, opts.path.lastIndexOf("/")) || "/" : ".";
      const base = opts.path.slice(opts.path.lastIndexOf("/") + 1);
      this.watcher = watch(dir, (_event, file) => {
        if (file && file !== base && !String(file).startsWith("..")) return;
        clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.reload(), opts.debounceMs ?? 200);
      });
      this.watcher.on("error", (err) => opts.logger.warn({ err }, "config watch failed"));
    }
  }

  /** Loads and applies the file now; resolves true when applied, false when rejected. */
  reload(): Promise<boolean> {
    const run = this.chain.then(async () => {
      try {
        const config = await loadConfigFile(this.opts.path, this.opts.env);
        this.opts.onConfig(config);
        this.opts.logger.info({ path: this.opts.path }, "router config reloaded");
        return true;
      } catch (err) {
        this.opts.logger.error(
          { err: (err as Error).message },
          "router config rejected; keeping the previous one",
        );
        return false;
      }
    });
    this.chain = run;
    return run;
  }

  close(): void {
    process.off("SIGHUP", this.onHup);
    clearTimeout(this.timer);
    this.watcher?.close();
  }
}
