// CSV rendering of a query result: one column per projected scalar attribute (object members as
// `<object>.<member>`), values in wire form (datetimes UTC, booleans true/false, arrays comma-joined).
import { Readable, Transform, pipeline } from 'node:stream';
import { stringify, type Stringifier } from 'csv-stringify';
import type { ColumnAttribute, ResourceDef } from './resource.js';
import type { ResourceQuery } from './query.js';
import type { Row } from './document.js';
import { toWire } from './values.js';

function csvColumns(resource: ResourceDef, q: ResourceQuery): ColumnAttribute[] {
  const attrs = q.fields ? q.fields.map((n) => resource.byName.get(n)!) : resource.attributes.filter((a) => a.projectable);
  return attrs.flatMap((a) => (a.kind === 'object' ? a.members : [a]));
}

/** Streams `source` (object-mode rows with view columns) as CSV text, header first. */
export function csvStream(resource: ResourceDef, q: ResourceQuery, source: Readable): Readable {
  const cols = csvColumns(resource, q);
  const pres = q.include.presentationTimestamp;
  const toWireRows = new Transform({
    objectMode: true,
    transform(row: Row, _enc, done) {
      done(null, convert(row, cols, pres));
    },
  });
  const out: Stringifier = stringify({ header: true, columns: cols.map((c) => ({ key: c.column, header: c.name })), cast: { boolean: (v) => (v ? 'true' : 'false') } });
  pipeline(source, toWireRows, out, (err) => {
    if (err) out.destroy(err);
  });
  return out;
}

export function convert(row: Row, cols: ColumnAttribute[], pres: boolean): Row {
  const out: Row = {};
  for (const c of cols) {
    const v = toWire(c.type, row[c.column], pres);
    out[c.column] = Array.isArray(v) ? v.join(',') : v;
  }
  return out;
}

export function rowsToCsv(resource: ResourceDef, rows: Row[], q: ResourceQuery): Promise<string> {
  const cols = csvColumns(resource, q);
  return new Promise((resolve, reject) => {
    stringify(
      rows.map((r) => convert(r, cols, q.include.presentationTimestamp)),
      { header: true, columns: cols.map((c) => ({ key: c.column, header: c.name })), cast: { boolean: (v) => (v ? 'true' : 'false') } },
      (err, out) => (err ? reject(err) : resolve(out)),
    );
  });
}

export { csvColumns };
