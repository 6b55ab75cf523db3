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

/** Whole numbers as they are; fractions to three significant digits, enough to compare runs. */
export function round(value: number): number {
  return Number.isInteger(value) ? value : Number(value.toPrecision(3));
}

export function formatFigure(f: Figure): string {
  return `${f.name} ${round(f.value)} ${f.unit} ${f.target ? `${f.target.op}${f.target.value}` : '-'}`;
}

/** Nearest rank: a value that was measured, never an interpolation. */
export function percentile(values: number[], share: number): number {
  if (values.length === 0) throw new Error('percentile of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))];
}

export const median = (values: number[]) => percentile(values, 0.5);
