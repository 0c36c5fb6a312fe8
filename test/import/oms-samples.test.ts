// The import against recorded real OMS responses (test/import/fixtures, ML4DQM notebook output):
// a local server answers as OMS does — the recorded runs document verbatim (with the instance's
// `https://https://` links), the recorded lumisection and L1 trigger-rate rows, the recorded HLT path
// names, 400 for page[cursor], 404 for what OMS does not have — and the imported values are
// checked in omsagg's tables and answers, in omsagg's units: luminosity in 10^30 cm^-2 s^-1 whether
// the source declares 10^30 or 10^34, counts per lumisection from a rate when OMS has no counter.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDb } from '../../src/db/connection.js';
import { run as importCommand } from '../../src/import/command.js';
import { emptyTarget, injectOnly, type Target } from './harness.js';

// four real OMS responses (ML4DQM notebook output), kept beside the test so a clone has them
const SAMPLES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const sample = (f: string) => JSON.parse(fs.readFileSync(path.join(SAMPLES, f), 'utf8')) as Record<string, unknown>;
const RUN = 297050;

interface Variant {
  /** the instantaneous-luminosity unit the fake OMS declares for lumisections (and scales to) */
  lumiUnit: '10^{30}cm^{-2}s^{-1}' | '10^{34}cm^{-2}s^{-1}';
  /** L1 trigger counters withheld: only rates (Hz) */
  ratesOnly: boolean;
}

function fakeOms(v: Variant): http.Server {
  const runsDoc = (sample('ml4dqm_runs_297050_full.json') as { response: unknown }).response;
  const lsAttrs = { ...(sample('ml4dqm_lumisections_297050_ls1_attributes.json').attributes as Record<string, unknown>) };
  const l1Attrs = structuredClone(sample('ml4dqm_l1triggerrates_297050_ls1_attributes.json').attributes) as Record<string, unknown>;
  const names = sample('ml4dqm_hltpathinfo_297050_path_names.json').path_names as string[];
  const scale = v.lumiUnit === '10^{34}cm^{-2}s^{-1}' ? 1e-4 : 1;
  for (const k of ['init_lumi', 'end_lumi']) lsAttrs[k] = (lsAttrs[k] as number) * scale;
  if (v.ratesOnly) for (const val of Object.values(l1Attrs)) if (val && typeof val === 'object') (val as Record<string, unknown>).counter = null;
  const host = 'https://https://vocms0185.cern.ch/agg/api/v1';
  const collection = (type: string, rows: unknown[]) => ({
    data: rows,
    links: { first: `${host}/${type}?page[limit]=1000`, last: `${host}/${type}?page[limit]=1000`, next: null, prev: null },
    meta: { totalResourceCount: rows.length },
  });
  return http.createServer((req, res) => {
    const url = decodeURIComponent(req.url ?? '');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.includes('page[cursor]')) return send(400, { errors: [{ status: '400', title: 'Bad Request', detail: 'Unknown parameter page[cursor]' }] });
    const m = /^\/agg\/api\/v1\/(\w+)\?/.exec(url);
    const resource = m?.[1];
    if (resource === 'runs') return send(200, runsDoc);
    if (resource === 'lumisections') {
      const units = { init_lumi: { units: v.lumiUnit }, end_lumi: { units: v.lumiUnit }, delivered_lumi: { units: 'pb^{-1}' }, recorded_lumi: { units: 'pb^{-1}' } };
      return send(200, collection('lumisections', [{ id: `${RUN}_1`, type: 'lumisections', attributes: lsAttrs, meta: { row: units } }]));
    }
    if (resource === 'l1triggerrates') return send(200, collection('l1triggerrates', [{ id: `${RUN}_1`, type: 'l1triggerrates', attributes: l1Attrs }]));
    if (resource === 'hltpathinfo')
      return send(
        200,
        collection(
          'hltpathinfo',
          names.map((n) => ({ id: `${RUN}_${n}`, type: 'hltpathinfo', attributes: { run_number: RUN, path_name: n } })),
        ),
      );
    send(404, { errors: [{ status: '404', title: 'Not Found', detail: `no resource ${resource}` }] });
  });
}

