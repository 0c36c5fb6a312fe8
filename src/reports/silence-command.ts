// omsagg silence add|list|expire: silences of report alarms, kept in omsagg_report_silences.
import { databaseUrl, dbOptionHelp, parse } from '../command-line/options.js';
import { openDb, redact } from '../db/connection.js';
import { parseTime, PeriodError } from './period.js';
import { addSilence, expireSilence, listSilences, SilenceError } from './silences.js';
import { ensureReportTables } from './store.js';
import { parseDuration, DurationError } from './units.js';
import { wireTime } from '../jsonapi/values.js';

const USAGE = `usage: omsagg silence add --author NAME --reason TEXT (--until TIME | --for LENGTH) [--report ID] [--check ID] [--group PATTERN] [--from TIME]
       omsagg silence list
       omsagg silence expire ID

  --report ID       report definition (default * = every report)
  --check ID        check of the report (default * = every check)
  --group PATTERN   device group: a glob on the group (BPix_L3/*) or device name (PixelBarrel_BpI_SEC8_*) (default *)
  --from TIME       start, UTC (default now); a silence covers the reports whose period ends while it is active
  --until TIME      end, UTC (2018-06-20 or 2018-06-20T06:00Z) — or --for LENGTH (e.g. 3d) from the start
  ${dbOptionHelp(18)}`;

const iso = wireTime;

export async function run(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (!action || action === '--help' || action === '-h') {
    console.log(USAGE);
    return action ? 0 : 2;
  }
  if (!['add', 'list', 'expire'].includes(action)) {
    console.error(`omsagg silence: unknown action '${action}'\n\n${USAGE}`);
    return 2;
  }
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  let url: string;
  try {
    ({ values, positionals } = parse(
      rest,
      {
        author: { type: 'string' },
        reason: { type: 'string' },
        until: { type: 'string' },
        for: { type: 'string' },
        from: { type: 'string' },
        report: { type: 'string', default: '*' },
        check: { type: 'string', default: '*' },
        group: { type: 'string', default: '*' },
        db: { type: 'string' },
      },
      action === 'expire',
    ));
    url = databaseUrl(values.db);
  } catch (err) {
    console.error(`omsagg silence: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  let spec: Parameters<typeof addSilence>[1] | undefined;
  let id: number | undefined;
  try {
    if (action === 'add') {
      if (!values.author) throw new SilenceError('--author NAME is required: who silences');
      if (!values.reason) throw new SilenceError('--reason TEXT is required: why');
      if ((values.until === undefined) === (values.for === undefined)) throw new SilenceError('give --until TIME or --for LENGTH (one of them)');
      const from = values.from ? parseTime(values.from as string) : new Date();
      const until = values.until ? parseTime(values.until as string) : new Date(from.getTime() + parseDuration(values.for as string) * 1000);
      spec = {
        report: values.report as string,
        check: values.check as string,
        groupPattern: values.group as string,
        author: values.author as string,
        reason: values.reason as string,
        startsAt: iso(from),
        endsAt: iso(until),
      };
    }
    if (action === 'expire') {
      if (positionals.length !== 1 || !/^\d+$/.test(positionals[0])) throw new SilenceError('expire takes one silence id (omsagg silence list)');
      id = Number(positionals[0]);
    }
  } catch (err) {
    if (err instanceof SilenceError || err instanceof PeriodError || err instanceof DurationError) {
      console.error(`omsagg silence: ${err.message}`);
      return 2;
    }
    throw err;
  }
  let db;
  try {
    db = await openDb(url);
  } catch (err) {
    console.error(`omsagg silence: cannot open ${redact(url)}: ${(err as Error).message}`);
    return 1;
  }
  try {
    await ensureReportTables(db);
    if (action === 'add') {
      const s = await addSilence(db, spec!);
      console.log(`silence ${s.id}: report ${s.report}, check ${s.check}, group ${s.groupPattern}, ${s.startsAt} – ${s.endsAt}, by ${s.author}: ${s.reason}`);
    } else if (action === 'expire') {
      const s = await expireSilence(db, id!);
      console.log(`silence ${s.id} ends ${s.endsAt}`);
    } else {
      const list = await listSilences(db);
      if (!list.length) console.log('no silences');
      const now = iso(new Date());
      for (const s of list)
        console.log(
          `${String(s.id).padStart(4)}  ${s.startsAt} – ${s.endsAt}${s.endsAt <= now ? ' (ended)' : ''}  report ${s.report}  check ${s.check}  group ${s.groupPattern}  by ${s.author}: ${s.reason}`,
        );
    }
    return 0;
  } catch (err) {
    console.error(`omsagg silence: ${(err as Error).message}`);
    return err instanceof SilenceError ? 2 : 1;
  } finally {
    await db.close();
  }
}
