// The registry of report definitions: every file in reports/ is a report (no list anywhere else),
// each is valid against the resources and probes, and a bad file is rejected with a message naming
// the file and the field. The command line says the same and exits 2.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import YAML from 'yaml';
import { loadProbes, type ProbeRegistry } from '../../src/probes/registry.js';
import { resourceDirectory, type ResourceDirectory } from '../../src/reports/data.js';
import { defaultDefinitionsDir, loadDefinitions, validateDefinition } from '../../src/reports/definitions.js';
import { run as reportCommand } from '../../src/reports/command.js';
import { run as silenceCommand } from '../../src/reports/silence-command.js';
import { writableSqliteCopy, type WritableDatabase } from '../helpers/databases.js';

let dir: ResourceDirectory;
let probes: ProbeRegistry;
const DEFS = defaultDefinitionsDir();
const files = fs
  .readdirSync(DEFS)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

beforeAll(async () => {
  dir = resourceDirectory();
  probes = await loadProbes();
});

describe('shipped report definitions', () => {
  it('every file in reports/ is one report, named by its file', () => {
    const defs = loadDefinitions(DEFS, dir, probes);
    expect(defs.map((d) => `${d.id}.yaml`)).toEqual(files);
    expect(files.length).toBeGreaterThanOrEqual(7);
  });

  it.each(files)('%s: thresholds carry units, every check explains itself, probes and recipients are set', (file) => {
    const def = loadDefinitions(DEFS, dir, probes).find((d) => `${d.id}.yaml` === file)!;
    expect(def.description.length).toBeGreaterThan(40);
    expect(def.notify.mail.length + def.notify.webhook.length).toBeGreaterThan(0);
    expect(def.probes.length).toBeGreaterThan(0);
    for (const c of def.checks) {
      if (['band', 'rate', 'stuck', 'jump', 'count', 'reference', 'trend'].includes(c.kind)) {
        expect(c.unit, `${file} ${c.id}`).toBeTruthy();
        expect(c.description?.length ?? 0, `${file} ${c.id} needs a description saying why its limit`).toBeGreaterThan(30);
      }
    }
  });

  it('the definitions together cover every bad kind the synthetic data injects', async () => {
    const { ANOMALY_LABELS } = await import('../../src/synth/anomalies.js');
    const bad = Object.entries(ANOMALY_LABELS)
      .filter(([, l]) => l === 'bad')
      .map(([k]) => k)
      .sort();
    const covered = new Set(loadDefinitions(DEFS, dir, probes).flatMap((d) => d.covers));
    expect(bad.filter((k) => !covered.has(k))).toEqual([]);
    for (const k of covered) expect(Object.keys(ANOMALY_LABELS)).toContain(k);
  });
});

describe('bad definition files are rejected naming the file and the field', () => {
  const base = () => YAML.parse(fs.readFileSync(path.join(DEFS, 'pixel-currents.yaml'), 'utf8')) as Record<string, unknown> & { checks: Record<string, unknown>[] };
  const cases: [string, (d: ReturnType<typeof base>) => void, string][] = [
    ['an unknown field', (d) => void (d.colour = 'red'), "field 'colour': is not a known field here"],
    ['a missing title', (d) => void delete d.title, "field 'title': is required"],
    ['an unknown check kind', (d) => void (d.checks[1].kind = 'magic'), "field 'checks[hv-off].kind': must be one of no_data, band"],
    ['a field of another kind', (d) => void (d.checks[1].tolerance = 3), "field 'checks[hv-off].tolerance': is not a known field here"],
    ['a wrong unit', (d) => void (d.checks[1].unit = 'kV'), "field 'checks[hv-off].unit': 'kV' is not the unit of pixelcurrents.hv_setting (V)"],
    ['an unknown attribute', (d) => void (d.checks[1].attribute = 'hv_voltage'), "field 'checks[hv-off].attribute': 'hv_voltage' is not an attribute of pixelcurrents"],
    ['a text attribute', (d) => void (d.checks[1].attribute = 'part'), "field 'checks[hv-off].attribute': 'part' is string, not a number"],
    ['a bad duration', (d) => void (d.checks[1].for = 'two lumisections'), "field 'checks[hv-off].for': must match pattern"],
    ['an unknown unit of time', (d) => void (d.checks[1].for = '2 fortnights'), "field 'checks[hv-off].for': '2 fortnights' is not a duration"],
    ['an inhibition of an unknown check', (d) => void (d.checks[1].inhibits = ['nope']), "field 'checks[hv-off].inhibits': 'nope' is not another check of this file"],
    ['a duplicate check id', (d) => void (d.checks[2].id = 'hv-off'), "field 'checks[hv-off].id': check id 'hv-off' is used twice"],
    ['an unknown resource', (d) => void (d.resource = 'pixelvoltages'), "field 'resource': unknown resource 'pixelvoltages'"],
    ['a group level the resource lacks', (d) => void (d.checks[1].per = 'crate'), "field 'checks[hv-off].per': 'crate' is not one of the definition's groups"],
    ['an unknown probe', (d) => void (d.probes = [{ probe: 'nope' }]), "field 'probes[nope].probe': unknown probe 'nope'"],
    [
      'a bad probe parameter',
      (d) => void (d.probes = [{ probe: 'pixel-leakage', params: { scale: 'cubic' } }]),
      "field 'probes[pixel-leakage].params': probe pixel-leakage: parameter scale must be equal to one of the allowed values",
    ],
    ['a bad mail address', (d) => void (d.notify = { mail: ['nobody'] }), "field 'notify.mail[0]': must be a mail address"],
    ['min above max', (d) => void Object.assign(d.checks[1], { max: 50 }), "field 'checks[hv-off].max': must be above min"],
  ];
  it.each(cases)('%s', (_what, mutate, message) => {
    const d = base();
    mutate(d);
    expect(() => validateDefinition(d, 'pixel-currents.yaml', dir, probes)).toThrow(`report definition pixel-currents.yaml: ${message}`);
  });
});

