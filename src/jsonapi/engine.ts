// The read engine: one object that takes a resource read through every stage —
//   query string → ResourceQuery (query.ts) → ReadPlan (plan.ts) → SQL (sql.ts) → rows
//   (execute.ts) → document or CSV (render.ts)
// The HTTP routes (src/resources/routes.ts), the probes and the reports all read through it, so
// they share its plans, its indexes, its counts and its limits. `read()` is the catalog API for
// code: rows as objects keyed by attribute name, in wire form, plus the API URL that returns them.
import type { Db } from '../db/connection.js';
import { NotFoundError, QueryValidationError } from './errors.js';
import { executePage, executeStream, type ExecuteOptions, type PageResult, type StreamResult } from './execute.js';
import { planRead, summaryTableOf, type PlanOptions, type ReadPlan } from './plan.js';
import { SUMMARY_LOG } from './sql.js';
import { parseQuery, type ResourceQuery } from './query.js';
import { parseRawQuery, type RawParam } from './querystring.js';
import type { ResourceDef } from './resource.js';
import { toWire } from './values.js';

export interface EngineOptions {
  defaultPageLimit: number;
  maxPageLimit: number;
  /** per statement (per batch when streaming), ms; 0 = none */
  statementTimeoutMs?: number;
  /** exact counts up to this many rows unless count=exact (default 100 000) */
  exactCountCap?: number;
  /** rows per batch when streaming (default STREAM_BATCH_ROWS, execute.ts) */
  batchRows?: number;
  /** most related resources included per relationship (default 1000) */
  includeLimit?: number;
  /** pages larger than this stream batch by batch instead of being built whole (default 2000) */
  streamAbove?: number;
  /** streamed pages of at most this many rows are written into pooled buffers (default 10 000) */
  pooledStreamRows?: number;
  /** rows `read()` accepts before refusing (default 2 000 000) */
  maxReadRows?: number;
}

export interface ResourceLookup {
  all: ResourceDef[];
  get(type: string): ResourceDef | undefined;
}

export interface CatalogRead {
  /** rows keyed by attribute name (object members as `<object>.<member>`), values in wire form */
  rows: Record<string, unknown>[];
  /** the API path and query that return the same rows, e.g. /api/v1/hltpathrates?filter[…] */
  url: string;
}

/** How often a running server looks for summary tables a job created meanwhile. */
const SUMMARY_CHECK_MS = 60_000;

