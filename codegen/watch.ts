import { type FSWatcher, watch } from "node:fs";
import path from "node:path";

/** Ends the line printed once the first run is over and the watcher is up (scripts/dev.ts starts the server on it). */
export const WATCH_READY = "; Ctrl-C to stop";

export interface WatchSpecOptions {
  /** The root document. */
  readonly specPath: string;
  /** Absolute paths of the spec's files as the first run read them (root and `$ref`s); empty if it could not. */
  readonly initialFiles: readonly string[];
  /**
   * Regenerates after a save of `trigger` (an absolute path). Resolves to the
   * spec's files as this run read them, or to an empty list when the spec
   * could not be read (the files watched so far stay watched).
   */
  readonly run: (trigger: string) => Promise<readonly string[]>;
  readonly log: (line: string) => void;
  /** Quiet time after the last save before a run (editors write a file in several steps). Default 100 ms. */
  readonly debounceMs?: number;
  /** Stops watching when aborted; SIGINT and SIGTERM stop it too. */
  readonly signal?: AbortSignal;
}

/**
 * `npm run generate -- --watch`: runs `run` after each save of the spec or a
 * file it `$ref`s, debounced, one run at a time (saves during a run make one
 * more run after it). Watches the directories of those files, not the files,
 * so editors that save by writing a new file and renaming it are seen too.
 * Resolves when stopped (Ctrl-C), with every watcher closed.
 */
export function watchSpec(options: WatchSpecOptions): Promise<void> {
  const debounceMs = options.debounceMs ?? 100;
  const root = path.resolve(options.specPath);
  let files = new Set([root, ...options.initialFiles.map((file) => path.resolve(file))]);
  const watchers = new Map<string, FSWatcher>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let pending: string | undefined;
  let stopped = false;

  const watchDirectoriesOf = (watched: ReadonlySet<string>) => {
    const directories = new Set([...watched].map((file) => path.dirname(file)));
    for (const [directory, watcher] of watchers) {
      if (directories.has(directory)) continue;
      watcher.close();
      watchers.delete(directory);
    }
    for (const directory of directories) {
      if (watchers.has(directory)) continue;
      try {
        const watcher = watch(directory, (_event, name) => {
          const changed = name ? path.join(directory, name.toString()) : undefined;
          if (changed === undefined || files.has(changed)) schedule(changed ?? directory);
        });
        watcher.on("error", (error) => options.log(`watch: ${path.relative(process.cwd(), directory) || "."}: ${error.message}`));
        watchers.set(directory, watcher);
      } catch (error) {
        options.log(`watch: cannot watch ${directory}: ${(error as Error).message}`);
      }
    }
  };

  const schedule = (trigger: string) => {
    if (stopped) return;
    pending = trigger;
    clearTimeout(timer);
    timer = setTimeout(flush, debounceMs);
  };

  const flush = async () => {
    if (running || pending === undefined || stopped) return;
    const trigger = pending;
    pending = undefined;
    running = true;
    try {
      const read = await options.run(trigger);
      if (read.length > 0 && !stopped) {
        files = new Set([root, ...read.map((file) => path.resolve(file))]);
        watchDirectoriesOf(files);
      }
    } finally {
      running = false;
    }
    // Saved again while generating: once more, with the latest save.
    if (pending !== undefined) schedule(pending);
  };

  watchDirectoriesOf(files);
  const others = files.size - 1;
  options.log(
    `watch: ${path.relative(process.cwd(), root) || root}${others > 0 ? ` and the ${others} file(s) it $refs` : ""}${WATCH_READY}`,
  );

  return new Promise((resolve) => {
    const stop = () => {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      options.signal?.removeEventListener("abort", stop);
      options.log("watch: stopped");
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    if (options.signal?.aborted) stop();
    else options.signal?.addEventListener("abort", stop);
  });
}