describe.each([
  { lumiUnit: '10^{30}cm^{-2}s^{-1}', ratesOnly: false },
  { lumiUnit: '10^{34}cm^{-2}s^{-1}', ratesOnly: true },
] as Variant[])('import of recorded OMS responses (lumisection luminosity in $lumiUnit, L1 rates only: $ratesOnly)', (variant) => {
  let server: http.Server;
  let target: Target;
  let base: string;

  beforeAll(async () => {
    server = fakeOms(variant);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/agg/api/v1`;
    target = await emptyTarget('sqlite');
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await target.cleanup();
  });

  it('maps the recorded rows onto omsagg with omsagg units and reports what the source lacks', async () => {
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a.join(' ')));
    let code: number;
    try {
      code = await importCommand(['--from', base, '--runs', String(RUN), '--db', target.url, '--rate', '0', '--backoff', '0.001']);
    } finally {
      spy.mockRestore();
    }
    const log = errors.join('\n');
    expect(code, log).toBe(0);
    // a source without cursors is paged by offset; what it does not have is skipped with the reason
    expect(log).toMatch(/does not page with cursors/);
    expect(log).toMatch(/skipped: the source has no hltpathrates resource \(HTTP 404\)/);
    expect(log).toMatch(/imported lumisections: 1 units, 1 rows/);

    const db = await openDb(target.url, { readonly: true });
    try {
      const run = await db.knex('runs').where('run_number', RUN).first();
      expect(run).toMatchObject({
        fill_number: 5839,
        duration: 18444,
        era: '2017B',
        l1_rate: 49130.85,
        init_lumi: 6885.2021484375,
        end_lumi: 5031.49072265625,
        delivered_lumi: 106.14806640625,
        beamactive_total_deadtime: 3.35,
        stable_beam: 1,
      });
      expect(run.components.split(',')).toContain('PIXEL');
      expect(run.start_time).toBe('2017-06-16T20:50:33Z');
      const ls = await db.knex('lumisections').where({ run_number: RUN, lumisection_number: 1 }).first();
      // 10^34 declared: scaled back to omsagg's 10^30 (and nothing lost in the scaling)
      expect(ls.init_lumi).toBeCloseTo(6885.2021484375, 8);
      expect(ls.pileup).toBe(40.37966919);
      expect(ls.prescale_name).toBe('Pixels1200b');
      expect(ls.castor_ready).toBe(0);
      expect(ls.gem_ready).toBeNull();
      const l1 = await db.knex('l1_trigger_counts').where({ run_number: RUN, lumisection_number: 1 }).first();
      if (variant.ratesOnly) {
        // counts per lumisection from the OMS rate: rate × 23.31 s
        expect(l1.l1a_physics).toBe(Math.round(23916.926 * 23.31));
        expect(l1.trigger_physics_lost).toBe(Math.round(9167.062 * 23.31));
      } else {
        expect(l1).toMatchObject({ l1a_physics: 557503, l1a_calibration: 1710, l1a_random: 9978, l1a_total: 569191, total_before_deadtime: 786690, trigger_physics_lost: 213684 });
      }
      const paths = await db.knex('hlt_paths').count({ n: '*' });
      expect(Number(paths[0].n)).toBe(278);
      const [{ n: anomalies }] = await db.knex('omsagg_injected_anomalies').count({ n: '*' });
      expect(Number(anomalies)).toBe(0);
    } finally {
      await db.close();
    }

    // served back by omsagg in OMS form, with the units declared
    const dst = await injectOnly(target.url);
    try {
      const runs = (await dst.app.inject({ url: `/api/v1/runs?filter[run_number][EQ]=${RUN}` })).json();
      expect(runs.data[0].attributes.components).toEqual((sample('ml4dqm_runs_297050_full.json').response as { data: { attributes: { components: string[] } }[] }).data[0].attributes.components);
      expect(runs.data[0].meta.row.init_lumi.units).toBe('10^{30}cm^{-2}s^{-1}');
      const l1 = (await dst.app.inject({ url: `/api/v1/l1triggerrates?filter[run_number][EQ]=${RUN}` })).json();
      // OMS's own rate of the lumisection, within the rounding of a count
      expect(l1.data[0].attributes.l1a_physics.rate).toBeCloseTo(23916.926, 1);
      expect(l1.data[0].meta.row['l1a_physics.rate'].units).toBe('Hz');
      const ls = (await dst.app.inject({ url: `/api/v1/lumisections?filter[run_number][EQ]=${RUN}` })).json();
      expect(ls.data[0].attributes.init_lumi).toBeCloseTo(6885.2021484375, 8);
      expect(ls.data[0].meta.row.init_lumi.units).toBe('10^{30}cm^{-2}s^{-1}');
    } finally {
      await dst.close();
    }
  });
});
