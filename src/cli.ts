// omsagg command line: one subcommand per concern, each in its own folder as command.ts.
export const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run(args: string[]): Promise<number> }> }> = {
  serve: { summary: 'start the read-only server (creates and seeds the embedded demo database on first start)', load: () => import('./server/command.js') },
  seed: { summary: 'create the schema and fill it with the synthetic 2018 data set', load: () => import('./synth/command.js') },
  score: { summary: 'score lumisections for anomalies into omsagg_anomaly_scores', load: () => import('./anomaly/commands/score.js') },
  detect: { summary: 'score any exported time series (CSV) for anomalies', load: () => import('./anomaly/commands/detect.js') },
  eval: { summary: 'evaluate the anomaly models against the injected ground truth', load: () => import('./anomaly/commands/eval.js') },
  import: { summary: 'import fills, runs, rates and pixel data from an OMS aggregation API (or another omsagg), resumable', load: () => import('./import/command.js') },
  migrate: { summary: 'bring a database made by an older omsagg up to this one (tables, indexes, views, summaries)', load: () => import('./jobs/migrate-command.js') },
  summarize: { summary: 'write the summary tables (folded rows per run) the engine answers folds from', load: () => import('./summaries/command.js') },
  openapi: { summary: 'write the OpenAPI document generated from resources/ and the probes', load: () => import('./server/openapi-command.js') },
  'report eval': { summary: 'how the report alarms find the injected anomalies of a seeded data set', load: () => import('./reports/eval-command.js') },
  report: { summary: 'daily status reports and alarms from the definitions in reports/', load: () => import('./reports/command.js') },
  silence: { summary: 'silence report alarms: who, why, until when (add, list, expire)', load: () => import('./reports/silence-command.js') },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`);
  return ['usage: omsagg <command> [options]   (omsagg <command> --help for its options)', '', ...lines].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  // a two-word command (report eval) before its one-word parent
  const [name, ...rest] = argv.length > 1 && `${argv[0]} ${argv[1]}` in COMMANDS ? [`${argv[0]} ${argv[1]}`, ...argv.slice(2)] : argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`omsagg: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const mod = await command.load();
  return mod.run(rest);
}
