// The report job on a private copy of the seeded demo: an interrupted run resumes, a re-run of the
// same period writes byte-identical reports, silences and inhibition show in the report, alarm
// state carries over to the next day (resolved), the index pages list what they should, and only
// omsagg's own tables are written.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/connection.js';
import { TABLES } from '../../src/db/tables.js';
import { loadProbes, type ProbeRegistry } from '../../src/probes/registry.js';
import { openCatalog, type Catalog } from '../../src/reports/data.js';
import { defaultDefinitionsDir, loadDefinitions } from '../../src/reports/definitions.js';
import { runReportJob } from '../../src/reports/job.js';
import { makePeriod } from '../../src/reports/period.js';
import { addSilence } from '../../src/reports/silences.js';
import { ensureReportTables } from '../../src/reports/store.js';
import type { ReportSummary } from '../../src/reports/summary.js';
import type { ReportDefinition } from '../../src/reports/types.js';
import { writableSqliteCopy, type WritableDatabase } from '../helpers/databases.js';

const SEP29 = makePeriod(new Date('2018-09-30T00:00:00Z'), 86400);
const SEP30 = makePeriod(new Date('2018-10-01T00:00:00Z'), 86400);
const ONLY = ['masked-rocs', 'pixel-currents', 'fed-errors'];

let w: WritableDatabase;
let db: Db;
let catalog: Catalog;
let probes: ProbeRegistry;
let defs: ReportDefinition[];
let root: string;

const files = (dir: string): Record<string, string> => {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (!p.includes(`${path.sep}assets${path.sep}`)) out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
};
const summary = (report: string, key: string) => JSON.parse(fs.readFileSync(path.join(root, report, key, 'report.json'), 'utf8')) as ReportSummary;
const job = (o: Partial<Parameters<typeof runReportJob>[0]> = {}) =>
  runReportJob({ db, catalog, definitions: defs, probes, periods: [SEP29], root, baseUrl: 'https://omsagg.example.org/reports', notify: false, ...o });

async function rowCounts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES.filter((x) => !x.own)) out[t.name] = Number(((await db.knex(t.name).count({ n: '*' }).first()) as { n: unknown }).n);
  return out;
}

beforeAll(async () => {
  w = await writableSqliteCopy();
  db = await openDb(w.url);
  catalog = openCatalog(db);
  probes = await loadProbes();
  defs = loadDefinitions(defaultDefinitionsDir(), catalog, probes).filter((d) => ONLY.includes(d.id));
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'omsagg-reports-'));
  await ensureReportTables(db);
  await addSilence(db, {
    report: 'pixel-currents',
    check: 'hv-off',
    groupPattern: 'PixelBarrel_BpO_SEC1_*',
    author: 'jdoe',
    reason: 'HV channel under repair',
    startsAt: '2018-09-01T00:00:00Z',
    endsAt: '2018-10-15T00:00:00Z',
  });
}, 120_000);

