// Every view on the seeded demo databases (SQLite and PostgreSQL): non-empty, identical across
// dialects, physically sane, and every injected anomaly visible in its span.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/connection.js';
import { loadResources } from '../../src/resources/loader.js';
import { viewSources } from '../../src/db/ddl.js';
import { leakageTemperatureFactor, pileup } from '../../src/synth/physics.js';
import { columnForLumi } from '../../src/synth/menus.js';
import { ANOMALY_KINDS } from '../../src/synth/anomalies.js';
import { testDatabases } from '../helpers/databases.js';
import { executePage } from '../../src/jsonapi/execute.js';
import { planRead } from '../../src/jsonapi/plan.js';
import { parseQuery } from '../../src/jsonapi/query.js';

// every view of views/ that the seed fills (omsagg's own derived data, e.g. anomaly scores, comes
// from later jobs): derived from the files, so a new view is checked without an edit here
const RESOURCES = loadResources();
const VIEWS = viewSources('sqlite').map((v) => v.resource).filter((v) => !RESOURCES.get(v)?.revisable);

interface Anomaly { anomaly_id: number; kind: string; label: string; run_number: number; first_lumisection_number: number; last_lumisection_number: number; channels: string; magnitude: number }
type Row = Record<string, number | string | boolean | Date | null>;
const num = (v: unknown) => Number(v);
const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
const mean = (xs: number[]) => sum(xs) / xs.length;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const toMs = (v: unknown) => (v instanceof Date ? v.getTime() : Date.parse(String(v)));

