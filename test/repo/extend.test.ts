// The promise of the repository: a new resource is a view plus a resource file, a new probe is one
// file — no other edit anywhere, tests included. Proved on a temporary copy of the repository: add
// both, regenerate the generated docs with the project's own commands, and run the resource, view,
// OpenAPI and probe suites there; they must pass and must have tested the additions.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve('.');

const VIEW = `-- v_lumipileup: pileup per unit of luminosity, per lumisection (added by test/repo/extend.test.ts).
SELECT
  l.run_number,
  l.lumisection_number,
  l.start_time,
  l.pileup,
  l.init_lumi,
  CASE WHEN l.init_lumi > 0 THEN 1.0e4 * l.pileup / l.init_lumi ELSE NULL END AS pileup_per_lumi
FROM lumisections l
`;

const RESOURCE = `# Pileup per luminosity: added by test/repo/extend.test.ts; columns from views/lumipileup.sql.
type: lumipileup
view: v_lumipileup
title: "Pileup per luminosity"
description: "Pileup per unit of instantaneous luminosity, per lumisection."
id: [run_number, lumisection_number]
default_sort: [run_number, lumisection_number]
attributes:
  run_number: { type: integer, unit: null, title: "Run number", description: "CMS run number" }
  lumisection_number: { type: integer, unit: null, title: "Lumisection number" }
  start_time: { type: datetime, title: "Start time", description: "Start of the lumisection (UTC)" }
  pileup: { type: number, unit: "counts", title: "Pileup", description: "Mean interactions per bunch crossing" }
  init_lumi: { type: number, unit: "10^{30}cm^{-2}s^{-1}", title: "Init luminosity" }
  pileup_per_lumi: { type: number, unit: "10^{-34}cm^{2}s", title: "Pileup per luminosity", description: "Pileup per 10^34 cm^-2 s^-1" }
relationships:
  run: { type: runs, cardinality: one, keys: { run_number: run_number } }
examples:
  - summary: "A run's lumisections"
    query: "filter[run_number][EQ]=323997&fields=lumisection_number,pileup_per_lumi"
`;

const PROBE = `// Pileup per luminosity over a run: added by test/repo/extend.test.ts.
import { defineProbe } from '../types.js';
import { latestRunIn } from '../lookups.js';
import { omsQuery } from '../query.js';
import { num } from '../values.js';

interface P extends Record<string, unknown> {
  run_number: number;
}

export default defineProbe<P>({
  id: 'pileup-per-lumi',
  group: 'Luminosity',
  title: 'Pileup per luminosity over a run',
  description: 'Pileup per unit of instantaneous luminosity against the lumisection: flat while the bunches stay the same.',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: { run_number: { type: 'integer', title: 'Run', description: 'CMS run (default: the latest)', unit: null, minimum: 1 } },
  },
  async defaults(ctx, given) {
    return { run_number: given.run_number ?? (await latestRunIn(ctx, 'lumipileup')) };
  },
  async run(ctx, p) {
    const rows = await ctx.read('lumipileup', omsQuery({ filters: [['run_number', 'EQ', p.run_number]], fields: ['lumisection_number', 'pileup_per_lumi'], sort: ['lumisection_number'] }), 'pileup per luminosity');
    return {
      title: \`Run \${p.run_number}: pileup per luminosity\`,
      subtitle: \`\${rows.length} lumisections\`,
      axes: { x: { label: 'Lumisection', unit: null, scale: 'linear' }, y: { label: 'Pileup per luminosity', unit: '10^{-34}cm^{2}s', scale: 'linear' } },
      series: [{ key: 'ratio', name: 'Pileup per luminosity', kind: 'line', x: rows.map((r) => Number(r.lumisection_number)), y: rows.map((r) => num(r.pileup_per_lumi)) }],
      annotations: [],
      spans: [],
      live: false,
    };
  },
});
`;

const SUITES = ['test/data/views.test.ts', 'test/server/resources.test.ts', 'test/server/openapi.test.ts', 'test/probes/probes.test.ts'];

let copy: string;

function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(cmd, args, { cwd: copy, encoding: 'utf8', env: { ...process.env, ...env, NO_COLOR: '1', FORCE_COLOR: '0' }, maxBuffer: 64 << 20, timeout: 600_000 });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

describe('adding a resource and a probe needs no other edit', () => {
  beforeAll(() => {
    copy = fs.mkdtempSync(path.join(os.tmpdir(), 'omsagg-extend-'));
    const files = spawnSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    for (const f of files) {
      if (!fs.existsSync(path.join(ROOT, f))) continue;
      fs.mkdirSync(path.dirname(path.join(copy, f)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, f), path.join(copy, f));
    }
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
    // the demo seed is reused (and upgraded to the new view by the test setup) instead of seeded again
    fs.mkdirSync(path.join(copy, 'test-output'));
    for (const f of ['demo.sqlite', 'demo.sqlite.key']) {
      if (fs.existsSync(path.join(ROOT, 'test-output', f))) fs.copyFileSync(path.join(ROOT, 'test-output', f), path.join(copy, 'test-output', f));
    }
    fs.writeFileSync(path.join(copy, 'views/lumipileup.sql'), VIEW);
    fs.writeFileSync(path.join(copy, 'resources/lumipileup.yaml'), RESOURCE);
    fs.writeFileSync(path.join(copy, 'src/probes/catalog/pileup-per-lumi.ts'), PROBE);
  });
  afterAll(() => {
    if (copy) fs.rmSync(copy, { recursive: true, force: true });
  });

  it('the generated docs are regenerated by the project’s commands, then the suites pass and cover both', () => {
    // the reused demo database gets the new view as any older database does
    const migrate = run('npx', ['tsx', 'scripts/omsagg.ts', 'migrate', '--db', 'sqlite:test-output/demo.sqlite']);
    expect(migrate.code, migrate.out).toBe(0);
    const viewsDoc = run('npx', ['tsx', 'scripts/views-doc.ts']);
    expect(viewsDoc.code, viewsDoc.out).toBe(0);
    expect(fs.readFileSync(path.join(copy, 'docs/views.md'), 'utf8')).toContain('## v_lumipileup');
    const openapi = run('npx', ['tsx', 'scripts/omsagg.ts', 'openapi', '--out', 'openapi.yaml']);
    expect(openapi.code, openapi.out).toBe(0);
    expect(fs.readFileSync(path.join(copy, 'openapi.yaml'), 'utf8')).toContain('/api/v1/lumipileup');
    const suites = run('npx', ['vitest', 'run', ...SUITES, '--reporter=verbose'], { OMSAGG_TEST_DIALECTS: 'sqlite' });
    expect(suites.code, suites.out.slice(-6000)).toBe(0);
    // the suites derived their lists from the registries: the additions were tested, not skipped
    expect(suites.out).toMatch(/lumipileup/);
    expect(suites.out).toMatch(/pileup-per-lumi/);
    expect(suites.out).not.toMatch(/\b[1-9]\d* failed/);
  }, 900_000);
});
