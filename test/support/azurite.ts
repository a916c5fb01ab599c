/**
 * Azurite (the Azure Storage emulator, an exact devDependency) as a child process for tests of berth's blob state:
 * the real Blob service protocol — leases, conditional writes, append blobs — on this machine, in memory, on a free
 * port, without telemetry. Started once per test file: it takes about half a second.
 *
 * Readiness is an event, not a timer: Azurite prints the address it listens on (port 0 asks the system for a free
 * one), and the port is then polled until it accepts a connection; a process that exits first fails the start with
 * its output.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { connect } from "node:net";
import { dirname, join } from "node:path";
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";

/** Azurite's well-known development account (public, documented; not a secret). */
export const AZURITE_ACCOUNT = "devstoreaccount1";
export const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/** Fails a start that has not listened by then (a broken install), rather than hanging the test file. */
const START_DEADLINE_MS = 30_000;

export interface Azurite {
  /** The Blob service URL, path-style: http://127.0.0.1:<port>/devstoreaccount1 */
  readonly endpoint: string;
  /** What AZURE_STORAGE_CONNECTION_STRING holds for it. */
  readonly connectionString: string;
  readonly service: BlobServiceClient;
  container(name: string): ContainerClient;
  close(): Promise<void>;
}

export const azuriteBin = (): string => join(dirname(createRequire(import.meta.url).resolve("azurite/package.json")), "dist", "src", "blob", "main.js");

export async function startAzurite(): Promise<Azurite> {
  const child = spawn(process.execPath, [azuriteBin(), "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--disableTelemetry", "--silent", "--blobHost", "127.0.0.1", "--blobPort", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const announced = new Promise<number>((resolve, reject) => {
    const read = (d: Buffer) => {
      output += d;
      const m = /listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (m) resolve(Number(m[1]));
    };
    child.stdout!.on("data", read);
    child.stderr!.on("data", read);
    void exited.then((code) => reject(new Error(`azurite exited (${code}) before listening:\n${output}`)));
  });
  let port: number;
  try {
    port = await withDeadline(announced.then((p) => listening(p, exited).then(() => p)), () => `azurite did not listen within ${START_DEADLINE_MS / 1000}s:\n${output}`);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  const endpoint = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
  const connectionString = `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${endpoint};`;
  const service = BlobServiceClient.fromConnectionString(connectionString);
  return {
    endpoint,
    connectionString,
    service,
    container: (name) => service.getContainerClient(name),
    close: () => stop(child, exited),
  };
}

/** Tries to connect until the port accepts (it does at once after the announcement; the loop covers a slow bind). */
async function listening(port: number, exited: Promise<unknown>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  while (!gone) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: "127.0.0.1", port }, () => {
        socket.end();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
    });
    if (ok) return;
    // Waits for the next turn of the event loop's I/O, not for a time: a refused connect comes back at once.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function withDeadline<T>(work: Promise<T>, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), START_DEADLINE_MS);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** SIGTERM (Azurite closes its server), SIGKILL should it not have exited after a few seconds. */
async function stop(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const force = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(force);
}
