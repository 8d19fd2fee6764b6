/**
 * The targets a bench run checks, collected as it goes and printed last as
 * one table: what was measured, the limit, and PASS or FAIL.
 */
export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly limit: string;
  readonly pass: boolean;
}

export class TargetTable {
  private readonly checks: TargetCheck[] = [];

  /** `measured` at least `minimum` (a share, 0.85 = 85%). */
  atLeastShare(target: string, measured: number, minimum: number): void {
    this.checks.push({ target, measured: percent(measured), limit: `≥ ${percent(minimum)}`, pass: measured >= minimum });
  }

  /** `measured` at most `maximum`, both in `unit`. */
  atMost(target: string, measured: number, maximum: number, unit: string): void {
    const format = (value: number) => `${value.toFixed(unit === "×" ? 2 : unit === "ms" && value < 100 ? 1 : 0)} ${unit}`;
    this.checks.push({
      target,
      measured: format(measured),
      limit: `≤ ${format(maximum)}`,
      pass: Number.isFinite(measured) && measured <= maximum,
    });
  }

  get allPass(): boolean {
    return this.checks.every((check) => check.pass);
  }

  print(title: string): void {
    console.log(`\n${title}\n`);
    console.log("| target | measured | limit | result |");
    console.log("|---|---|---|---|");
    for (const check of this.checks)
      console.log(`| ${check.target} | ${check.measured} | ${check.limit} | ${check.pass ? "PASS" : "FAIL"} |`);
  }
}

function percent(share: number): string {
  return `${(100 * share).toFixed(0)}%`;
}
