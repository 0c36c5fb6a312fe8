// Probes read only through the read engine (ctx.read): no file under src/probes runs SQL or holds a
// database handle, and no probe writes its own sources (they are derived from its reads).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve('src/probes');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : /\.(ts|js|mjs)$/.test(e.name) ? [full] : [];
  });
}

const files = sourceFiles(ROOT).map((f) => ({ name: path.relative(ROOT, f), text: fs.readFileSync(f, 'utf8') }));
const catalog = files.filter((f) => f.name.startsWith(`catalog${path.sep}`));

describe('probes run no SQL of their own', () => {
  it('finds the probe sources (the checks below have something to check)', () => {
    expect(catalog.length).toBeGreaterThan(0);
    expect(files.some((f) => f.name === 'context.ts')).toBe(true);
  });

  it.each(files.map((f) => [f.name, f.text]))('%s mentions no knex, raw SQL or query builder', (_name, text) => {
    expect(text).not.toMatch(/knex/i);
    expect(text).not.toMatch(/\.(raw|whereIn|whereNotIn|groupBy|orderBy)\(/);
    expect(text).not.toMatch(/\bselect\b[^'"`\n]*\bfrom\s+v_/i);
  });

  it.each(catalog.map((f) => [f.name, f.text]))('%s reads through ctx.read and sets no sources', (_name, text) => {
    expect(text).toMatch(/ctx\b/);
    expect(text).not.toMatch(/\bsources\s*:/);
    expect(text).not.toMatch(/apiUrl/);
    expect(text).not.toMatch(/\bdb\./);
  });
});
