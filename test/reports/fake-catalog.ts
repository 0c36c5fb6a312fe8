// An in-memory Catalog for unit tests of the checks: resources as arrays of rows, the read
// semantics of src/reports/data.ts (filters, fields, sort, limit, granularity=run as a mean).
import type { AttributeInfo, Catalog, DataRow, ReadSpec } from '../../src/reports/data.js';

export interface FakeResource {
  title: string;
  attributes: AttributeInfo[];
  rows: DataRow[];
}

const cmp = (a: unknown, b: unknown) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b)));

export function fakeCatalog(resources: Record<string, FakeResource>): Catalog & { reads: { type: string; spec: ReadSpec }[] } {
  const reads: { type: string; spec: ReadSpec }[] = [];
  return {
    apiPrefix: '/api/v1',
    reads,
    types: () => Object.keys(resources),
    describe: (type) => (resources[type] ? { type, title: resources[type].title, attributes: resources[type].attributes, granularities: { run: ['run_number'] } } : undefined),
    async read(type, spec) {
      reads.push({ type, spec });
      const r = resources[type];
      if (!r) throw new Error(`unknown resource ${type}`);
      let rows = r.rows.filter((row) =>
        (spec.filters ?? []).every(([a, op, v]) => {
          const x = row[a];
          if (v === 'null') return op === 'NEQ' ? x !== null : x === null;
          if (x === null || x === undefined) return false;
          const c = cmp(x, v);
          return op === 'EQ' ? c === 0 : op === 'NEQ' ? c !== 0 : op === 'LT' ? c < 0 : op === 'LE' ? c <= 0 : op === 'GT' ? c > 0 : op === 'GE' ? c >= 0 : true;
        }),
      );
      if (spec.granularity === 'run') {
        const groups = new Map<string, DataRow[]>();
        const numeric = new Set(r.attributes.filter((a) => a.type === 'number').map((a) => a.name));
        for (const row of rows) {
          const k = `${row.run_number}|${spec.fields
            .filter((f) => !numeric.has(f) && f !== 'lumisection_number' && f !== 'start_time')
            .map((f) => row[f])
            .join('|')}`;
          groups.set(k, [...(groups.get(k) ?? []), row]);
        }
        rows = [...groups.values()].map((g) => {
          const out: DataRow = { ...g[0] };
          for (const f of numeric) out[f] = g.reduce((s, x) => s + Number(x[f]), 0) / g.length;
          return out;
        });
      }
      const sort = spec.sort ?? [];
      rows = [...rows].sort((a, b) => {
        for (const s of sort) {
          const desc = s.startsWith('-');
          const k = desc ? s.slice(1) : s;
          const c = cmp(a[k], b[k]);
          if (c) return desc ? -c : c;
        }
        return 0;
      });
      const total = rows.length;
      const limited = rows.slice(0, spec.limit ?? Infinity).map((row) => Object.fromEntries(spec.fields.map((f) => [f, row[f] ?? null])) as DataRow);
      return { rows: limited, url: `/api/v1/${type}?fake`, truncated: total > limited.length };
    },
  };
}

export const LS_MS = 23_310;
export const T0 = Date.parse('2018-06-15T00:00:00Z');
export const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A run of `n` lumisections starting at `start` (ms) with one row per device per lumisection. */
export function runRows(
  run: number,
  start: number,
  n: number,
  devices: { part: string; device: string }[],
  value: (dev: string, ls: number) => number | null,
  extra: (dev: string, ls: number) => DataRow = () => ({}),
): DataRow[] {
  const out: DataRow[] = [];
  for (let ls = 1; ls <= n; ls++) {
    for (const d of devices)
      out.push({ run_number: run, lumisection_number: ls, start_time: iso(start + (ls - 1) * LS_MS), part: d.part, device: d.device, value: value(d.device, ls), ...extra(d.device, ls) });
  }
  return out;
}

export const READING_ATTRIBUTES: AttributeInfo[] = [
  { name: 'run_number', type: 'integer', unit: null, title: 'Run number' },
  { name: 'lumisection_number', type: 'integer', unit: null, title: 'Lumisection number' },
  { name: 'start_time', type: 'datetime', unit: null, title: 'Start time' },
  { name: 'part', type: 'string', unit: null, title: 'Part' },
  { name: 'device', type: 'string', unit: null, title: 'Device name' },
  { name: 'value', type: 'number', unit: 'V', title: 'Voltage' },
  { name: 'errors', type: 'integer', unit: 'counts', title: 'Error count' },
];

export const RUN_ATTRIBUTES: AttributeInfo[] = [
  { name: 'run_number', type: 'integer', unit: null, title: 'Run number' },
  { name: 'fill_number', type: 'integer', unit: null, title: 'Fill number' },
  { name: 'start_time', type: 'datetime', unit: null, title: 'Start time' },
  { name: 'end_time', type: 'datetime', unit: null, title: 'End time' },
  { name: 'last_lumisection_number', type: 'integer', unit: null, title: 'Last lumisection number' },
];

export function runRow(run: number, start: number, n: number): DataRow {
  return { run_number: run, fill_number: 1, start_time: iso(start), end_time: iso(start + n * LS_MS), last_lumisection_number: n };
}
