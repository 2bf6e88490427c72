import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createExporter, type Exporter, type ExporterOptions } from "./exporter.js";

export interface RunningExporter {
  exporter: Exporter;
  server: Server;
  /** Base URL the server listens on, e.g. http://127.0.0.1:9400 */
  url: string;
  close(): Promise<void>;
}

/** Builds the exporter, starts its refresh loop and listens on `config.host:config.port`. */
export async function startExporter(opts: ExporterOptions): Promise<RunningExporter> {
  const exporter = createExporter(opts);
  exporter.collector.start();
  const { host, port } = opts.config;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = exporter.app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  return {
    exporter,
    server,
    url: `http://${shownHost}:${addr.port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await exporter.close();
    },
  };
}
