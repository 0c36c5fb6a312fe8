// The ProbeContext a probe runs with: ctx.read goes to the read engine and is recorded, so a plot's
// sources are exactly the reads that produced it (those that returned rows), in the order issued.
import { ApiError } from '../jsonapi/errors.js';
import type { CatalogRead } from '../jsonapi/engine.js';
import type { Source } from '../plot/types.js';
import { ProbeFailedError } from './errors.js';
import type { ProbeContext, Row } from './types.js';
import { ValueOutOfRangeError } from '../db/errors.js';

/** The part of the read engine probes use (ReadEngine has it; tests may wrap it). */
export interface CatalogReader {
  read(type: string, query: string, opts?: { prefix?: string }): Promise<CatalogRead>;
}

/** A read that completed: its source entry and how many rows it returned. */
export interface ReadRecord extends Source {
  rows: number;
}

export class RecordingContext implements ProbeContext {
  /** one slot per read in call order; a read that failed leaves its slot empty */
  private readonly slots: (ReadRecord | undefined)[] = [];

  constructor(
    private readonly engine: CatalogReader,
    readonly apiPrefix: string,
    private readonly probeId: string,
  ) {}

  read = async (type: string, query: string, description?: string): Promise<Row[]> => {
    const slot = this.slots.push(undefined) - 1;
    let result: CatalogRead;
    try {
      result = await this.engine.read(type, query, { prefix: this.apiPrefix });
    } catch (err) {
      // the probe built the query from validated parameters: a refusal is the probe's fault, not
      // the client's (database errors, 5xx, pass through as they are; so does a parameter value
      // the database cannot hold, e.g. a number past an integer column's range)
      if (err instanceof ApiError && err.status < 500 && !(err instanceof ValueOutOfRangeError)) {
        const failed = new ProbeFailedError(this.probeId, `its read of ${type}?${query} was refused: ${err.message}`);
        (failed as { cause?: unknown }).cause = err;
        throw failed;
      }
      throw err;
    }
    this.slots[slot] = { resource: type, url: result.url, ...(description ? { description } : {}), rows: result.rows.length };
    return result.rows;
  };

  /** Every completed read, in call order. */
  records(): ReadRecord[] {
    return this.slots.filter((r): r is ReadRecord => r !== undefined);
  }

  /** The plot's sources: the reads that returned rows (a read that found nothing fed nothing into the plot). */
  sources(): Source[] {
    return this.records()
      .filter((r) => r.rows > 0)
      .map(({ rows: _rows, ...source }) => source);
  }
}
