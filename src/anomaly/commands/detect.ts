// omsagg detect: any exported time series (CSV) scored online; the rows come back with anomaly_score
// and anomaly_flag appended (series/csv.ts).
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { ColumnError, detectStream, type DetectOptions } from '../series/csv.js';
import { nonNegative, parse, text, UsageError, wholeNumber, withUsage } from '../../command-line/options.js';

const HELP = `usage: omsagg detect [--csv FILE|-] [options] > scored.csv

Scores every row of a CSV time series online (row i from rows ≤ i only) and appends anomaly_score
(0..1, = −log10(p)/12: p = 1e-3 reads 0.25, 1e-6 reads 0.5) and anomaly_flag (0/1). Each column is
judged against the distribution of its own past errors, so heavy tails, quantised values and
noiseless stretches do not raise alarms; a flag is an episode (one check at p < 1e-5, or two at
p < 1e-3, closed after 3 clean rows).

Trigger rates exported from OMS (a rate column per path and a pileup or luminosity column) are scored
with the models of omsagg score: each path's response to pileup, the common mode of all paths
removed (a luminosity dip or a dead-time spike is explained), path groups from the names. A column
named like pileup, mu, lumi or luminosity turns this on by itself; --regressor names it.

  --csv FILE         input file; '-' or absent = stdin
  --time COL         timestamp column (ISO datetime or epoch number); 'none' = the row index
                     (default: a column named like time/date/timestamp, else the first non-numeric
                     column whose first value parses as a date)
  --columns A,B      value columns (default: every other numeric column, less run/lumisection numbers)
  --regressor COL    the pileup or luminosity column the rates respond to; 'none' = judge every
                     column on its own (default: a column named pileup, mu, lumi, luminosity …)
  --deadtime COL     dead time in percent, with a regressor (default: a column named deadtime …)
  --counts           with a regressor: the values are counts per lumisection, not rates in Hz
  --learn N          rows learned before scoring starts (default 1000)
  --accept N         rows a deviation must last to become the new normal (default: --learn)
  --period N         seasonal period in rows (default: learned from the learning rows; 0 = none)
  --delimiter C      field delimiter (default ,)
  --quiet            no summary on stderr`;

export async function run(args: string[]): Promise<number> {
  return withUsage('detect', HELP, async () => {
    const { values: v, positionals } = parse(
      args,
      {
        csv: { type: 'string' },
        time: { type: 'string' },
        columns: { type: 'string' },
        regressor: { type: 'string' },
        deadtime: { type: 'string' },
        counts: { type: 'boolean' },
        learn: { type: 'string' },
        accept: { type: 'string' },
        period: { type: 'string' },
        delimiter: { type: 'string' },
        quiet: { type: 'boolean' },
      },
      true,
    );
    if (v.help) {
      console.log(HELP);
      return 0;
    }
    if (positionals.length > 1 || (positionals.length === 1 && v.csv !== undefined)) throw new UsageError(`one input file, got ${[text(v.csv), ...positionals].filter(Boolean).join(', ')}`);
    const file = text(v.csv) ?? positionals[0] ?? '-';
    const none = (x: string | undefined) => (x === 'none' ? null : x);
    const delimiter = text(v.delimiter);
    if (delimiter !== undefined && delimiter.length !== 1) throw new UsageError(`--delimiter must be one character, got '${delimiter}'`);
    const opts: DetectOptions = {
      time: none(text(v.time)),
      columns: text(v.columns)?.split(',').filter(Boolean),
      regressor: none(text(v.regressor)),
      deadtime: none(text(v.deadtime)),
      counts: v.counts === true,
      learnRows: wholeNumber('learn', v.learn, 8) ?? 1000,
      acceptRows: wholeNumber('accept', v.accept),
      periodRows: nonNegative('period', v.period),
      delimiter,
    };
    let input: Readable = process.stdin;
    if (file !== '-') {
      if (!fs.existsSync(file)) {
        console.error(`omsagg detect: input file ${file} does not exist`);
        return 2;
      }
      input = fs.createReadStream(file);
    }
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      // a reader that stops early (| head) is not an error
      if (err.code === 'EPIPE') process.exit(0);
      throw err;
    });
    try {
      const s = await detectStream(input, process.stdout, opts);
      if (!v.quiet) {
        const how = s.regressor ? `trigger rates against ${s.regressor}` : `time column ${s.timeColumn ?? '(row index)'}`;
        console.error(
          `omsagg detect: ${s.rows} rows, ${s.flagged} flagged; ${how}; value columns ${s.valueColumns.join(',')}; ` +
            `${s.seconds.toFixed(2)} s (${Math.round(s.rows / Math.max(s.seconds, 1e-9))} rows/s)`,
        );
      }
      return 0;
    } catch (err) {
      if (err instanceof ColumnError) throw new UsageError(err.message);
      throw err;
    }
  });
}
