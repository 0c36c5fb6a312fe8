// The one progress display of the long jobs (seed, score, summarize, import) on a log (non-TTY).
import { describe, expect, it } from 'vitest';
import { makeProgress } from '../../src/shared/progress.js';

describe('progress on a non-terminal stream', () => {
  it('prints done/total, the share, the note and an ETA, at most once per interval', async () => {
    const lines: string[] = [];
    const stream = { isTTY: false, write: (s: string) => (lines.push(s), true) } as unknown as NodeJS.WriteStream;
    const p = makeProgress({ unit: 'lumisections', stream, everyMs: 0 });
    p.start(200, 'import');
    await new Promise((r) => setTimeout(r, 30));
    p.update(50, 'hltpathrates:323954 page 3');
    p.tick('next');
    p.update(200, 'done');
    expect(lines[0]).toBe('import: 200 lumisections\n');
    expect(lines[1]).toMatch(/^import: 50\/200 lumisections \(25\.0 %\), hltpathrates:323954 page 3, \d+ s, eta \d+ s\n$/);
    expect(lines[2]).toMatch(/^import: 51\/200 lumisections \(25\.5 %\), next/);
    expect(lines[3]).toMatch(/^import: 200\/200 lumisections \(100\.0 %\), done, \d+ s\n$/);
  });

  it('keeps quiet when asked, and throttles to its interval', () => {
    const lines: string[] = [];
    const stream = { isTTY: false, write: (s: string) => (lines.push(s), true) } as unknown as NodeJS.WriteStream;
    const quiet = makeProgress({ unit: 'runs', stream, quiet: true });
    quiet.start(3, 'score');
    quiet.tick();
    expect(lines).toEqual([]);
    const slow = makeProgress({ unit: 'runs', stream, everyMs: 60_000 });
    slow.start(3, 'score');
    slow.tick();
    slow.tick();
    slow.tick();
    expect(lines.length).toBe(3); // the start, the first tick, and the last (done) one
  });
});