describe('the command line', () => {
  let tmp: string;
  let w: WritableDatabase;
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'omsagg-defs-'));
    w = await writableSqliteCopy();
  });
  afterAll(async () => {
    fs.rmSync(tmp, { recursive: true, force: true });
    await w?.cleanup();
  });

  async function capture(fn: () => Promise<number>): Promise<{ code: number; err: string; out: string }> {
    const err: string[] = [];
    const out: string[] = [];
    const e = vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
    const o = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
    try {
      return { code: await fn(), err: err.join('\n'), out: out.join('\n') };
    } finally {
      e.mockRestore();
      o.mockRestore();
    }
  }

  it('a bad definition stops omsagg report with exit 2 and the file and field', async () => {
    fs.writeFileSync(path.join(tmp, 'broken.yaml'), 'title: Broken\nchecks:\n  - { id: x, kind: band, title: X, severity: loud, resource: runs, attribute: l1_rate, unit: Hz, max: 1 }\n');
    const r = await capture(() => reportCommand(['--db', w.url, '--definitions', tmp, '--no-notify', '--out', path.join(tmp, 'out'), '--quiet']));
    expect(r.code).toBe(2);
    expect(r.err).toBe("omsagg report: report definition broken.yaml: field 'checks[x].severity': must be one of info, warning, critical");
    expect(fs.existsSync(path.join(tmp, 'out'))).toBe(false);
  });

  it('bad values get a clear message and exit 2', async () => {
    for (const [args, msg] of [
      [['--period', '3 parsecs'], "omsagg report: --period: '3 parsecs' is not a duration"],
      [['--at', 'yesterday'], "omsagg report: 'yesterday' is not a UTC time"],
      [['--periods', '0'], 'omsagg report: --periods must be a whole number from 1 to 366'],
      [['--every', '24h', '--at', '2018-06-16'], 'omsagg report: --every runs for the latest period each time'],
      [['--smtp-url', 'http://mail'], 'omsagg report: OMSAGG_SMTP_URL must start with smtp:// or smtps://'],
      [['--only', 'nope'], 'omsagg report: --only: no definition nope'],
      [['--colour'], "omsagg report: unknown option '--colour'"],
    ] as [string[], string][]) {
      const r = await capture(() => reportCommand([...args, '--db', w.url, '--quiet']));
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.startsWith(msg), `${r.err} should start with ${msg}`).toBe(true);
    }
    expect((await capture(() => reportCommand(['--help']))).out).toContain('--period LENGTH');
  });

  it('omsagg silence: add, list, expire, with clear errors', async () => {
    const add = await capture(() =>
      silenceCommand([
        'add',
        '--db',
        w.url,
        '--report',
        'pixel-currents',
        '--check',
        'hv-off',
        '--group',
        'BPix_L3/*',
        '--author',
        'jdoe',
        '--reason',
        'layer 3 HV work',
        '--from',
        '2018-06-15',
        '--until',
        '2018-06-20T06:00Z',
      ]),
    );
    expect(add).toMatchObject({ code: 0, out: 'silence 1: report pixel-currents, check hv-off, group BPix_L3/*, 2018-06-15T00:00:00Z – 2018-06-20T06:00:00Z, by jdoe: layer 3 HV work' });
    const list = await capture(() => silenceCommand(['list', '--db', w.url]));
    expect(list.out).toContain('2018-06-15T00:00:00Z – 2018-06-20T06:00:00Z (ended)  report pixel-currents  check hv-off  group BPix_L3/*  by jdoe: layer 3 HV work');
    for (const [args, msg] of [
      [['add', '--reason', 'x', '--for', '3d'], 'omsagg silence: --author NAME is required'],
      [['add', '--author', 'a', '--for', '3d'], 'omsagg silence: --reason TEXT is required'],
      [['add', '--author', 'a', '--reason', 'b'], 'omsagg silence: give --until TIME or --for LENGTH'],
      [['add', '--author', 'a', '--reason', 'b', '--from', '2018-06-20', '--until', '2018-06-19'], 'omsagg silence: the silence ends (2018-06-19T00:00:00Z) before it starts'],
      [['expire', '7'], 'omsagg silence: there is no silence 7'],
      [['mute'], "omsagg silence: unknown action 'mute'"],
    ] as [string[], string][]) {
      const r = await capture(() => silenceCommand([...args, '--db', w.url]));
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.startsWith(msg), `${r.err} should start with ${msg}`).toBe(true);
    }
    const exp = await capture(() => silenceCommand(['expire', '1', '--db', w.url]));
    expect(exp.code).toBe(0);
  });
});
