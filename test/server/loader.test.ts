// Resource files: every shipped file loads; a bad file stops loading with a message naming the
// file and the field.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { loadResources, ResourceFileError } from '../../src/resources/loader.js';

const GOOD = {
  type: 'things',
  title: 'Things',
  id: ['run_number'],
  attributes: { run_number: { type: 'integer', unit: null }, rate: { type: 'number', unit: 'Hz' }, other_id: { type: 'integer', unit: null } },
};

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function loadWith(docs: Record<string, unknown>): () => unknown {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omsagg-loader-'));
  dirs.push(dir);
  for (const [name, doc] of Object.entries(docs)) fs.writeFileSync(path.join(dir, name), typeof doc === 'string' ? doc : YAML.stringify(doc));
  return () => loadResources(dir);
}

const patch = (p: Record<string, unknown>) => ({ ...GOOD, ...p });

describe('resource loader', () => {
  it('loads every shipped resource file', () => {
    const reg = loadResources();
    for (const t of ['fills', 'runs', 'lumisections', 'l1algorithmtriggers', 'l1triggerrates', 'hltpathinfo', 'hltpathrates', 'deadtimes', 'pixelcurrents', 'maskedrocs', 'federrors', 'fedchannels']) {
      expect(reg.get(t), t).toBeDefined();
    }
    for (const r of reg.all) for (const c of r.columns) if (c.type === 'integer' || c.type === 'number') expect(c.unit === null ? 'null' : c.unit, `${r.type}.${c.name}`).toBeDefined();
  });

  it('accepts a good file', () => {
    expect(() => loadWith({ 'things.yaml': GOOD })()).not.toThrow();
  });

  it.each([
    ['a number without unit', patch({ attributes: { run_number: { type: 'integer', unit: null }, rate: { type: 'number' } } }), 'attributes.rate.unit'],
    ['an unknown attribute type', patch({ attributes: { run_number: { type: 'integer', unit: null }, x: { type: 'float', unit: 'Hz' } } }), 'attributes.x.type'],
    ['an unknown field', patch({ colour: 'red' }), 'colour'],
    ['a missing title', { ...GOOD, title: undefined }, 'title'],
    ['an id that is not an attribute', patch({ id: ['nope'] }), 'id[0]'],
    ['a sort on an unknown attribute', patch({ default_sort: ['-nope'] }), 'default_sort[0]'],
    ['a bad aggregation', patch({ attributes: { run_number: { type: 'integer', unit: null }, s: { type: 'string', aggregation: 'sum' } } }), 'attributes.s.aggregation'],
    ['a granularity key that is not an attribute', patch({ granularity: { run: ['nope'] } }), 'granularity.run[0]'],
    ['a relationship to an unknown type', patch({ relationships: { fill: { type: 'fills', cardinality: 'one', keys: { run_number: 'fill_number' } } } }), 'relationships.fill.type'],
    ['a type that differs from the file name', patch({ type: 'other' }), 'type'],
  ])('rejects %s, naming file and field', (_what, doc, field) => {
    let err: unknown;
    try {
      loadWith({ 'things.yaml': doc })();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ResourceFileError);
    expect((err as ResourceFileError).file).toBe('things.yaml');
    expect((err as ResourceFileError).field).toBe(field);
    expect((err as Error).message).toContain('things.yaml');
    expect((err as Error).message).toContain(field);
  });

  it('rejects broken YAML with the file name', () => {
    expect(loadWith({ 'things.yaml': 'type: [unclosed' })).toThrow(/things\.yaml.*not valid YAML/);
  });
});
