// The shape of src/: packages (its top-level folders) depend on each other without cycles, and
// commands import services, never another command. Read from the import statements themselves.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve('src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

/** Relative imports (static, dynamic and re-exports) of a file, as absolute .ts paths. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^import\s+)'(\.{1,2}\/[^']+)'/gm)) {
    out.push(path.resolve(path.dirname(file), m[1]).replace(/\.js$/, '.ts'));
  }
  return out;
}

const packageOf = (file: string) => path.relative(SRC, file).split(path.sep)[0].replace(/\.ts$/, '');
const isCommand = (file: string) => /(^|[-/])command\.ts$/.test(file) || file.includes(`${path.sep}commands${path.sep}`);

const files = sourceFiles(SRC);

describe('src/ architecture', () => {
  it('reads every relative import to an existing file', () => {
    const missing = files.flatMap((f) =>
      importsOf(f)
        .filter((t) => !fs.existsSync(t))
        .map((t) => `${path.relative(SRC, f)} → ${path.relative(SRC, t)}`),
    );
    expect(missing).toEqual([]);
  });

  it('has no import cycle between packages', () => {
    const edges = new Map<string, Set<string>>();
    for (const f of files) {
      for (const t of importsOf(f)) {
        const [a, b] = [packageOf(f), packageOf(t)];
        if (a !== b) edges.set(a, (edges.get(a) ?? new Set()).add(b));
      }
    }
    expect(edges.size).toBeGreaterThan(5);
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (p: string, trail: string[]) => {
      if (state.get(p) === 'done') return;
      if (state.get(p) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(p)), p].join(' → '));
        return;
      }
      state.set(p, 'open');
      for (const q of edges.get(p) ?? []) visit(q, [...trail, p]);
      state.set(p, 'done');
    };
    for (const p of edges.keys()) visit(p, []);
    expect(cycles).toEqual([]);
  });

  it('commands import services, never another command', () => {
    const commands = files.filter(isCommand);
    expect(commands.length).toBeGreaterThan(5);
    const crossings = commands.flatMap((f) =>
      importsOf(f)
        .filter(isCommand)
        .map((t) => `${path.relative(SRC, f)} → ${path.relative(SRC, t)}`),
    );
    expect(crossings).toEqual([]);
  });
});
