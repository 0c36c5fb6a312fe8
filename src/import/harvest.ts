// The harvester: lists the selected runs at the source, then imports every (resource, run) — and
// (fills, fill) — unit page by page. Each page is upserted together with the unit's checkpoint in
// one transaction (rows first, then the checkpoint naming the next page), so an interrupted import
// resumes at the first page it had not committed, and a finished unit is skipped next time. A unit
// is done only when every page arrived and, where the source counts exactly, the rows add up.
import type { Db } from '../db/connection.js';
import { getMeta, setMeta } from '../db/schema.js';
import { loadResources } from '../resources/loader.js';
import { summarize } from '../summaries/summarize.js';
import { SourceClient, SourceError } from './http.js';
import { MAPPING_BY_RESOURCE, mapRow, PATH_RESOURCES, RowError, type MapContext, type ResourceMapping, type Row, type WireRow } from './mapping.js';
import type { ProgressDisplay } from '../shared/progress.js';
import { readCheckpoints, resolvePathIds, runKeys, unitKey, upsert, writeCheckpoint, type Checkpoint } from './store.js';

/** Import order: what a later resource needs (runs' keys, path ids) is written first. */
export const RESOURCES = [
  'fills',
  'runs',
  'lumisections',
  'hltpathinfo',
  'hltpathrates',
  'l1triggerrates',
  'l1algorithmtriggers',
  'deadtimes',
  'pixelcurrents',
  'maskedrocs',
  'federrors',
  'fedchannels',
];
/** Resources with a per-lumisection granularity (asked as group[granularity]=lumisection). */
const GRANULAR = new Set(['hltpathrates', 'l1triggerrates', 'l1algorithmtriggers', 'deadtimes', 'pixelcurrents', 'maskedrocs', 'federrors']);

export interface Selection {
  runs?: [number, number];
  fills?: [number, number];
  /** runs that started at or after this time (ISO) */
  since?: string;
}

export interface HarvestOptions {
  /** API base, e.g. https://cmsoms.cern.ch/agg/api/v1 */
  source: string;
  selection: Selection;
  resources: string[];
  pageSize: number;
  paging: 'auto' | 'offset' | 'cursor';
  /** import again units already done */
  refresh?: boolean;
  dryRun?: boolean;
  progress?: ProgressDisplay;
  log?: (line: string) => void;
  signal?: AbortSignal;
  /** testing: stop (as if killed) after this many committed pages */
  stopAfterPages?: number;
}

export interface UnitOutcome {
  unit: string;
  status: 'imported' | 'skipped' | 'failed' | 'open';
  rows: number;
  pages: number;
  reason?: string;
}

export interface HarvestSummary {
  runs: number[];
  units: UnitOutcome[];
  rows: number;
  pages: number;
  requests: number;
  retries: number;
  bytes: number;
  seconds: number;
  interrupted: boolean;
  /** dry run: the first request of each unit */
  plan?: { unit: string; url: string; state: string }[];
}

interface Document {
  data: WireRow[];
  links?: { next?: string | null };
  meta?: { totalResourceCount?: number; count?: { exact?: boolean } };
}

class Stop extends Error {}

function queryString(params: [string, string][]): string {
  // brackets stay raw as OMS clients send them; values are encoded
  return params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
}

/** links.next carried over to our own base URL: its query only (OMS links may name another host, or
 *  carry the `https://https://` bug of some instances). */
export function rebaseNext(next: string, resourceUrl: string): string {
  const q = next.indexOf('?');
  return q < 0 ? resourceUrl : `${resourceUrl}?${next.slice(q + 1)}`;
}

function asDocument(body: unknown, url: string): Document {
  const d = body as Document;
  if (!d || typeof d !== 'object' || !Array.isArray(d.data)) throw new SourceError('source_invalid', `${url}: the answer is not a JSON:API collection (no data array)`);
  return d;
}

