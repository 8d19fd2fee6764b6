/**
 * Where a V8 CPU profile (`node --cpu-prof`, one `.cpuprofile` per thread)
 * spent its time, by phase: each sample goes to the innermost frame on its
 * stack whose function name a phase claims, so work a phase runs on behalf
 * of another (the types printed by an emitter on this thread) counts as the
 * inner one. V8 reports garbage collection and idle time as frames of their
 * own; samples no phase claims are `other` (start-up glue, module
 * initialisation, messages between threads).
 */

/** The parts of a `.cpuprofile` read here (Chrome DevTools' Profile). */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string };
    readonly children?: readonly number[];
  }[];
  /** Microseconds on a clock all threads of a process share. */
  readonly startTime: number;
  readonly samples: readonly number[];
  /** Microseconds from the previous sample (the first: from `startTime`); a sample lasts until the next. */
  readonly timeDeltas: readonly number[];
}

export interface Phase {
  readonly name: string;
  /** Matched against a frame's function name (esbuild may suffix a digit to a name it had to rename). */
  readonly functions: RegExp;
}

export interface PhaseTimes {
  /** Milliseconds per phase, in the order the phases were given. */
  readonly phases: ReadonlyMap<string, number>;
  readonly gc: number;
  readonly idle: number;
  readonly other: number;
  /** Everything but idle. */
  readonly busy: number;
  /** When each phase that ran last had a sample, on the profile's clock (µs). */
  readonly lastSampleAt: ReadonlyMap<string, number>;
}

const GC = "(garbage collector)";
const IDLE = "(idle)";

/** Milliseconds per phase, of the samples taken before `until` (µs, the profile's clock) when given. */
export function phaseTimes(profile: CpuProfile, phases: readonly Phase[], until = Number.POSITIVE_INFINITY): PhaseTimes {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  // Each node's phase, worked out once: the nearest one of itself and its ancestors that a phase claims.
  const phaseOfNode = new Map<number, string | undefined>();
  const phaseOf = (id: number): string | undefined => {
    // Up the stack (iteratively: recursive code such as Redocly's walker makes deep stacks) to a known or claimed frame.
    const path: number[] = [];
    let found: string | undefined;
    for (let current: number | undefined = id; current !== undefined; current = parentOf.get(current)) {
      if (phaseOfNode.has(current)) {
        found = phaseOfNode.get(current);
        break;
      }
      path.push(current);
      const name = byId.get(current)!.callFrame.functionName;
      found = phases.find((phase) => phase.functions.test(name))?.name;
      if (found) break;
    }
    for (const visited of path) phaseOfNode.set(visited, found);
    return found;
  };

  const totals = new Map<string, number>(phases.map((phase) => [phase.name, 0]));
  let gc = 0;
  let idle = 0;
  let other = 0;
  const lastSampleAt = new Map<string, number>();
  let at = profile.startTime;
  for (let index = 0; index < profile.samples.length; index += 1) {
    at += profile.timeDeltas[index] ?? 0;
    if (at >= until) break;
    const id = profile.samples[index]!;
    const ms = (profile.timeDeltas[index + 1] ?? 0) / 1000;
    const name = byId.get(id)!.callFrame.functionName;
    if (name === GC) gc += ms;
    else if (name === IDLE) idle += ms;
    else {
      const phase = phaseOf(id);
      if (phase === undefined) other += ms;
      else {
        totals.set(phase, totals.get(phase)! + ms);
        lastSampleAt.set(phase, at);
      }
    }
  }
  const busy = gc + other + [...totals.values()].reduce((sum, ms) => sum + ms, 0);
  return { phases: totals, gc, idle, other, busy, lastSampleAt };
}