afterAll(async () => {
  await db?.close();
  await w?.cleanup();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe('omsagg report job', () => {
  let before: Record<string, number>;
  let first: Record<string, string>;

  it('stops after a report when told, and the next run resumes with the rest', async () => {
    before = await rowCounts();
    const a = await job({ stopAfter: 1 });
    expect(a.stopped).toBe(true);
    expect(a.written.map((s) => s.report)).toEqual(['fed-errors']);
    expect(fs.existsSync(path.join(root, 'masked-rocs', '2018-09-29', 'index.html'))).toBe(false);
    const b = await job();
    expect(b.skipped).toBe(1);
    expect(b.written.map((s) => s.report)).toEqual(['masked-rocs', 'pixel-currents']);
    for (const id of ONLY) expect(fs.existsSync(path.join(root, id, '2018-09-29', 'index.html'))).toBe(true);
    first = files(root);
  }, 60_000);

  it('re-running the same period writes the same reports, byte for byte', async () => {
    // the richest report (alarms, silences, inhibition, alarm plots, a probe); the others have no way to differ
    const again = await job({ force: true, definitions: defs.filter((d) => d.id === 'pixel-currents') });
    expect(again.written).toHaveLength(1);
    expect(files(root)).toEqual(first);
  }, 60_000);

  it('writes only omsagg tables', async () => {
    expect(await rowCounts()).toEqual(before);
    const alarms = await db.knex('omsagg_report_alarms').where({ report: 'pixel-currents' }).count({ n: '*' }).first();
    expect(Number((alarms as { n: unknown }).n)).toBeGreaterThan(0);
    const markers = (await db.knex('omsagg_jobs').where({ job: 'report' }).select('unit')).map((r: { unit: string }) => r.unit).sort();
    expect(markers).toEqual(ONLY.map((id) => `${id}/2018-09-29`).sort());
  });

  it('shows silences (who, why, until when) and alarms covered by another alarm, and notifies neither', () => {
    const s = summary('pixel-currents', '2018-09-29');
    const silenced = s.alarms.filter((a) => a.silence);
    expect(silenced.map((a) => [a.check, a.groupKey, a.silence!.author, a.silence!.reason, a.silence!.until, a.notified])).toEqual([
      ['hv-off', 'BPix_L3/PixelBarrel_BpO_SEC1_LYR3_HV25', 'jdoe', 'HV channel under repair', '2018-10-15T00:00:00Z', false],
    ]);
    const hv = s.alarms.filter((a) => a.check === 'hv-off' && !a.silence);
    expect(hv.map((a) => [a.groupKey, a.state, a.transition, a.notified])).toEqual([['BPix_L2/PixelBarrel_BpI_SEC2_LYR2_HV10', 'firing', 'raised', true]]);
    expect(hv[0].sentence).toMatch(
      /^PixelBarrel_BpI_SEC2_LYR2_HV10 \(BPix_L2\): HV setting 0 V, below the allowed minimum of 100 V, for 9 lumisections \(3\.5 min\) in run 323940 LS 508–516 from 2018-09-29 18:35 UTC\.$/,
    );
    // the current of a power group whose bias is off is covered by the HV alarm
    const covered = s.alarms.filter((a) => a.state === 'inhibited');
    expect(covered.map((a) => [a.check, a.inhibitedBy, a.notified])).toEqual([
      ['leakage-lost', 'hv-off on PixelBarrel_BpI_SEC2_LYR2_HV10', false],
      ['leakage-lost', 'hv-off on PixelBarrel_BpO_SEC1_LYR3_HV25', false],
    ]);
    expect(s.counts).toMatchObject({ silenced: 1, inhibited: 2 });
    const html = fs.readFileSync(path.join(root, 'pixel-currents', '2018-09-29', 'index.html'), 'utf8');
    expect(html).toContain('silenced by jdoe until 2018-10-15 00:00 UTC: HV channel under repair');
    expect(html).toContain('2 alarms covered by a parent or related alarm');
  });

  it('the next day resolves what stopped, and the index pages list every report', async () => {
    const r = await job({ periods: [SEP30], definitions: defs.filter((d) => d.id === 'fed-errors') });
    expect(r.written).toHaveLength(1);
    const fed = summary('fed-errors', '2018-09-30');
    expect(
      fed.alarms
        .filter((a) => a.state === 'resolved')
        .map((a) => a.groupKey)
        .sort(),
    ).toEqual(['1245', '1299']);
    expect(fed.status).toBe('ok');
    const index = fs.readFileSync(path.join(root, 'index.html'), 'utf8');
    for (const id of ONLY) expect(index).toContain(`href="${id}/2018-09-29/index.html"`);
    expect(index).toContain('href="fed-errors/2018-09-30/index.html"');
    const withAlm = fs.readFileSync(path.join(root, 'RECENT_WITH_ALM.html'), 'utf8');
    const withoutAlm = fs.readFileSync(path.join(root, 'RECENT_WITHOUT_ALM.html'), 'utf8');
    expect(withAlm).toContain('href="fed-errors/2018-09-29/index.html"');
    expect(withAlm).not.toContain('href="fed-errors/2018-09-30/index.html"');
    expect(withoutAlm).toContain('href="fed-errors/2018-09-30/index.html"');
    expect(fs.readFileSync(path.join(root, 'days', '2018-09-29.html'), 'utf8')).toContain('href="../pixel-currents/2018-09-29/index.html"');
    const csv = fs.readFileSync(path.join(root, 'pixel-currents', '2018-09-29', 'alarms.csv'), 'utf8');
    expect(csv.split('\n')[0]).toBe(
      'report,period_start,period_end,check,group,state,transition,severity,first_raised,notified,silenced_by,silence_reason,silenced_until,inhibited_by,run,first_lumisection,last_lumisection,sentence',
    );
  }, 60_000);
});