function pearson(xs: number[], ys: number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

const dbs = testDatabases();

for (const target of dbs) {
  describe(`views on the ${target.name} demo`, () => {
    let db: Db;
    let anomalies: Anomaly[];
    beforeAll(async () => {
      db = await openDb(target.url, { readonly: true, statementTimeoutMs: 60_000 });
      anomalies = (await db.knex('omsagg_injected_anomalies').select().orderBy('anomaly_id')).map((a: Row) => ({
        ...(a as unknown as Anomaly), run_number: num(a.run_number), first_lumisection_number: num(a.first_lumisection_number),
        last_lumisection_number: num(a.last_lumisection_number), magnitude: num(a.magnitude),
      }));
    });
    afterAll(async () => db?.close());

    it('every view exists and has rows', async () => {
      const names = viewSources(db.dialect).map((v) => v.resource);
      for (const v of VIEWS) {
        expect(names).toContain(v);
        const [{ n }] = (await db.knex(`v_${v}`).count({ n: '*' })) as { n: number | string }[];
        expect(num(n), `v_${v}`).toBeGreaterThan(0);
      }
    });

    it('filters answered through a smaller view (filter_via) select exactly the rows the view holds', async () => {
      const vias = RESOURCES.all.flatMap((r) => r.columns.filter((c) => c.filterVia && (c.type === 'string' || c.type === 'integer')).map((c) => [r, c] as const));
      expect(vias.length).toBeGreaterThan(0);
      for (const [r, c] of vias) {
        const [row] = (await db.knex(r.view).whereNotNull(c.column).select(c.column).limit(1)) as Row[];
        if (!row) continue;
        const value = row[c.column];
        const shapes: [string, (q: any) => any][] = [[`filter[${c.name}][EQ]=${encodeURIComponent(String(value))}`, (q) => q.where(c.column, value as string)]];
        if (c.type === 'string') {
          const prefix = String(value).slice(0, Math.ceil(String(value).length / 2));
          shapes.push([`filter[${c.name}][LIKE]=${encodeURIComponent(prefix)}%25`, (q) => q.whereRaw('lower(??) like lower(?)', [c.column, `${prefix}%`])]);
        }
        for (const [qs, direct] of shapes) {
          const plan = planRead(r, parseQuery(`${qs}&count=exact&page[limit]=1`, r, { defaultLimit: 100, maxLimit: 1000 }));
          const res = await executePage(db, plan);
          const [{ n }] = (await direct(db.knex(r.view)).count({ n: '*' })) as Row[];
          expect(res.count?.value, `${r.type}?${qs}`).toBe(num(n));
        }
      }
    });

    it('a write through the read-only connection fails', async () => {
      await expect(db.knex('omsagg_meta').insert({ key: 'x', value: 'y' })).rejects.toThrow(/readonly|read-only/i);
    });

    it.runIf(target.name === 'postgres')('read-only PostgreSQL sessions run without JIT (compiling cost seconds on millisecond pages)', async () => {
      const res = (await db.knex.raw('SHOW jit')) as { rows: { jit: string }[] };
      expect(res.rows[0].jit).toBe('off');
    });

    it('the demo is 3–4 fills, 8–12 runs, a few thousand lumisections', async () => {
      const [f] = await db.knex('v_fills').count({ n: '*' });
      const [r] = await db.knex('v_runs').count({ n: '*' });
      const [l] = await db.knex('v_lumisections').count({ n: '*' });
      expect(num(f.n)).toBeGreaterThanOrEqual(3);
      expect(num(f.n)).toBeLessThanOrEqual(4);
      expect(num(r.n)).toBeGreaterThanOrEqual(8);
      expect(num(r.n)).toBeLessThanOrEqual(12);
      expect(num(l.n)).toBeGreaterThan(2000);
      expect(num(l.n)).toBeLessThan(6000);
    });

    it('L1 total ≤ 100 kHz, ~50–100 kHz on average; HLT physics ~1 kHz; dead time a few %', async () => {
      const [l1] = await db.knex('v_l1triggerrates').max({ max: 'l1a_total_rate' }).avg({ avg: 'l1a_total_rate' });
      expect(num(l1.max)).toBeLessThanOrEqual(100_000);
      expect(num(l1.avg)).toBeGreaterThan(45_000);
      const runs = (await db.knex('v_runs').select('hlt_physics_rate', 'l1_rate', 'beamactive_total_deadtime')) as Row[];
      for (const r of runs) {
        expect(num(r.hlt_physics_rate)).toBeGreaterThan(300);
        expect(num(r.hlt_physics_rate)).toBeLessThan(1500);
        expect(num(r.l1_rate)).toBeLessThanOrEqual(100_000);
      }
      const dts = ((await db.knex('v_deadtimes').select('overall_total_deadtime_percent')) as Row[]).map((r) => num(r.overall_total_deadtime_percent));
      expect(median(dts)).toBeGreaterThan(0.5);
      expect(median(dts)).toBeLessThan(3);
    });

    it('the HLT physics rate per lumisection is the sum of the physics paths (alca and zerobias left out), NULL without path counts', async () => {
      const [{ run_number: run }] = (await db.knex('v_hltpathrates').select('run_number').orderBy('run_number', 'desc').limit(1)) as Row[];
      const paths = (await db.knex('v_hltpathrates').where('run_number', run).select('lumisection_number', 'path_group', 'counter')) as Row[];
      const expected = new Map<number, { counter: number; paths: number }>();
      for (const r of paths) {
        if (r.path_group === 'alca' || r.path_group === 'zerobias') continue;
        const e = expected.get(num(r.lumisection_number)) ?? { counter: 0, paths: 0 };
        expected.set(num(r.lumisection_number), { counter: e.counter + num(r.counter), paths: e.paths + 1 });
      }
      expect(expected.size).toBeGreaterThan(0);
      const got = (await db.knex('v_hltphysicsrates').where('run_number', run).select('lumisection_number', 'counter', 'rate', 'physics_paths')) as Row[];
      expect(got.length).toBe(num((await db.knex('lumisections').where('run_number', run).count({ n: '*' }))[0].n));
      for (const r of got) {
        const e = expected.get(num(r.lumisection_number));
        if (!e) {
          expect(r.counter, `LS ${r.lumisection_number}`).toBeNull();
          continue;
        }
        expect(num(r.counter), `LS ${r.lumisection_number}`).toBe(e.counter);
        expect(num(r.rate)).toBeCloseTo(e.counter / 23.31, 6);
        expect(num(r.physics_paths)).toBe(e.paths);
      }
    });

    it('lumisections are 23.31 s apart on average and luminosity sums are consistent', async () => {
      const rows = (await db.knex('v_runs').select('run_number', 'start_time', 'end_time', 'last_lumisection_number', 'delivered_lumi', 'recorded_lumi')) as Row[];
      for (const run of rows) {
        const ls = (await db.knex('v_lumisections').where('run_number', run.run_number).orderBy('lumisection_number')
          .select('lumisection_number', 'start_time', 'delivered_lumi_per_lumisection', 'recorded_lumi_per_lumisection')) as Row[];
        expect(ls.length).toBe(num(run.last_lumisection_number));
        const spacing = (toMs(ls[ls.length - 1].start_time) - toMs(ls[0].start_time)) / 1000 / (ls.length - 1);
        expect(spacing).toBeGreaterThan(23.25);
        expect(spacing).toBeLessThan(23.37);
        expect(sum(ls.map((l) => num(l.delivered_lumi_per_lumisection)))).toBeCloseTo(num(run.delivered_lumi), 1);
        expect(num(run.recorded_lumi)).toBeLessThan(num(run.delivered_lumi));
      }
    });

    it('pileup is consistent with luminosity and bunches (σ_inel 80 mb, f_rev 11245.5 Hz)', async () => {
      const rows = (await db.knex('v_lumisections as l').join('v_fills as f', 'f.fill_number', 'l.fill_number')
        .select('l.init_lumi', 'l.end_lumi', 'l.pileup', 'f.bunches_colliding')) as Row[];
      for (const r of rows.filter((_, i) => i % 7 === 0)) {
        const expected = pileup((num(r.init_lumi) + num(r.end_lumi)) / 2, num(r.bunches_colliding));
        expect(Math.abs(num(r.pileup) - expected) / expected).toBeLessThan(0.01);
      }
      const peaks = (await db.knex('v_fills').select('peak_lumi', 'peak_pileup')) as Row[];
      for (const f of peaks) {
        expect(num(f.peak_lumi)).toBeGreaterThan(5000);
        expect(num(f.peak_lumi)).toBeLessThan(21_500);
        expect(num(f.peak_pileup)).toBeLessThan(62);
      }
    });

    it('leakage current rises with integrated luminosity at fixed temperature', async () => {
      const rows = (await db.knex('v_pixelcurrents').where('part', 'BPix_L1').where('hv_setting', '>', 0)
        .select('power_group', 'hv_leakage_current', 'temperature', 'integrated_lumi')) as Row[];
      const byPg = new Map<number, Row[]>();
      for (const r of rows) byPg.set(num(r.power_group), [...(byPg.get(num(r.power_group)) ?? []), r]);
      const correlations = [...byPg.values()].map((rs) =>
        pearson(rs.map((r) => num(r.integrated_lumi)), rs.map((r) => num(r.hv_leakage_current) / leakageTemperatureFactor(num(r.temperature)))),
      );
      expect(median(correlations)).toBeGreaterThan(0.5);
      // and the raw current follows temperature: hotter readings of one power group carry more current
      const rs = [...byPg.values()][0];
      expect(pearson(rs.map((r) => num(r.temperature)), rs.map((r) => num(r.hv_leakage_current)))).toBeGreaterThan(0.3);
      // magnitudes: layer 1 ~0.05–0.3 mA per module at ≈ −20 °C in 2018
      const perModule = (await db.knex('v_pixelcurrents').where('part', 'BPix_L1').where('hv_setting', '>', 0).avg({ a: 'hv_leakage_current_per_module' }))[0];
      expect(num(perModule.a)).toBeGreaterThan(50);
      expect(num(perModule.a)).toBeLessThan(300);
    });

    it('a prescale-column change makes post-prescale rates jump while pre-prescale rates stay smooth', async () => {
      const ls = (await db.knex('v_lumisections').orderBy(['run_number', 'lumisection_number']).select('run_number', 'lumisection_number', 'prescale_index')) as Row[];
      const change = ls.find((r, i) => i > 5 && r.run_number === ls[i - 1].run_number && num(r.prescale_index) !== num(ls[i - 1].prescale_index))!;
      expect(change, 'a column change in the demo').toBeDefined();
      const at = num(change.lumisection_number);
      const rows = (await db.knex('v_l1algorithmtriggers').where('run_number', change.run_number).whereIn('lumisection_number', [at - 1, at])
        .select('bit', 'lumisection_number', 'pre_dt_before_prescale_counter', 'pre_dt_counter', 'initial_prescale_prescale')) as Row[];
      const byBit = new Map<number, Row[]>();
      for (const r of rows) byBit.set(num(r.bit), [...(byBit.get(num(r.bit)) ?? []), r]);
      let checked = 0;
      for (const [bit, [a, b]] of byBit) {
        const [before, after] = num(a.lumisection_number) < num(b.lumisection_number) ? [a, b] : [b, a];
        if (num(before.initial_prescale_prescale) === num(after.initial_prescale_prescale) || num(after.pre_dt_counter) < 2000) continue;
        const raw = num(after.pre_dt_before_prescale_counter) / num(before.pre_dt_before_prescale_counter);
        const post = num(after.pre_dt_counter) / num(before.pre_dt_counter);
        const expected = num(before.initial_prescale_prescale) / num(after.initial_prescale_prescale);
        expect(Math.abs(raw - 1), `bit ${bit} pre-prescale`).toBeLessThan(0.05);
        expect(Math.abs(post / expected - 1), `bit ${bit} post-prescale`).toBeLessThan(0.08);
        checked++;
      }
      expect(checked).toBeGreaterThan(3);
    });

    it('masked ROCs follow a saw-tooth (SEUs accumulate, recoveries clear them)', async () => {
      const rows = (await db.knex('v_maskedrocs').where('part', 'BPix_L4').orderBy(['run_number', 'lumisection_number']).select('run_number', 'masked_rocs')) as Row[];
      let rises = 0;
      let falls = 0;
      for (let i = 1; i < rows.length; i++) {
        if (rows[i].run_number !== rows[i - 1].run_number) continue;
        if (num(rows[i].masked_rocs) > num(rows[i - 1].masked_rocs)) rises++;
        if (num(rows[i].masked_rocs) < num(rows[i - 1].masked_rocs)) falls++;
      }
      expect(rises).toBeGreaterThan(5);
      expect(falls).toBeGreaterThan(3);
    });

    it('injects every anomaly kind at least twice, with labels', () => {
      for (const kind of ANOMALY_KINDS) expect(anomalies.filter((a) => a.kind === kind).length, kind).toBeGreaterThanOrEqual(2);
      for (const a of anomalies) expect(['bad', 'not_bad']).toContain(a.label);
      expect(anomalies.filter((a) => ['deadtime_spike', 'lumi_drop', 'prescale_change'].includes(a.kind)).every((a) => a.label === 'not_bad')).toBe(true);
    });

    it('every injected anomaly is visible in its span', async () => {
      for (const a of anomalies) await expectVisible(db, a);
    });
  });
}

// the nested runs of test/repo/ run on SQLite alone
describe.runIf(dbs.length === 2)('SQLite and PostgreSQL hold the same data', () => {
  it('row counts and sums of every view agree', async () => {
    const [a, b] = await Promise.all(dbs.map((d) => openDb(d.url, { readonly: true })));
    try {
      for (const v of VIEWS) {
        const q = (db: Db) => db.knex(`v_${v}`).count({ n: '*' }).sum({ s: RESOURCES.get(v)!.id[0] });
        const [[ra], [rb]] = await Promise.all([q(a), q(b)]);
        expect(num(ra.n), v).toBe(num(rb.n));
        expect(num(ra.s), v).toBe(num(rb.s));
      }
      const s = (db: Db) => db.knex('v_hltpathrates').sum({ c: 'counter' }).avg({ r: 'rate' });
      const [[x], [y]] = await Promise.all([s(a), s(b)]);
      expect(num(x.c)).toBe(num(y.c));
      expect(num(x.r)).toBeCloseTo(num(y.r), 6);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

/** accepted/ps_pass is a path's HLT acceptance: flat for a healthy path whatever the luminosity,
 *  prescale or dead time, so it isolates path-level problems. */
async function acceptance(db: Db, a: Anomaly, pathNames: string[] | undefined) {
  let q = db.knex('v_hltpathrates').where('run_number', a.run_number)
    .whereBetween('lumisection_number', [a.first_lumisection_number - 20, a.last_lumisection_number + 20]);
  if (pathNames) q = q.whereIn('path_name', pathNames);
  const rows = (await q.select('path_name', 'lumisection_number', 'counter', 'ps_pass')) as Row[];
  const inSpan = (r: Row) => num(r.lumisection_number) >= a.first_lumisection_number && num(r.lumisection_number) <= a.last_lumisection_number;
  const agg = (rs: Row[]) => ({ acc: sum(rs.map((r) => num(r.counter))), ps: sum(rs.map((r) => num(r.ps_pass))) });
  const i = agg(rows.filter(inSpan));
  const o = agg(rows.filter((r) => !inSpan(r)));
  const ratio = i.acc / i.ps / (o.acc / o.ps);
  const sigma = Math.sqrt(1 / Math.max(1, i.acc) + 1 / Math.max(1, o.acc));
  return { ratio, sigma, rows, inSpan };
}

async function expectVisible(db: Db, a: Anomaly): Promise<void> {
  const label = `${a.kind} #${a.anomaly_id} run ${a.run_number} LS ${a.first_lumisection_number}-${a.last_lumisection_number} (${a.channels.slice(0, 80)})`;
  const span: [number, number] = [a.first_lumisection_number, a.last_lumisection_number];
  const around: [number, number] = [a.first_lumisection_number - 20, a.last_lumisection_number + 20];
  const channels = a.channels.split(',');
  switch (a.kind) {
    case 'path_drop': {
      const hit = await acceptance(db, a, channels);
      expect(Math.abs(hit.ratio - (1 - a.magnitude)), label).toBeLessThan(3 * hit.sigma + 0.02);
      const all = await acceptance(db, a, undefined);
      const others = all.rows.filter((r) => !channels.includes(String(r.path_name)));
      const inAcc = sum(others.filter(all.inSpan).map((r) => num(r.counter))) / sum(others.filter(all.inSpan).map((r) => num(r.ps_pass)));
      const outAcc = sum(others.filter((r) => !all.inSpan(r)).map((r) => num(r.counter))) / sum(others.filter((r) => !all.inSpan(r)).map((r) => num(r.ps_pass)));
      expect(Math.abs(inAcc / outAcc - 1), `${label}: other paths unaffected`).toBeLessThan(0.03);
      break;
    }
    case 'noise_spike': {
      const hit = await acceptance(db, a, channels);
      expect(hit.ratio, label).toBeGreaterThan(1 + (a.magnitude - 1) * 0.5);
      break;
    }
    case 'correlation_loss': {
      // χ²/ndf of per-LS accepted counts against the path's own out-of-span acceptance
      const hit = await acceptance(db, a, undefined);
      const chi2 = (names: string[]) => {
        let c = 0, n = 0;
        for (const name of names) {
          const rs = hit.rows.filter((r) => r.path_name === name);
          const out = rs.filter((r) => !hit.inSpan(r));
          const frac = sum(out.map((r) => num(r.counter))) / Math.max(1, sum(out.map((r) => num(r.ps_pass))));
          for (const r of rs.filter(hit.inSpan)) {
            const exp = num(r.ps_pass) * frac;
            if (exp < 5) continue;
            c += (num(r.counter) - exp) ** 2 / exp;
            n++;
          }
        }
        return n ? c / n : NaN;
      };
      const others = [...new Set(hit.rows.map((r) => String(r.path_name)))].filter((p) => !channels.includes(p));
      const affected = chi2(channels);
      if (Number.isNaN(affected)) throw new Error(`${label}: affected paths have too few counts to test`);
      expect(affected, label).toBeGreaterThan(5);
      expect(chi2(others), `${label}: other paths`).toBeLessThan(2);
      break;
    }
    case 'deadtime_spike': {
      const rows = (await db.knex('v_deadtimes').where('run_number', a.run_number).whereBetween('lumisection_number', span).select('overall_total_deadtime_percent')) as Row[];
      expect(mean(rows.map((r) => num(r.overall_total_deadtime_percent))), label).toBeGreaterThan(0.8 * a.magnitude);
      break;
    }
    case 'lumi_drop': {
      const rows = (await db.knex('v_lumisections').where('run_number', a.run_number).whereBetween('lumisection_number', around).select('lumisection_number', 'init_lumi')) as Row[];
      const inside = rows.filter((r) => num(r.lumisection_number) >= span[0] && num(r.lumisection_number) <= span[1]).map((r) => num(r.init_lumi));
      const outside = rows.filter((r) => num(r.lumisection_number) < span[0] || num(r.lumisection_number) > span[1]).map((r) => num(r.init_lumi));
      expect(Math.abs(mean(inside) / mean(outside) - (1 - a.magnitude)), label).toBeLessThan(0.05);
      break;
    }
    case 'prescale_change': {
      const rows = (await db.knex('v_lumisections').where('run_number', a.run_number).whereBetween('lumisection_number', span).select('init_lumi', 'prescale_index')) as Row[];
      const moved = rows.filter((r) => num(r.prescale_index) !== columnForLumi(num(r.init_lumi))).length;
      expect(moved / rows.length, label).toBeGreaterThan(0.8);
      break;
    }
    case 'hv_trip': {
      const rows = (await db.knex('v_pixelcurrents').where('run_number', a.run_number).where('power_group_name', channels[0]).whereBetween('lumisection_number', around)
        .select('lumisection_number', 'hv_setting', 'hv_leakage_current')) as Row[];
      for (const r of rows) {
        const inside = num(r.lumisection_number) >= span[0] && num(r.lumisection_number) <= span[1];
        expect(num(r.hv_setting) === 0, `${label} LS ${r.lumisection_number}`).toBe(inside);
        if (inside) expect(num(r.hv_leakage_current)).toBeLessThan(0.5);
      }
      break;
    }
    case 'cooling_excursion': {
      const rows = (await db.knex('v_pixelcurrents').where('run_number', a.run_number).whereIn('power_group_name', channels).whereBetween('lumisection_number', around)
        .select('lumisection_number', 'temperature', 'hv_leakage_current')) as Row[];
      const inside = rows.filter((r) => num(r.lumisection_number) >= span[0] && num(r.lumisection_number) <= span[1]);
      const outside = rows.filter((r) => num(r.lumisection_number) < span[0] || num(r.lumisection_number) > span[1]);
      expect(Math.max(...inside.map((r) => num(r.temperature))) - median(outside.map((r) => num(r.temperature))), label).toBeGreaterThan(0.8 * a.magnitude);
      expect(Math.max(...inside.map((r) => num(r.hv_leakage_current))) / median(outside.map((r) => num(r.hv_leakage_current))), label).toBeGreaterThan(1.3);
      break;
    }
    case 'fed_burst': {
      const rows = (await db.knex('v_federrors').where('run_number', a.run_number).where('fed_id', Number(channels[0])).whereBetween('lumisection_number', span)
        .select('lumisection_number').sum({ n: 'error_count' }).groupBy('lumisection_number')) as Row[];
      expect(rows.length, label).toBe(span[1] - span[0] + 1);
      for (const r of rows) expect(num(r.n), `${label} LS ${r.lumisection_number}`).toBeGreaterThanOrEqual(10);
      break;
    }
    case 'masked_roc_jump': {
      const rows = (await db.knex('v_maskedrocs').where('run_number', a.run_number).where('part', channels[0]).select('lumisection_number', 'masked_rocs')) as Row[];
      // the permanently masked (disabled) modules of the part, 16 ROCs each
      const [dead] = await db.knex('v_fedchannels').where({ run_number: a.run_number, part: channels[0], status: 'disabled' }).count({ n: '*' });
      const floor = 16 * num(dead.n);
      const inside = rows.filter((r) => num(r.lumisection_number) >= span[0] && num(r.lumisection_number) <= span[1]);
      expect(Math.min(...inside.map((r) => num(r.masked_rocs))), label).toBeGreaterThanOrEqual(floor + a.magnitude);
      break;
    }
    default:
      throw new Error(`no visibility check for anomaly kind ${a.kind}`);
  }
}

describe('docs/views.md', () => {
  it('lists exactly the columns of every view, with a type and (for numbers) a unit (regenerate: npx tsx scripts/views-doc.ts)', async () => {
    const fs = await import('node:fs');
    const doc = fs.readFileSync(new URL('../../docs/views.md', import.meta.url), 'utf8');
    const sections = new Map<string, { column: string; type: string; unit: string }[]>();
    let current: { column: string; type: string; unit: string }[] | undefined;
    for (const line of doc.split('\n')) {
      const h = /^## (v_\w+)/.exec(line);
      if (h) sections.set(h[1], (current = []));
      const row = /^\| (\w+) \| (\w+) \| ([^|]*) \|/.exec(line);
      if (row && current && row[1] !== 'column') current.push({ column: row[1], type: row[2], unit: row[3].trim() });
    }
    const db = await openDb(dbs.find((d) => d.name === 'sqlite')!.url, { readonly: true });
    try {
      for (const v of viewSources('sqlite').map((x) => x.resource)) {
        const cols = ((await db.knex.raw(`PRAGMA table_info(v_${v})`)) as { name: string }[]).map((c) => c.name);
        const documented = sections.get(`v_${v}`);
        expect(documented?.map((d) => d.column), `v_${v}`).toEqual(cols);
        for (const d of documented!) {
          expect(['integer', 'number', 'string', 'boolean', 'datetime', 'array']).toContain(d.type);
          if (d.type === 'integer' || d.type === 'number') expect(d.unit, `v_${v}.${d.column}`).not.toBe('');
        }
      }
    } finally {
      await db.close();
    }
  });
});
