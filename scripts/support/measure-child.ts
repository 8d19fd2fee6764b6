import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/** One run of a child Node process. */
export interface Sample {
  seconds: number;
  /** User + system CPU time of the child, all its threads: less sensitive to a busy machine than wall time. */
  cpuSeconds: number | undefined;
  peakMb: number | undefined;
}

const gnuTime = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
/** Where peak RSS comes from: GNU time when installed, else the child's own report. */
export const PEAK_SOURCE = gnuTime ? "GNU time" : "maxRSS";

/** When GNU time is missing, the child prints its own peak RSS (kB on Linux) and CPU time on exit. */
const PEAK_PRELOAD = `data:text/javascript,process.on("exit",()=>{const u=process.resourceUsage();process.stderr.write("__peak_kb="+u.maxRSS+" __cpu_s="+(u.userCPUTime+u.systemCPUTime)/1e6+"\\n")})`;

/** Runs `node args` once in `cwd`; wall time measured around the child, peak RSS and CPU from GNU time or the child itself. */
export function measureChild(node: string, args: readonly string[], cwd: string): Sample {
  const started = performance.now();
  const result = gnuTime
    ? spawnSync(gnuTime, ["-f", "__peak_kb=%M __cpu_s=%U+%S", node, ...args], { cwd, encoding: "utf8" })
    : spawnSync(node, ["--import", PEAK_PRELOAD, ...args], { cwd, encoding: "utf8" });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`${node} ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  const peak = /__peak_kb=(\d+)/.exec(result.stderr ?? "");
  const cpu = /__cpu_s=([\d.]+)(?:\+([\d.]+))?/.exec(result.stderr ?? "");
  return {
    seconds,
    cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2] ?? 0) : undefined,
    peakMb: peak ? Number(peak[1]) / 1024 : undefined,
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** The median of each measure over several runs. */
export function summarize(samples: readonly Sample[]): Sample {
  const medianOf = (values: (number | undefined)[]) => {
    const known = values.filter((value): value is number => value !== undefined);
    return known.length > 0 ? median(known) : undefined;
  };
  return {
    seconds: median(samples.map((sample) => sample.seconds)),
    cpuSeconds: medianOf(samples.map((sample) => sample.cpuSeconds)),
    peakMb: medianOf(samples.map((sample) => sample.peakMb)),
  };
}
