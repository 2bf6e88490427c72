import pino, { type Logger } from "pino";

/**
 * JSON logs on stderr: stdout is reserved for the single "runtime ready" line that launchers wait
 * for; writes are synchronous so the last lines survive process.exit. Header values are never logged (they carry signatures), and secrets never reach a log call.
 */
export function createLogger(level: string): Logger {
  return pino(
    { name: "llm-runtime", level, base: { pid: process.pid } },
    pino.destination({ fd: 2, sync: true }),
  );
}