export class ReadEngine {
  private summaries: ReadonlySet<string> = new Set();
  private summaryTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly db: Db,
    readonly resources: ResourceLookup,
    readonly options: EngineOptions,
  ) {}

  /** Finds the summary tables jobs have written (src/summaries/); folds of the rest are computed live. */
  async checkSummaries(): Promise<ReadonlySet<string>> {
    const found = new Set<string>();
    for (const r of this.resources.all.filter((x) => x.granularity.run?.summary)) {
      try {
        // every column the summary must hold: a table from an older resource definition is not used
        const cols = [...new Set(r.columns.flatMap((c) => (c.aggregation === 'mean' ? [c.column, `${c.column}__n`] : [c.column])))];
        await this.db.reader.all({ sql: `SELECT ${cols.map((c) => `"${c}"`).join(', ')} FROM "${summaryTableOf(r)}" WHERE 1 = 0`, bindings: [] }, { timeoutMs: 5000, internal: true });
        await this.db.reader.all({ sql: `SELECT 1 FROM "${SUMMARY_LOG}" WHERE 1 = 0`, bindings: [] }, { timeoutMs: 5000, internal: true });
        found.add(r.type);
      } catch {
        // no summary table (an older database, or never summarized): folds stay live
      }
    }
    this.summaries = found;
    return found;
  }

  /** Checks now and then every minute, without keeping the process alive. */
  async watchSummaries(): Promise<void> {
    await this.checkSummaries().catch(() => undefined);
    this.summaryTimer ??= setInterval(() => void this.checkSummaries().catch(() => undefined), SUMMARY_CHECK_MS);
    this.summaryTimer.unref();
  }

  close(): void {
    if (this.summaryTimer) clearInterval(this.summaryTimer);
    this.summaryTimer = undefined;
  }

  resource(type: string): ResourceDef {
    const r = this.resources.get(type);
    if (!r) throw new NotFoundError(`unknown resource type '${type}' (known: ${this.resources.all.map((x) => x.type).join(', ')})`);
    return r;
  }

  /** Stage 1: the validated query (400s name the parameter). */
  query(resource: ResourceDef, params: string | RawParam[], extraParams?: readonly string[]): ResourceQuery {
    return parseQuery(typeof params === 'string' ? parseRawQuery(params) : params, resource, {
      defaultLimit: this.options.defaultPageLimit,
      maxLimit: this.options.maxPageLimit,
      extraParams,
    });
  }

  /** Stage 2: the plan. */
  plan(resource: ResourceDef, q: ResourceQuery, opts: PlanOptions = {}): ReadPlan {
    return planRead(resource, q, { resolve: (t) => this.resources.get(t), includeCap: this.options.includeLimit, summaries: this.summaries, ...opts });
  }

  private execOptions(): ExecuteOptions {
    return { timeoutMs: this.options.statementTimeoutMs || undefined, exactCountCap: this.options.exactCountCap, batchRows: this.options.batchRows };
  }

  /** Stages 3–4 for a bounded page: rows, count, related rows. */
  page(plan: ReadPlan): Promise<PageResult> {
    return executePage(this.db, plan, this.execOptions());
  }

  /** Stages 3–4 batch by batch (large pages and exports). */
  stream(plan: ReadPlan): Promise<StreamResult> {
    return executeStream(this.db, plan, this.execOptions());
  }

  /**
   * Whether a streamed answer is written into pooled buffers held until it is sent (true: a page of
   * a few thousand rows) or into string chunks freed as the socket takes them (an export, whose
   * memory must not grow with its length).
   */
  streamsPooled(plan: ReadPlan): boolean {
    return plan.page.mode !== 'all' && plan.page.limit <= (this.options.pooledStreamRows ?? 10_000);
  }

  /** Whether a page is better streamed than built whole. */
  streams(plan: ReadPlan): boolean {
    if (plan.includes.length) return false;
    return plan.page.mode === 'all' || plan.page.limit > (this.options.streamAbove ?? 2000);
  }

  /**
   * The catalog API for probes and reports: every row the query selects (its page[limit], if any,
   * is honoured; without one, all rows), as objects in wire form, and the URL that returns them.
   */
  async read(type: string, query: string, opts: { prefix?: string } = {}): Promise<CatalogRead> {
    const resource = this.resource(type);
    const params = parseRawQuery(query);
    const q = this.query(resource, params);
    if (q.include.relationships.length) throw new QueryValidationError('unknown_include', 'read() returns rows of one resource: include relationships through their own reads', 'include');
    const plan = this.plan(resource, { ...q, count: 'none' }, { allRows: true });
    const max = this.options.maxReadRows ?? 2_000_000;
    const rows: Record<string, unknown>[] = [];
    const cols = plan.projection.flatMap((a) => (a.kind === 'object' ? a.members : [a]));
    const s = await this.stream(plan);
    for await (const set of s.batches) {
      const idx = cols.map((c) => set.columns.indexOf(c.column));
      for (const r of set.rows) {
        const o: Record<string, unknown> = {};
        for (let j = 0; j < cols.length; j++) o[cols[j].name] = toWire(cols[j].type, r[idx[j]]);
        rows.push(o);
      }
      if (rows.length > max) throw new QueryValidationError('too_many_rows', `${type}?${query} selects more than ${max} rows; narrow the filters`, 'filter');
    }
    return { rows, url: `${opts.prefix ?? '/api/v1'}/${type}${query ? `?${query}` : ''}` };
  }
}
