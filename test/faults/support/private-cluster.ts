import { execFile, execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "../../../scripts/support/free-port.js";

const run = promisify(execFile);

/** Where Debian puts PostgreSQL 15's server binaries; PG_BIN_DIR overrides it. */
const BIN_DIR = process.env.PG_BIN_DIR ?? "/usr/lib/postgresql/15/bin";

/**
 * A PostgreSQL server of the test's own (initdb + pg_ctl, in a temp dir, on
 * a free port), so a test can stop and start it at will; the machine's
 * shared server on 5432 is never touched. Root may not run PostgreSQL, so
 * as root every command runs as the `postgres` OS user (runuser).
 */
export interface PrivateCluster {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  readonly url: string;
  readonly port: number;
  /** `pg_ctl stop`: "fast" disconnects sessions (57P01), "immediate" drops them like a crash. */
  stop(mode: "fast" | "immediate"): Promise<void>;
  /** `pg_ctl start` on the same port and data; resolves once it accepts connections. */
  start(): Promise<void>;
  /** The server log so far (for failure messages). */
  log(): string;
  /** Stops the server and deletes its files. */
  dispose(): Promise<void>;
}

export async function startPrivateCluster(): Promise<PrivateCluster> {
  for (const binary of ["initdb", "pg_ctl", "postgres"]) {
    // Loud, never a skip: a machine without the server cannot run the fault tests.
    if (!existsSync(path.join(BIN_DIR, binary))) {
      throw new Error(
        `PostgreSQL server binary ${path.join(BIN_DIR, binary)} is missing: install postgresql-15 (apt-get install -y postgresql-15) or set PG_BIN_DIR`,
      );
    }
  }
  const root = mkdtempSync(path.join(tmpdir(), "commerce-faults-pg-"));
  const dataDir = path.join(root, "data");
  const logFile = path.join(root, "server.log");
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(root, uid, gid);
  }
  const command = (binary: string, args: string[]): [string, string[]] =>
    asRoot ? ["runuser", ["-u", "postgres", "--", path.join(BIN_DIR, binary), ...args]] : [path.join(BIN_DIR, binary), args];
  const pgCtl = async (args: string[]) => {
    const [file, argv] = command("pg_ctl", ["-D", dataDir, ...args]);
    await run(file, argv, { timeout: 60_000 });
  };

  const [initFile, initArgs] = command("initdb", ["-D", dataDir, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
  await run(initFile, initArgs, { timeout: 120_000 });
  const port = await freePort();
  // Loopback only, socket in the temp dir, no fsync (throwaway data; crash safety is not under test, transactions are).
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${root} -c fsync=off -c full_page_writes=off -c max_connections=100`;
  const start = () => pgCtl(["-w", "-t", "60", "-l", logFile, "-o", options, "start"]);
  await start();

  let disposed = false;
  // A crashed test run must not leave a server behind.
  const stopAtExit = () => {
    if (disposed) return;
    try {
      const [file, argv] = command("pg_ctl", ["-D", dataDir, "-m", "immediate", "stop"]);
      execFileSync(file, argv, { stdio: "ignore", timeout: 10_000 });
    } catch {
      // already stopped
    }
    rmSync(root, { recursive: true, force: true });
  };
  process.once("exit", stopAtExit);

  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop: (mode) => pgCtl(["-w", "-t", "60", "-m", mode, "stop"]),
    start,
    log: () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : ""),
    async dispose() {
      await pgCtl(["-m", "immediate", "stop"]).catch(() => undefined);
      disposed = true;
      process.removeListener("exit", stopAtExit);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