export async function harvest(db: Db | null, client: SourceClient, o: HarvestOptions): Promise<HarvestSummary> {
  const t0 = Date.now();
  const log = o.log ?? (() => {});
  const base = o.source.replace(/\/+$/, '');
  const urlOf = (resource: string) => `${base}/${resource}`;
  const summary: HarvestSummary = { runs: [], units: [], rows: 0, pages: 0, requests: 0, retries: 0, bytes: 0, seconds: 0, interrupted: false };
  let paging = o.paging;
  const checkpoints = db ? await readCheckpoints(db) : new Map<string, Checkpoint>();
  const missingResources = new Map<string, string>();
  let committedPages = 0;

  const firstUrl = (resource: string, filters: [string, string][]): string => {
    const params: [string, string][] = [...filters];
    if (GRANULAR.has(resource)) params.push(['group[granularity]', 'lumisection']);
    params.push(['page[limit]', String(o.pageSize)]);
    if (paging === 'cursor' || paging === 'auto') params.push(['page[cursor]', '']);
    else params.push(['page[offset]', '0']);
    return `${urlOf(resource)}?${queryString(params)}`;
  };

  /** One page; in auto paging, a source refusing page[cursor] switches the import to offsets. */
  const fetchPage = async (url: string, resource: string, filters: [string, string][]): Promise<{ doc: Document; url: string }> => {
    try {
      const doc = asDocument(await client.getJson(url), url);
      // the source pages with cursors: from now on a 400 about a cursor is an error, not a hint
      if (paging === 'auto' && /page%5Bcursor%5D|page\[cursor\]/.test(url)) paging = 'cursor';
      return { doc, url };
    } catch (err) {
      const parameter = (err as SourceError).body && ((err as SourceError).body as { errors?: { source?: { parameter?: string } }[] }).errors?.[0]?.source?.parameter;
      // a 400 naming another parameter (e.g. a page size above the source's maximum) is not about cursors
      if (paging === 'auto' && err instanceof SourceError && err.status === 400 && /page%5Bcursor%5D|page\[cursor\]/.test(url) && (parameter === undefined || parameter === 'page[cursor]')) {
        paging = 'offset';
        log(`the source does not page with cursors (${err.message}); paging with page[offset]`);
        const retry = firstUrl(resource, filters);
        return { doc: asDocument(await client.getJson(retry), retry), url: retry };
      }
      throw err;
    }
  };

  // ---- the runs to import -------------------------------------------------------------------
  const runFilters: [string, string][] = [];
  const sel = o.selection;
  if (sel.runs) runFilters.push(['filter[run_number][GE]', String(sel.runs[0])], ['filter[run_number][LE]', String(sel.runs[1])]);
  if (sel.fills) runFilters.push(['filter[fill_number][GE]', String(sel.fills[0])], ['filter[fill_number][LE]', String(sel.fills[1])]);
  if (sel.since) runFilters.push(['filter[start_time][GE]', sel.since]);
  const runRows: WireRow[] = [];
  {
    let page: { doc: Document; url: string } | null = await fetchPage(firstUrl('runs', runFilters), 'runs', runFilters);
    while (page) {
      runRows.push(...page.doc.data);
      const next: string | null | undefined = page.doc.links?.next;
      page = next ? { doc: asDocument(await client.getJson(rebaseNext(next, urlOf('runs'))), next), url: next } : null;
    }
  }
  const runsByNumber = new Map<number, WireRow>();
  for (const r of runRows) {
    const n = Number(r.attributes?.run_number ?? r.id);
    if (Number.isSafeInteger(n)) runsByNumber.set(n, r);
  }
  const runs = [...runsByNumber.keys()].sort((a, b) => a - b);
  summary.runs = runs;
  const fills = [...new Set(runs.map((r) => runsByNumber.get(r)!.attributes.fill_number).filter((f): f is number => typeof f === 'number'))].sort((a, b) => a - b);
  const isOpen = (row: WireRow | undefined) => !row || row.attributes.end_time === null || row.attributes.end_time === undefined;
  log(`source ${base}: ${runs.length} runs${runs.length ? ` (${runs[0]}–${runs[runs.length - 1]})` : ''} in ${fills.length} fills; paging by ${paging === 'offset' ? 'offset' : 'cursor'}`);

  // ---- the units ----------------------------------------------------------------------------
  interface Unit {
    resource: string;
    key: number;
    filters: [string, string][];
    weight: number;
    open: boolean;
  }
  const units: Unit[] = [];
  const lsOf = (run: number) => Math.max(1, Number(runsByNumber.get(run)?.attributes.last_lumisection_number ?? 1));
  for (const resource of o.resources) {
    if (resource === 'fills') {
      for (const f of fills) units.push({ resource, key: f, filters: [['filter[fill_number][EQ]', String(f)]], weight: 1, open: false });
    } else if (resource !== 'runs') {
      for (const r of runs) {
        const perLs = MAPPING_BY_RESOURCE.get(resource)!.scope === 'lumisection';
        units.push({ resource, key: r, filters: [['filter[run_number][EQ]', String(r)]], weight: perLs ? lsOf(r) : 1, open: isOpen(runsByNumber.get(r)) });
      }
    }
  }
  const runUnits = runs.map((r) => ({ unit: unitKey('runs', r), row: runsByNumber.get(r)! }));
  const total = runUnits.length + units.reduce((s, u) => s + u.weight, 0);

  if (o.dryRun) {
    summary.plan = [];
    for (const { unit } of runUnits) summary.plan.push({ unit, url: '(from the runs listing)', state: stateOf(checkpoints.get(unit), base, o.refresh) });
    for (const u of units) {
      const key = unitKey(u.resource, u.key);
      const cp = checkpoints.get(key);
      const state = stateOf(cp, base, o.refresh);
      summary.plan.push({ unit: key, url: state.startsWith('resume') && cp?.next ? rebaseNext(cp.next, urlOf(u.resource)) : firstUrl(u.resource, u.filters), state });
    }
    finish();
    return summary;
  }
  if (!db) throw new Error('internal: harvest needs a database unless it is a dry run');
  const knex = db.knex;

  let done = 0;
  o.progress?.start(total, 'import');
  const note = (what: string) => `${what} | ${summary.rows} rows, ${summary.pages} pages${client.stats.retries ? `, ${client.stats.retries} retries` : ''}`;
  const writtenRuns = new Set<number>();
  const missingRuns = new Set<number>();

  try {
    // runs first (the listing holds their rows): later units read their HLT key and L1 menu
    for (const { unit, row } of runUnits) {
      o.signal?.throwIfAborted();
      const run = Number(row.attributes.run_number ?? row.id);
      const cp = checkpoints.get(unit);
      if (cp?.state === 'done' && cp.source === base && !o.refresh) {
        summary.units.push({ unit, status: 'skipped', rows: 0, pages: 0, reason: 'already imported' });
      } else {
        let mapped: Map<string, Row>;
        try {
          mapped = mapRow(MAPPING_BY_RESOURCE.get('runs')!, row, { pathIds: new Map() });
        } catch (err) {
          if (!(err instanceof RowError)) throw err;
          summary.units.push({ unit, status: 'failed', rows: 0, pages: 0, reason: err.message });
          missingRuns.add(run);
          o.progress?.update(++done, note(unit));
          continue;
        }
        const open = isOpen(row);
        await knex.transaction(async (trx) => {
          await upsert(trx, db.dialect, 'runs', [mapped.get('runs')!]);
          await writeCheckpoint(trx, unit, { state: open ? 'open' : 'done', source: base, rows: 1 });
        });
        writtenRuns.add(run);
        summary.rows++;
        summary.units.push({ unit, status: open ? 'open' : 'imported', rows: 1, pages: 0, reason: open ? 'run still open at the source: imported again next time' : undefined });
      }
      o.progress?.update(++done, note(unit));
    }

    for (const u of units) {
      const key = unitKey(u.resource, u.key);
      const mapping = MAPPING_BY_RESOURCE.get(u.resource)!;
      if (missingResources.has(u.resource)) {
        summary.units.push({ unit: key, status: 'skipped', rows: 0, pages: 0, reason: missingResources.get(u.resource) });
        o.progress?.update((done += u.weight), note(key));
        continue;
      }
      if (mapping.scope !== 'fill' && missingRuns.has(u.key)) {
        summary.units.push({ unit: key, status: 'skipped', rows: 0, pages: 0, reason: 'the run itself could not be imported' });
        o.progress?.update((done += u.weight), note(key));
        continue;
      }
      const cp = checkpoints.get(key);
      if (cp?.state === 'done' && cp.source === base && !o.refresh) {
        summary.units.push({ unit: key, status: 'skipped', rows: 0, pages: 0, reason: 'already imported' });
        o.progress?.update((done += u.weight), note(key));
        continue;
      }
      // a unit that fails half-way has written pages too: its run's folds are redone as well
      if (mapping.scope !== 'fill') writtenRuns.add(u.key);
      try {
        summary.units.push(await importUnit(u, key, mapping, cp));
      } catch (err) {
        if (err instanceof Stop || o.signal?.aborted) throw err;
        if (err instanceof SourceError && err.status === 404) {
          const reason = `the source has no ${u.resource} resource (HTTP 404)`;
          missingResources.set(u.resource, reason);
          summary.units.push({ unit: key, status: 'skipped', rows: 0, pages: 0, reason });
        } else if (err instanceof SourceError || err instanceof RowError) {
          summary.units.push({ unit: key, status: 'failed', rows: 0, pages: 0, reason: err.message });
          log(`${key} failed: ${err.message}`);
        } else throw err;
      }
      o.progress?.update((done += u.weight), note(key));
    }
  } catch (err) {
    if (!(err instanceof Stop) && !o.signal?.aborted) throw err;
    summary.interrupted = true;
  } finally {
    o.progress?.stop();
  }

  if (runs.length && !summary.interrupted) {
    // the folds per run the engine answers from: redone for the runs this import wrote, and made for
    // runs an interrupted import finished but could not summarize
    const resources = loadResources().all;
    const t1 = Date.now();
    const redone = writtenRuns.size ? await summarize(db, resources, { runs: [...writtenRuns], refresh: true }) : { runs: 0, rows: 0 };
    const pending = await summarize(db, resources, { runs });
    if (redone.runs + pending.runs) log(`summarized ${redone.runs + pending.runs} run folds (${redone.rows + pending.rows} rows) in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
  }
  if (!summary.interrupted && runs.length) {
    const closed = runs.filter((r) => !isOpen(runsByNumber.get(r))).map((r) => String(runsByNumber.get(r)!.attributes.start_time ?? ''));
    const latest = closed.filter(Boolean).sort().pop();
    if (latest) {
      const meta = await getMeta(db);
      const marks = safeJson(meta.import_high_water);
      if (!marks[base] || marks[base] < latest) marks[base] = latest;
      await setMeta(db, { import_high_water: JSON.stringify(marks) });
    }
  }
  finish();
  return summary;

  function finish(): void {
    summary.requests = client.stats.requests;
    summary.retries = client.stats.retries;
    summary.bytes = client.stats.bytes;
    summary.seconds = (Date.now() - t0) / 1000;
  }

  async function importUnit(u: Unit, key: string, mapping: ResourceMapping, cp: Checkpoint | undefined): Promise<UnitOutcome> {
    const resume = cp && cp.state === 'running' && cp.source === base && cp.next && !o.refresh;
    const start = resume ? rebaseNext(cp.next!, urlOf(u.resource)) : firstUrl(u.resource, u.filters);
    let rows = resume ? cp.rows : 0;
    let expected = resume ? (cp.expected ?? null) : null;
    let pages = 0;
    const ctx: MapContext = { pathIds: new Map() };
    if (mapping.scope !== 'fill') ctx.run = await runKeys(db!, u.key);
    let pending: Promise<{ doc: Document; url: string }> | null = fetchPage(start, u.resource, u.filters);
    while (pending) {
      const page: { doc: Document; url: string } = await pending;
      const { doc } = page;
      if (pages === 0 && !resume) {
        const total = doc.meta?.totalResourceCount;
        expected = typeof total === 'number' && doc.meta?.count?.exact !== false && !/page\[cursor\]/.test(decodeURIComponent(page.url)) ? total : null;
      }
      const next = doc.links?.next ? rebaseNext(doc.links.next, urlOf(u.resource)) : null;
      // the next page is on its way while this one is written
      pending = next ? fetchPage(next, u.resource, u.filters) : null;
      pending?.catch(() => {});
      const byTable = new Map<string, Row[]>();
      const names = new Map<string, number | null>();
      if (PATH_RESOURCES.has(u.resource)) {
        for (const w of doc.data) {
          const n = w?.attributes?.path_name;
          if (typeof n === 'string' && n) names.set(n, typeof w.attributes.path_id === 'number' ? w.attributes.path_id : null);
        }
      }
      rows += doc.data.length;
      const last = !next;
      const complete = !last || expected === null || rows === expected;
      const state = last ? (complete ? (u.open ? 'open' : 'done') : 'running') : 'running';
      await knex.transaction(async (trx) => {
        if (names.size) await resolvePathIds(trx, names, ctx.pathIds);
        for (const w of doc.data) {
          for (const [table, row] of mapRow(mapping, w, ctx)) {
            let list = byTable.get(table);
            if (!list) byTable.set(table, (list = []));
            list.push(row);
          }
        }
        // dimension tables first (the order of the mapping's writes)
        for (const w of mapping.writes) await upsert(trx, db!.dialect, w.table, byTable.get(w.table) ?? []);
        // an incomplete unit restarts from its first page next time (next: null)
        // the next page's query only: it is applied to the source URL again on resume
        await writeCheckpoint(trx, key, { state, source: base, next: last ? null : `?${next.slice(next.indexOf('?') + 1)}`, rows, expected });
      });
      pages++;
      summary.pages++;
      summary.rows += doc.data.length;
      o.progress?.update(done, note(`${key} page ${pages}`));
      committedPages++;
      if (o.stopAfterPages !== undefined && committedPages >= o.stopAfterPages) throw new Stop('stopped for testing');
      o.signal?.throwIfAborted();
      if (last && !complete) {
        return { unit: key, status: 'failed', rows, pages, reason: `incomplete: the source counted ${expected} rows, ${rows} arrived (will be fetched again)` };
      }
    }
    const status = u.open ? 'open' : 'imported';
    return { unit: key, status, rows, pages, reason: u.open ? 'run still open at the source: imported again next time' : undefined };
  }
}

function stateOf(cp: Checkpoint | undefined, base: string, refresh?: boolean): string {
  if (!cp || cp.source !== base) return 'fetch';
  if (cp.state === 'done') return refresh ? 'fetch again (--refresh)' : 'skip: already imported';
  if (cp.state === 'running' && cp.next) return `resume after ${cp.rows} rows`;
  return 'fetch';
}

function safeJson(text: string | undefined): Record<string, string> {
  try {
    const v = JSON.parse(text ?? '{}') as unknown;
    return v && typeof v === 'object' ? (v as Record<string, string>) : {};
  } catch {
    return {};
  }
}
