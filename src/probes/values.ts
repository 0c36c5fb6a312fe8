// Row values as probes use them: engine rows are in wire form already (numbers, booleans,
// `YYYY-MM-DDTHH:MM:SSZ` strings, null), so only nulls and computed times need care.

export const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export { wireTime } from '../jsonapi/values.js';
