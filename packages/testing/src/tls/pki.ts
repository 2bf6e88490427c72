import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** Files `makeTestPki` writes into its directory. */
export interface TestPki {
  /** CA certificate that signed both others. */
  ca: string;
  /** Server certificate for IP 127.0.0.1, and its key. */
  serverCert: string;
  serverKey: string;
  /** Client certificate (CN=client), and its key. */
  clientCert: string;
  clientKey: string;
}

/**
 * A throwaway CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl
 * (EC P-256 keys: fast to generate), valid one day. For mTLS tests on loopback.
 */
export function makeTestPki(dir: string): TestPki {
  const run = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  run("req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=test-ca");
  writeFileSync(join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
  for (const name of ["server", "client"]) {
    run("req", ...ec, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`);
    const ext = name === "server" ? ["-extfile", "san.ext"] : [];
    const ca = ["-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1"];
    run("x509", "-req", "-in", `${name}.csr`, ...ca, "-out", `${name}.pem`, ...ext);
  }
  return {
    ca: join(dir, "ca.pem"),
    serverCert: join(dir, "server.pem"),
    serverKey: join(dir, "server.key"),
    clientCert: join(dir, "client.pem"),
    clientKey: join(dir, "client.key"),
  };
}
