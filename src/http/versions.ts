// What the data behind an answer is at, without running the answer's query: a snapshot of the runs
// (closed or ongoing, last lumisection, when omsagg last scored them) and of the data without runs,
// refreshed every few seconds. A closed run's content is final, so an answer that touches only
// closed runs keeps its version (and its ETag) for good; an ongoing run's version moves with its
// latest lumisection. Every replica computes the same versions from the same database.
import crypto from 'node:crypto';
import type { Reader } from '../db/reader.js';
import type { Filter } from '../jsonapi/query.js';
import type { ReadPlan } from '../jsonapi/plan.js';

export interface RunState {
  run: number;
  fill: number | null;
  closed: boolean;
  lastLs: number | null;
  /** when omsagg last scored the run (anomaly scores change when it is scored again) */
  scoredAt: string | null;
}

export interface Snapshot {
  runs: Map<number, RunState>;
  /** changes with anything outside the runs table (fills, jobs) */
  global: string;
  takenAt: number;
}

/** The runs an answer touches and whether all of them are closed. */
export interface Scope {
  /** the version of the data the answer is built from */
  version: string;
  /** every run it touches is closed: the answer is final */
  closed: boolean;
}

const hash = (s: string) => crypto.createHash('sha256').update(s).digest('base64url').slice(0, 22);

function num(v: unknown): number | null {
  return v === null || v === undefined || v === '' ? null : Number(v);
}

export class DataVersions {
  private snap: Snapshot = { runs: new Map(), global: 'none', takenAt: 0 };
  private timer: NodeJS.Timeout | undefined;
  private pending: Promise<void> | undefined;

  constructor(
    private readonly reader: Reader,
    private readonly refreshMs = 2000,
  ) {}

  get snapshot(): Snapshot {
    return this.snap;
  }

  /** Reads the snapshot (a few small queries); keeps the previous one when the database fails. */
  refresh(): Promise<void> {
    this.pending ??= (async () => {
      try {
        const runs = await this.reader.all({ sql: 'SELECT run_number, fill_number, end_time, last_lumisection_number FROM v_runs', bindings: [] }, { timeoutMs: 5000, internal: true });
        let scores = { columns: ['unit', 'updated_at'], rows: [] as unknown[][] };
        try {
          scores = await this.reader.all({ sql: "SELECT unit, updated_at FROM omsagg_jobs WHERE job = 'score'", bindings: [] }, { timeoutMs: 5000, internal: true });
        } catch {
          // a database without omsagg's job table: nothing scored
        }
        const scored = new Map<number, string>();
        for (const [unit, at] of scores.rows) {
          const m = /^run:(\d+)$/.exec(String(unit));
          if (m) scored.set(Number(m[1]), at instanceof Date ? at.toISOString() : String(at));
        }
        const map = new Map<number, RunState>();
        for (const [run, fill, end, last] of runs.rows) {
          const r = Number(run);
          map.set(r, { run: r, fill: num(fill), closed: end !== null && end !== undefined, lastLs: num(last), scoredAt: scored.get(r) ?? null });
        }
        let fills = '';
        try {
          const f = await this.reader.all({ sql: 'SELECT count(*), max(fill_number), max(end_time) FROM v_fills', bindings: [] }, { timeoutMs: 5000, internal: true });
          fills = JSON.stringify(f.rows[0], (_k, v) => (v instanceof Date ? v.toISOString() : v));
        } catch {
          fills = 'no fills';
        }
        const all = [...map.values()].sort((a, b) => a.run - b.run).map((s) => `${s.run}:${s.closed ? 'c' : 'o'}:${s.lastLs}:${s.scoredAt}`);
        this.snap = { runs: map, global: hash(`${fills}|${all.join(',')}`), takenAt: Date.now() };
      } catch {
        // keep answering from the previous snapshot; /health reports the database
      } finally {
        this.pending = undefined;
      }
    })();
    return this.pending;
  }

  async start(): Promise<void> {
    await this.refresh();
    this.timer ??= setInterval(() => void this.refresh(), this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The runs selected by filters on run_number and fill_number (undefined: not restricted to runs). */
  runsOf(filters: readonly Pick<Filter, 'attribute' | 'op' | 'value' | 'latest'>[]): number[] | undefined {
    let runs: number[] | undefined;
    const keep = (pred: (s: RunState) => boolean, explicit?: number) => {
      const next = [...this.snap.runs.values()].filter(pred).map((s) => s.run);
      // a run that is not (yet) in the database still names what the answer depends on
      if (explicit !== undefined && !next.includes(explicit)) next.push(explicit);
      runs = runs === undefined ? next : runs.filter((r) => next.includes(r));
    };
    for (const f of filters) {
      if (f.latest || typeof f.value !== 'number') continue;
      const v = f.value;
      const cmp = (x: number | null) => x !== null && ({ EQ: x === v, LT: x < v, LE: x <= v, GT: x > v, GE: x >= v } as Record<string, boolean>)[f.op];
      if (f.attribute === 'run_number' && f.op !== 'NEQ') keep((s) => !!cmp(s.run), f.op === 'EQ' ? v : undefined);
      else if (f.attribute === 'fill_number' && f.op !== 'NEQ') keep((s) => !!cmp(s.fill));
    }
    return runs?.sort((a, b) => a - b);
  }

  /** The version of the data an answer reads, given the runs it touches. */
  scopeOf(runs: number[] | undefined, opts: { scores?: boolean } = {}): Scope {
    const snap = this.snap;
    if (runs === undefined) return { version: `g:${snap.global}`, closed: false };
    const parts: string[] = [];
    let closed = true;
    for (const r of runs) {
      const s = snap.runs.get(r);
      if (!s) {
        parts.push(`${r}:absent`);
        closed = false;
        continue;
      }
      parts.push(`${r}:${s.closed ? 'c' : 'o'}:${s.lastLs}${opts.scores ? `:${s.scoredAt}` : ''}`);
      closed &&= s.closed;
    }
    return { version: `r:${hash(parts.join(','))}`, closed };
  }

  /** The scope of a read plan: the runs its filters select (all data when they select none). */
  scopeOfPlan(plan: ReadPlan): Scope {
    const hasRuns = plan.resource.scalars.has('run_number') || plan.resource.scalars.has('fill_number');
    const runs = hasRuns ? this.runsOf(plan.filters) : undefined;
    return this.scopeOf(runs, { scores: plan.resource.revisable });
  }
}
