// One measured number: printed as `name value unit target`, stored as it is in the results
// JSON so that runs can be compared. A target is a bound the value must not cross.

export interface Target {
  op: '<=' | '>=' | '=';
  value: number;
}

export interface Figure {
  name: string;
  value: number;
  unit: string;
  target?: Target;
  /** Absent when the figure has no target. */
  met?: boolean;
}

export const atMost = (value: number): Target => ({ op: '<=', value });
export const atLeast = (value: number): Target => ({ op: '>=', value });
export const exactly = (value: number): Target => ({ op: '=', value });

export function figure(name: string, value: number, unit: string, target?: Target): Figure {
  if (!Number.isFinite(value)) throw new Error(`${name}: not a number (${value})`);
  if (!target) return { name, value, unit };
  const met = target.op === '<=' ? value <= target.value : target.op === '>=' ? value >= target.value : value === target.value;
  return { name, value, unit, target, met };
}

/**
 * Whole numbers as they are; fractions to three significant digits, enough to compare runs, or
 * more where three would print the target itself: 1.2005 against `<=1.2` prints as 1.2005, not as
 * a 1.2 that reads as met. (The targets are round numbers, so rounding to a digit they have
 * cannot carry a value past them without landing on them.)
 */
export function round(value: number, target?: Target): number {
  if (Number.isInteger(value)) return value;
  for (let digits = 3; digits <= 15; digits++) {
    const rounded = Number(value.toPrecision(digits));
    if (rounded !== target?.value) return rounded;
  }
  return value;
}

export function formatFigure(f: Figure): string {
  return `${f.name} ${round(f.value, f.target)} ${f.unit} ${f.target ? `${f.target.op}${f.target.value}` : '-'}`;
}

/** Nearest rank: a value that was measured, never an interpolation. */
export function percentile(values: number[], share: number): number {
  if (values.length === 0) throw new Error('percentile of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))];
}

export const median = (values: number[]) => percentile(values, 0.5);
