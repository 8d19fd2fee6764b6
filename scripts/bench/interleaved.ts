/**
 * Runs two load cases in alternating slices (A, B, A, B, …) instead of one
 * after the other, so both see the same machine. On a shared 2-core VM the
 * same server's throughput drifts by ±30% over minutes (measured: the bare
 * baseline's product list ranged 1,516–5,444 req/s between runs); run back
 * to back, a ratio mostly measures that drift.
 *
 * Percentiles come from every response's latency across all slices of a
 * side, not from averaging per-slice percentiles.
 */
import autocannon, { type Options } from "autocannon";

export interface SideStats {
  /** Responses per second over the side's slices. */
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  /** Non-2xx responses plus connection errors and timeouts. */
  readonly failures: number;
}

interface SliceResult {
  readonly latencies: number[];
  readonly seconds: number;
  readonly failures: number;
}

function slice(options: Options, seconds: number): Promise<SliceResult> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const instance = autocannon({ ...options, duration: seconds }, (error, result) => {
      if (error) reject(error);
      else resolve({ latencies, seconds: result.duration, failures: result.non2xx + result.errors + result.timeouts });
    });
    instance.on("response", (_client: unknown, _status: number, _bytes: number, responseTime: number) => latencies.push(responseTime));
  });
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!);
}

function combine(slices: readonly SliceResult[]): SideStats {
  const latencies = slices.flatMap((item) => item.latencies).sort((a, b) => a - b);
  const seconds = slices.reduce((sum, item) => sum + item.seconds, 0);
  return {
    requestsPerSecond: latencies.length / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    failures: slices.reduce((sum, item) => sum + item.failures, 0),
  };
}

/**
 * `totalSeconds` per side, cut into `slices` alternating runs, after a short
 * warm-up of each (JIT, pools). Returns the stats of A and of B.
 */
export async function interleaved(a: Options, b: Options, totalSeconds: number, slices: number): Promise<{ a: SideStats; b: SideStats }> {
  await slice(a, 2);
  await slice(b, 2);
  const perSlice = Math.max(1, Math.round(totalSeconds / slices));
  const resultsA: SliceResult[] = [];
  const resultsB: SliceResult[] = [];
  for (let index = 0; index < slices; index++) {
    resultsA.push(await slice(a, perSlice));
    resultsB.push(await slice(b, perSlice));
  }
  return { a: combine(resultsA), b: combine(resultsB) };
}
