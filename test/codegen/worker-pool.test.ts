import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import type { JobCache } from "../../codegen/emit/job-cache.js";
import { startJobWorkerEarly, takeEarlyJobWorker } from "../../codegen/emit/job-worker.js";
import { loadJob } from "../../codegen/emit/worker-jobs.js";
import { createWorkerPool } from "../../codegen/emit/worker-pool.js";
import { JOB_CACHE_DIR, openJobCache } from "../../codegen/job-cache-dir.js";
import { planOutput } from "../../codegen/write-output.js";
import { outDir } from "./support/paths.js";

const json = JSON.stringify({ openapi: "3.1.0", info: { title: "T", version: "1" }, paths: { "/a": { get: {} } } }, null, 2);

/** A JobCache in memory that counts what it was asked. */
function memoryCache(): JobCache & { gets: number; sets: number } {
  const entries = new Map<string, unknown>();
  return {
    gets: 0,
    sets: 0,
    get(key) {
      this.gets++;
      return entries.get(key);
    },
    set(key, result) {
      this.sets++;
      entries.set(key, result);
    },
  };
}

const yamlOf = async (input: string) => (await loadJob("contractYaml"))(input);

describe("worker pool", () => {
  it("gives a job's result whichever thread runs it: the worker, or this thread when it drains first", async () => {
    const expected = await yamlOf(json);
    const pool = createWorkerPool({ startNow: true });
    try {
      const inWorker = await pool.run("contractYaml", json);
      const posted = pool.run("contractYaml", json);
      await pool.drain(); // this thread claims it unless the worker already did
      expect([inWorker, await posted]).toEqual([expected, expected]);
    } finally {
      await pool.close();
    }
  });

  it("leaves a leaveToWorker job to the worker when it drains (the types: this thread would load TypeScript first)", async () => {
    const pool = createWorkerPool({ startNow: true });
    let ranHere = 0;
    try {
      const posted = pool.run("contractYaml", json, {
        here: () => {
          ranHere++;
          return "here";
        },
        leaveToWorker: true,
      });
      await pool.drain();
      expect(await posted).toBe(await yamlOf(json));
      expect(ranHere).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it("runs a small job here, once, when no worker was started; a large one starts the worker", async () => {
    const pool = createWorkerPool();
    let ranHere = 0;
    const here = () => {
      ranHere++;
      return "here";
    };
    const small = pool.run("contractYaml", json, { here });
    await pool.drain();
    expect(await small).toBe("here");
    expect(ranHere).toBe(1);
    // A large job starts the worker, which runs it when this thread does not drain.
    const large = pool.run("contractYaml", json, { here, large: true });
    expect(await large).toBe(await yamlOf(json));
    expect(ranHere).toBe(1);
    await pool.close();
  });

  it("takes the worker started early, unless it has ended", async () => {
    startJobWorkerEarly();
    const taken = takeEarlyJobWorker();
    expect(taken).toBeDefined();
    expect(takeEarlyJobWorker()).toBeUndefined(); // one run takes it
    await taken!.worker.terminate();

    // One that ended before a run took it (it failed to start, say) is not handed over: the run starts its own.
    const early = startJobWorkerEarly();
    const ended = new Promise((resolve) => early.worker.once("exit", resolve));
    await early.worker.terminate();
    await ended;
    expect(takeEarlyJobWorker()).toBeUndefined();
  });

  it("resolves a job a cache holds without running it, and stores what it runs", async () => {
    const cache = memoryCache();
    const first = createWorkerPool({ cache, startNow: true });
    const computed = first.run("contractYaml", json);
    await first.drain();
    expect(await computed).toBe(await yamlOf(json));
    await first.close();
    expect(cache.sets).toBe(1);

    const second = createWorkerPool({ cache, startNow: true });
    expect(await second.run("contractYaml", json)).toBe(await yamlOf(json));
    await second.close();
    expect(cache.sets).toBe(1); // a hit: nothing ran, nothing stored
    // Another input misses.
    const third = createWorkerPool({ cache, startNow: true });
    const other = third.run("contractYaml", json.replace('"T"', '"U"'));
    await third.drain();
    expect(await other).toContain("title: U");
    await third.close();
    expect(cache.sets).toBe(2);
  });
});

describe("job cache in the output directory", () => {
  it("keeps the last run's results, drops unused ones, and is neither output nor obsolete", async () => {
    const dir = outDir("worker-pool", "cache");
    await rm(dir, { recursive: true, force: true });
    const run = async (input: string) => {
      const jobCache = openJobCache(dir);
      const pool = createWorkerPool({ cache: jobCache.cache, startNow: true });
      const result = pool.run("contractYaml", input);
      await pool.drain();
      results.push(await result);
      await pool.close();
      await jobCache.save();
      return readdir(`${dir}/${JOB_CACHE_DIR}`);
    };
    const results: string[] = [];
    const [entry] = await run(json);
    expect(await run(json)).toEqual([entry]);
    // The second run read the YAML back from the file (written raw, not as JSON): the same text.
    expect(results[1]).toBe(results[0]);
    expect(results[0]).toContain("title: T");
    const replaced = await run(json.replace('"T"', '"U"'));
    expect(replaced).toHaveLength(1);
    expect(replaced[0]).not.toBe(entry);

    // A generated file beside it: the cache is not listed as obsolete output.
    await mkdir(dir, { recursive: true });
    await writeFile(`${dir}/other.txt`, "not ours");
    expect((await planOutput(dir, [])).obsolete).toEqual([]);
  });
});
