// Regenerates docs/views.md from the views' columns (read from a database that has them) and the
// column definitions of src/db/tables.ts.  Usage: npx tsx scripts/views-doc.ts [sqlite-file]
import fs from 'node:fs';
import { openDb } from '../src/db/connection.js';
import { TABLES } from '../src/db/tables.js';
import { viewSources } from '../src/db/ddl.js';
const s = await openDb(`sqlite:${process.argv[2] ?? 'test-output/demo.sqlite'}`, { readonly: true });
const kindType: Record<string,string> = { int:'integer', bigint:'integer', real:'number', time:'datetime', bool:'boolean' };
const computed: Record<string,[string,string|null,string]> = {
  efficiency_lumi: ['number','%','recorded / delivered luminosity'],
  first_lumisection_number: ['integer',null,'lumisection number (first of the group)'],
  last_lumisection_number: ['integer',null,'last lumisection number'],
  counter: ['integer','counts','accepted events in the lumisection'],
  rate: ['number','Hz','counter / 23.31 s'],
  percentage_physics_triggers_lost: ['number','%','physics triggers lost to dead time / generated'],
  hv_leakage_current_per_module: ['number','{\\mu}A','hv_leakage_current / n_modules'],
  inst_lumi: ['number','10^{30}cm^{-2}s^{-1}','instantaneous luminosity at the start of the lumisection'],
  masked_fraction: ['number','%','masked_rocs / total_rocs'],
  last_error_name: ['string',null,'name of last_error_code'],
  subdetector: ['string',null,'BPix or FPix'],
};
const arrays = new Set(['components','components_out']);
const desc: Record<string,string> = { integrated_lumi: 'delivered luminosity integrated since the start of 2018 at that lumisection', pileup: 'mean number of interactions per crossing', masked_roc_list: 'masked ROCs as module:roc, comma separated (may be truncated)', components: 'comma-separated list', components_out: 'comma-separated list', hv_leakage_current: 'sum over the power group', time: 'time of the reading (lumisection start)', prescale: 'HLT prescale of the path in the lumisection\'s prescale column', status: "ok, errors, masked or disabled", top_contributor: 'path or channel contributing most (contributors[0])', top_detail: 'what changed, in words', observed_rate: 'observed rate of the top path', predicted_rate: 'rate the top path was scored against' };
const out: string[] = ['# Views', '', 'Generated from the view definitions (`views/`) and the base tables (`src/db/tables.ts`).',
 'One view per resource, named `v_<resource>`; column = attribute name. Types are API types (`datetime`: SQLite TEXT `YYYY-MM-DDTHH:MM:SSZ`, PostgreSQL `timestamp` UTC; `boolean`: SQLite 0/1; `array`: comma-separated TEXT).',
 'Units use the OMS spelling; `—` means none (identifiers, indices, text). Rates are counters / 23.31 s (one lumisection).', ''];
for (const v of viewSources('sqlite')) {
  const cols = (await s.knex.raw(`PRAGMA table_info(${v.name})`)) as {name:string}[];
  const comment = fs.readFileSync(v.file,'utf8').split('\n').filter(l=>l.startsWith('--')).map(l=>l.slice(2).trim()).join(' ');
  out.push(`## ${v.name} (resource \`${v.resource}\`)`, '', comment, '', `Source: \`${v.file.replace(/.*\/views\//,'views/')}\``, '', '| column | type | unit | notes |', '|---|---|---|---|');
  for (const { name } of cols) {
    let type = '', unit: string|null|undefined, note = desc[name] ?? '';
    if (computed[name] && !(name==='first_lumisection_number' && v.resource==='hltpathinfo') && !(name==='last_lumisection_number' && v.resource==='hltpathinfo') && !(name==='subdetector' && v.resource!=='maskedrocs')) { [type, unit] = computed[name]; note = note || computed[name][2]; }
    else if (/_rate$/.test(name) && !['l1_rate','hlt_physics_rate'].includes(name)) { type='number'; unit='Hz'; note = note || `${name.replace(/_rate$/,'_counter')} / 23.31 s`; }
    else if (/_counter$/.test(name) && v.resource==='l1triggerrates') { type='integer'; unit='counts'; }
    else {
      const col = TABLES.flatMap(t=>t.columns).find(c=>c.name===name || (name==='counter' && c.name==='accepted'));
      if (!col) throw new Error(`${v.name}.${name}: unknown`);
      type = col.kind.startsWith('str') ? 'string' : kindType[col.kind];
      unit = col.unit;
    }
    if (arrays.has(name)) type = 'array';
    const u = (type==='integer'||type==='number') ? (unit === null || unit === undefined ? '— (id/index)' : `\`${unit}\``) : '';
    out.push(`| ${name} | ${type} | ${u} | ${note} |`);
  }
  out.push('');
}
fs.writeFileSync('docs/views.md', out.join('\n') + '\n');
console.log('wrote docs/views.md');
await s.close();
