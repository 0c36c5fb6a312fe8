// omsagg report eval: every report definition over every UTC day of a seeded data set, in memory
// (nothing is written), against the injected anomalies. Prints AutoDQM's figure of merit (alarms
// per bad unit / alarms per clean unit, goal ≥ 10) and the share of bad units with an alarm
// (goal ≥ 0.9), per calendar day and per report-day, detection per anomaly kind, and the alarms
// no injected bad anomaly explains.
import { redact } from '../db/connection.js';
import { databaseUrl, parse } from '../command-line/options.js';
import { openReporting } from './reporting.js';
import { ReportDefinitionError } from './definitions.js';
import { dataDays, evaluateReports, figureOfMerit, injectedAnomalies, type FigureOfMerit } from './eval.js';

const USAGE = `usage: omsagg report eval [--db URL] [--only ID,ID] [--quiet]

Evaluates every report definition over each UTC day of a seeded database (read-only) against the
injected anomalies (omsagg_injected_anomalies) and prints the figures of merit. For the seeded week:
  node bin/omsagg.js seed --scale week --db sqlite:data/week.sqlite
  node bin/omsagg.js score --db sqlite:data/week.sqlite
  npm run eval:reports            (= omsagg report eval --db sqlite:data/week.sqlite)`;

const f2 = (x: number) => (Number.isNaN(x) ? 'n/a' : x === Infinity ? '∞' : x.toFixed(2));
const f3 = (x: number) => (Number.isNaN(x) ? 'n/a' : x.toFixed(3));

function fomLine(name: string, f: FigureOfMerit): string {
  const ratio = Number.isNaN(f.ratio) ? 'undefined (no clean unit)' : f.ratio === Infinity ? `∞ (no alarm on any clean unit; ≥ ${f2(f.ratioFloor)} even if one had one)` : `${f2(f.ratio)}×`;
  return `${name}: ${f.bad} bad, ${f.clean} clean; alarms per bad ${f2(f.alarmsPerBad)}, per clean ${f2(f.alarmsPerClean)}; ratio ${ratio}; share of bad with ≥ 1 alarm ${f3(f.shareBadWithAlarm)}`;
}

export async function run(args: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  let url: string;
  try {
    ({ values } = parse(args, { db: { type: 'string' }, only: { type: 'string' }, quiet: { type: 'boolean', default: false } }));
    url = databaseUrl(values.db);
  } catch (err) {
    console.error(`omsagg report eval: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const log = (l: string) => {
    if (!values.quiet) process.stderr.write(`${l}\n`);
  };
  let r;
  try {
    r = await openReporting(url, { readonly: true, only: (values.only as string | undefined)?.split(',').filter(Boolean) });
  } catch (err) {
    console.error(`omsagg report eval: ${err instanceof ReportDefinitionError ? err.message : `cannot open ${redact(url)}: ${(err as Error).message}`}`);
    return err instanceof ReportDefinitionError ? 2 : 1;
  }
  try {
    const t0 = Date.now();
    const truth = await injectedAnomalies(r.db, r.catalog);
    if (!truth.length) {
      console.error(`omsagg report eval: ${redact(url)} holds no injected anomalies (seed it with omsagg seed)`);
      return 2;
    }
    const days = await dataDays(r.catalog);
    log(`report eval: ${r.definitions.length} definitions × ${days.length} days, ${truth.length} injected anomalies (${truth.filter((a) => a.label === 'bad').length} bad) in ${redact(url)}`);
    const res = await evaluateReports(r.catalog, r.definitions, days, truth, log);
    const out: string[] = [];
    out.push(
      `Report evaluation on ${redact(url)}: ${r.definitions.length} definitions × ${days.length} UTC days (${days[0]?.start.slice(0, 10)} … ${days[days.length - 1]?.start.slice(0, 10)}), ${((Date.now() - t0) / 1000).toFixed(0)} s`,
    );
    if (res.missingScores) out.push('WARNING: no anomaly scores for some days: run `omsagg score` on this database first.');
    out.push('', 'Per calendar day (all reports together; a day is bad when any bad anomaly was injected in it):');
    for (const c of res.calendar) out.push(`  ${c.day}  ${c.bad ? 'bad  ' : 'clean'}  ${String(c.badAnomalies).padStart(3)} bad anomalies injected  ${String(c.alarms).padStart(4)} alarms`);
    out.push('  ' + fomLine('calendar days', figureOfMerit(res.calendar)));
    out.push('', "Per report-day (bad: the data the report judged that day holds an injected bad anomaly of a kind in its 'covers'):");
    for (const def of r.definitions) {
      const u = res.units.filter((x) => x.report === def.id);
      out.push(`  ${fomLine(def.id.padEnd(22), figureOfMerit(u))}`);
    }
    const all = figureOfMerit(res.units);
    out.push('  ' + fomLine('ALL report-days'.padEnd(22), all));
    out.push('', 'Detection per injected kind (report-days whose judged data hold the anomaly and whose report covers its kind; alarm stretch within 5 LS of it):');
    for (const k of res.kinds)
      out.push(`  ${k.kind.padEnd(18)} ${k.label.padEnd(8)} ${k.label === 'bad' ? `detected ${k.detected}/${k.expected}` : ''.padEnd(14)}   alarms touching it: ${k.alarmsTouching}`);
    out.push(
      '',
      `Alarms: ${res.totalAlarms} in all; ${res.totalAlarms - res.unexplained} touch an injected bad anomaly (precision ${f3((res.totalAlarms - res.unexplained) / res.totalAlarms)}); ${res.unexplained} touch none, of which ${res.onNotBad} touch a not-bad one (luminosity drop, dead-time spike, prescale change):`,
    );
    for (const a of res.unexplainedAlarms)
      out.push(`  ${a.day} ${a.report}: ${a.sentence.length > 170 ? a.sentence.slice(0, 167) + '…' : a.sentence}${a.notBad.length ? ` [${a.notBad.join(', ')}]` : ''}`);
    const goalRatio = all.ratio >= 10 || (all.ratio === Infinity && all.ratioFloor >= 10);
    out.push(
      '',
      `FIGURE OF MERIT (report-days): alarms per bad / per clean = ${all.ratio === Infinity ? `∞ (floor ${f2(all.ratioFloor)})` : f2(all.ratio)} (goal ≥ 10: ${goalRatio ? 'met' : 'NOT met'}); share of bad report-days with an alarm = ${f3(all.shareBadWithAlarm)} (goal ≥ 0.9: ${all.shareBadWithAlarm >= 0.9 ? 'met' : 'NOT met'})`,
    );
    console.log(out.join('\n'));
    return 0;
  } finally {
    await r.db.close();
  }
}
