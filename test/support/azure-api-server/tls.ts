/**
 * A self-signed certificate for 127.0.0.1, made once per process with the openssl CLI: the Azure SDKs refuse
 * plain http for credentials and bearer tokens, so the server must speak TLS and tests must trust this CA.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCertificate {
  readonly key: string;
  readonly cert: string;
  /** File holding the certificate (for NODE_EXTRA_CA_CERTS in child processes). */
  readonly certPath: string;
}

let cached: TestCertificate | undefined;

export function testCertificate(): TestCertificate {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), "berth-azure-tls-"));
  const keyPath = join(dir, "key.pem");
  const certPath = join(dir, "cert.pem");
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", keyPath, "-out", certPath],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  cached = { key: readFileSync(keyPath, "utf8"), cert: readFileSync(certPath, "utf8"), certPath };
  // The key stays in memory only; the certificate file stays for child processes until the process ends.
  rmSync(keyPath);
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  return cached;
}
