/**
 * Latency under a fixed request rate (open loop): autocannon sends
 * `overallRate` requests per second whatever the server's pace, and corrects
 * for coordinated omission (a request that should have left while an earlier
 * one was stuck counts the wait), so the percentiles are what clients at that
 * rate see — unlike a closed loop at saturation, whose p99 measures queueing.
 */
import autocannon, { type Options } from "autocannon";

export interface OpenLoopResult {
  /** The rate asked for and the rate achieved, requests per second. */
  readonly targetRate: number;
  readonly achievedRate: number;
  /** Milliseconds at each percentile of `PERCENTILES`. */
  readonly percentiles: ReadonlyMap<string, number>;
  readonly p50: number;
  readonly p99: number;
  readonly failures: number;
}

/** autocannon's latency fields, lowest first: the rows of the printed histogram. */
const PERCENTILES = ["p1", "p10", "p25", "p50", "p75", "p90", "p97_5", "p99", "p99_9", "max"] as const;

export function openLoop(options: Options, rate: number, seconds: number): Promise<OpenLoopResult> {
  return new Promise((resolve, reject) => {
    autocannon({ ...options, overallRate: rate, duration: seconds }, (error, result) => {
      if (error) return reject(error);
      const latency = result.latency as unknown as Record<string, number>;
      const percentiles = new Map(PERCENTILES.map((name) => [name, latency[name] ?? Number.NaN]));
      resolve({
        targetRate: rate,
        achievedRate: result.requests.total / result.duration,
        percentiles,
        p50: latency.p50 ?? Number.NaN,
        p99: latency.p99 ?? Number.NaN,
        failures: result.non2xx + result.errors + result.timeouts,
      });
    });
  });
}

/** One line per percentile with a bar scaled to the slowest shown, so the shape of the tail is visible. */
export function printHistogram(title: string, result: OpenLoopResult): void {
  console.log(`\n${title}: ${result.achievedRate.toFixed(0)} req/s achieved of ${result.targetRate} asked, ${result.failures} failed`);
  const largest = Math.max(...[...result.percentiles.values()].filter(Number.isFinite), 1);
  for (const [name, ms] of result.percentiles) {
    const bar = "#".repeat(Math.max(1, Math.round((40 * ms) / largest)));
    console.log(`  ${name.replace("_", ".").padStart(6)} ${ms.toFixed(2).padStart(9)} ms ${bar}`);
  }
}
