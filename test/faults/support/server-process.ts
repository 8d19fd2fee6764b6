import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { freePort } from "../../../scripts/support/free-port.js";
import { SERVER_ARGS } from "../../../scripts/support/server-command.js";

const root = path.resolve(import.meta.dirname, "../../..");

/** The real server (`src/main.ts`, what `npm start` runs) as a child process on a free port. */
export interface ServerProcess {
  readonly baseUrl: string;
  readonly child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Sends SIGKILL if it is still running. */
  kill(): void;
}

export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, PORT: String(port) };
  delete childEnv.BETTER_AUTH_URL;
  delete childEnv.API_PUBLIC_URL;
  const child = spawn(process.execPath, SERVER_ARGS, {
    cwd: root,
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const started = Date.now();
  while (!output.includes("Commerce API on")) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    if (Date.now() - started > 90_000) throw new Error(`server did not start in 90 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    baseUrl,
    child,
    output: () => output,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}
