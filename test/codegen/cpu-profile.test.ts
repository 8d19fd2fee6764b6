import { describe, expect, it } from "vitest";
import { type CpuProfile, phaseTimes } from "../../scripts/support/cpu-profile.js";

/*
 * scripts/profile-codegen.ts's accounting (scripts/support/cpu-profile.ts):
 * a sample belongs to the innermost claimed frame on its stack; garbage
 * collection, idle time and unclaimed samples are counted apart; a window
 * ends at `until`.
 */

const frame = (id: number, functionName: string, children: number[] = []) => ({ id, callFrame: { functionName }, children });

// (root) ─ typesOf ─ emitExpression ─ leaf
//        │         └ typesHelper
//        ├ (garbage collector), (idle), glue
const profile: CpuProfile = {
  nodes: [
    frame(1, "(root)", [2, 5, 6, 7]),
    frame(2, "typesOf", [3, 8]),
    frame(3, "emitExpression", [4]),
    frame(4, "leaf"),
    frame(5, "(garbage collector)"),
    frame(6, "(idle)"),
    frame(7, "glue"),
    frame(8, "typesHelper"),
  ],
  startTime: 5_000,
  samples: [4, 4, 8, 5, 6, 7, 7],
  // The first delta is from startTime; each sample lasts until the next one: 1 ms each, the last none.
  timeDeltas: [10, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000],
};
const phases = [
  { name: "types", functions: /^typesOf$/ },
  { name: "printer", functions: /^emitExpression$/ },
];

describe("phaseTimes", () => {
  it("gives a sample to the innermost phase on its stack, and counts GC, idle and the rest apart", () => {
    const times = phaseTimes(profile, phases);
    expect(Object.fromEntries(times.phases)).toEqual({ types: 1, printer: 2 });
    expect({ gc: times.gc, idle: times.idle, other: times.other, busy: times.busy }).toEqual({ gc: 1, idle: 1, other: 1, busy: 5 });
    expect(Object.fromEntries(times.lastSampleAt)).toEqual({ printer: 6_010, types: 7_010 });
  });

  it("counts only the samples taken before `until`", () => {
    const times = phaseTimes(profile, phases, 7_010);
    expect(Object.fromEntries(times.phases)).toEqual({ types: 0, printer: 2 });
    expect(times.busy).toBe(2);
    expect(Object.fromEntries(times.lastSampleAt)).toEqual({ printer: 6_010 });
  });
});
