/**
 * Preloaded into the API by `npm run bench:memory` (`--import`): every
 * second, one line on stderr with the process's memory as Node and V8 see
 * it, so RSS can be split into live heap, heap V8 holds but does not use, and
 * the rest (code, stacks, buffers, malloc). Nothing else; not used outside
 * benches.
 */
import v8 from "node:v8";

const MB = 1024 * 1024;
setInterval(() => {
  const usage = process.memoryUsage();
  const spaces = Object.fromEntries(
    v8
      .getHeapSpaceStatistics()
      .map((space) => [space.space_name, [space.space_size, space.space_used_size].map((n) => +(n / MB).toFixed(1))]),
  );
  process.stderr.write(
    `memory-probe ${JSON.stringify({
      rss: +(usage.rss / MB).toFixed(1),
      heapTotal: +(usage.heapTotal / MB).toFixed(1),
      heapUsed: +(usage.heapUsed / MB).toFixed(1),
      external: +(usage.external / MB).toFixed(1),
      arrayBuffers: +(usage.arrayBuffers / MB).toFixed(1),
      new: spaces.new_space,
      old: spaces.old_space,
      lo: spaces.large_object_space,
    })}\n`,
  );
}, 1000).unref();
