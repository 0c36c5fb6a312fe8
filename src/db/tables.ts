// The base tables, defined once and compiled to DDL for every dialect with knex's schema builder.
// `sql/<dialect>/tables.sql` is generated from this file (scripts/ddl.ts); a test fails when stale.
import type { Knex } from 'knex';
import type { Dialect } from './connection.js';

/** Column kinds: the value conventions of docs/design.md. */
export type ColumnKind =
  | 'int' // 32-bit integer: ids, numbers, indices, small counters
  | 'bigint' // counters that can pass 2^31 (run summaries)
  | 'real' // double precision
  | 'time' // SQLite TEXT 'YYYY-MM-DDTHH:MM:SSZ', PostgreSQL timestamp (UTC), Oracle TIMESTAMP
  | 'bool' // SQLite 0/1, PostgreSQL boolean, Oracle NUMBER(1)
  | `str${number}`; // varchar(n); long lists use str4000

export interface ColumnDef {
  name: string;
  kind: ColumnKind;
  /** unit of a numeric column, for docs; null for identifiers */
  unit?: string | null;
  notNull?: boolean;
}

export interface TableDef {
  name: string;
  columns: ColumnDef[];
  primaryKey: string[];
  indexes?: { name: string; columns: string[]; unique?: boolean }[];
  /** SQLite: store the table clustered on its primary key (compact large count tables) */
  withoutRowid?: boolean;
  /** written by jobs (omsagg's own tables) rather than only by seed */
  own?: boolean;
}

function c(name: string, kind: ColumnKind, unit?: string | null): ColumnDef {
  return { name, kind, unit };
}
const k = (name: string): ColumnDef => ({ name, kind: 'int', unit: null, notNull: true });
const time = (name: string) => c(name, 'time');
const bool = (name: string) => c(name, 'bool');
const LUMI = '10^{30}cm^{-2}s^{-1}';

/** The other beam and DCS flags of an OMS lumisection (after the tracker's), in table order. */
export const LUMISECTION_FLAGS = [
  'beam_present',
  'beam1_stable',
  'beam2_stable',
  'ebp_ready',
  'ebm_ready',
  'eep_ready',
  'eem_ready',
  'esp_ready',
  'esm_ready',
  'hbhea_ready',
  'hbheb_ready',
  'hbhec_ready',
  'hf_ready',
  'ho_ready',
  'castor_ready',
  'zdc_ready',
  'dt0_ready',
  'dtp_ready',
  'dtm_ready',
  'cscp_ready',
  'cscm_ready',
  'rpc_ready',
  'gem_ready',
  'gemp_ready',
  'gemm_ready',
  'rp_sect_45_ready',
  'rp_sect_56_ready',
  'rp_time_ready',
] as const;
const PB = 'pb^{-1}';

export const TABLES: TableDef[] = [
  {
    name: 'fills',
    primaryKey: ['fill_number'],
    columns: [
      k('fill_number'),
      c('fill_type_runtime', 'str32'),
      time('start_time'),
      time('end_time'),
      time('start_stable_beam'),
      time('end_stable_beam'),
      c('duration', 'int', 's'),
      c('energy', 'real', 'GeV'),
      c('bunches_colliding', 'int', 'counts'),
      c('bunches_beam1', 'int', 'counts'),
      c('bunches_beam2', 'int', 'counts'),
      c('peak_lumi', 'real', LUMI),
      c('peak_pileup', 'real', 'counts'),
      c('delivered_lumi', 'real', PB),
      c('recorded_lumi', 'real', PB),
      c('beta_star', 'real', 'cm'),
      c('crossing_angle', 'real', '{\\mu}rad'),
      c('injection_scheme', 'str128'),
      c('lumi_lifetime_h', 'real', 'h'),
      // OMS fills: the filling scheme's bunches per beam, and the luminosity of the stable-beam period
      c('bunches_target', 'int', 'counts'),
      c('delivered_lumi_stablebeams', 'real', PB),
      c('recorded_lumi_stablebeams', 'real', PB),
    ],
    indexes: [{ name: 'fills_start_idx', columns: ['start_time'] }],
  },
  {
    name: 'runs',
    primaryKey: ['run_number'],
    columns: [
      k('run_number'),
      c('fill_number', 'int', null),
      time('start_time'),
      time('end_time'),
      c('duration', 'int', 's'),
      c('last_lumisection_number', 'int', null),
      c('sequence', 'str32'),
      c('era', 'str16'),
      c('l1_menu', 'str128'),
      c('l1_key', 'str128'),
      c('hlt_key', 'str256'),
      c('cmssw_version', 'str64'),
      c('b_field', 'real', 'T'),
      c('energy', 'real', 'GeV'),
      bool('stable_beam'),
      c('components', 'str1000'),
      c('components_out', 'str1000'),
      c('initial_prescale_index', 'int', null),
      c('clock_type', 'str16'),
      c('trigger_mode', 'str128'),
      c('l1_rate', 'real', 'Hz'),
      c('hlt_physics_rate', 'real', 'Hz'),
      c('l1_triggers_counter', 'bigint', 'counts'),
      c('hlt_physics_counter', 'bigint', 'counts'),
      c('init_lumi', 'real', LUMI),
      c('end_lumi', 'real', LUMI),
      c('delivered_lumi', 'real', PB),
      c('recorded_lumi', 'real', PB),
      c('beamactive_total_deadtime', 'real', '%'),
    ],
    indexes: [
      { name: 'runs_fill_idx', columns: ['fill_number'] },
      { name: 'runs_start_idx', columns: ['start_time'] },
    ],
  },
  {
    name: 'lumisections',
    primaryKey: ['run_number', 'lumisection_number'],
    columns: [
      k('run_number'),
      k('lumisection_number'),
      c('fill_number', 'int', null),
      time('start_time'),
      time('end_time'),
      c('init_lumi', 'real', LUMI),
      c('end_lumi', 'real', LUMI),
      c('delivered_lumi', 'real', PB),
      c('recorded_lumi', 'real', PB),
      c('delivered_lumi_per_lumisection', 'real', PB),
      c('recorded_lumi_per_lumisection', 'real', PB),
      c('integrated_lumi', 'real', 'fb^{-1}'),
      c('pileup', 'real', 'counts'),
      c('prescale_index', 'int', null),
      c('prescale_name', 'str64'),
      bool('physics_flag'),
      bool('beams_stable'),
      bool('beam1_present'),
      bool('beam2_present'),
      bool('cms_active'),
      bool('bpix_ready'),
      bool('fpix_ready'),
      bool('tibtid_ready'),
      bool('tob_ready'),
      bool('tecp_ready'),
      bool('tecm_ready'),
      ...LUMISECTION_FLAGS.map(bool),
    ],
    indexes: [
      // in (run, LS) order within a fill: a fill's rows page along the index
      { name: 'lumisections_fill_idx', columns: ['fill_number', 'run_number', 'lumisection_number'] },
      { name: 'lumisections_start_idx', columns: ['start_time'] },
      // covers prescalechanges (each lumisection against the one before) and LIKE on the column's
      // name: their counts and pages read this narrow index instead of the wide rows
      { name: 'lumisections_prescale_idx', columns: ['run_number', 'lumisection_number', 'prescale_index', 'prescale_name'] },
    ],
  },
  {
    name: 'l1_algorithms',
    primaryKey: ['l1_menu', 'bit'],
    columns: [
      { name: 'l1_menu', kind: 'str128', notNull: true },
      k('bit'),
      c('name', 'str128'),
      c('response', 'str16'),
      c('param_a', 'real', 'Hz'),
      c('param_b', 'real', null),
      c('param_c', 'real', 'Hz'),
      c('base_prescale', 'int', null),
    ],
  },
  {
    name: 'l1_algorithm_counts',
    primaryKey: ['run_number', 'lumisection_number', 'bit'],
    withoutRowid: true,
    columns: [
      k('run_number'),
      k('lumisection_number'),
      k('bit'),
      c('pre_dt_before_prescale_counter', 'int', 'counts'),
      c('pre_dt_counter', 'int', 'counts'),
      c('post_dt_counter', 'int', 'counts'),
      c('initial_prescale', 'int', null),
      c('final_prescale', 'int', null),
    ],
    indexes: [{ name: 'l1_algorithm_counts_bit_idx', columns: ['bit', 'run_number', 'lumisection_number'] }],
  },
  {
    name: 'l1_trigger_counts',
    primaryKey: ['run_number', 'lumisection_number'],
    columns: [
      k('run_number'),
      k('lumisection_number'),
      c('l1a_physics', 'int', 'counts'),
      c('l1a_calibration', 'int', 'counts'),
      c('l1a_random', 'int', 'counts'),
      c('l1a_total', 'int', 'counts'),
      c('total_before_deadtime', 'int', 'counts'),
      c('trigger_physics_lost', 'int', 'counts'),
    ],
  },
  {
    name: 'hlt_paths',
    primaryKey: ['path_id'],
    columns: [
      k('path_id'),
      c('path_name', 'str200'),
      c('path_group', 'str32'),
      c('response', 'str16'),
      c('param_a', 'real', 'Hz'),
      c('param_b', 'real', null),
      c('param_c', 'real', 'Hz'),
      c('l1_seed_bit', 'int', null),
    ],
    indexes: [
      { name: 'hlt_paths_name_idx', columns: ['path_name'], unique: true },
      { name: 'hlt_paths_group_idx', columns: ['path_group'] },
    ],
  },
  {
    name: 'hlt_prescales',
    primaryKey: ['hlt_key', 'path_id', 'prescale_index'],
    columns: [{ name: 'hlt_key', kind: 'str256', notNull: true }, k('path_id'), k('prescale_index'), c('prescale', 'int', null)],
  },
  {
    name: 'hlt_path_counts',
    primaryKey: ['run_number', 'lumisection_number', 'path_id'],
    withoutRowid: true,
    columns: [k('run_number'), k('lumisection_number'), k('path_id'), c('l1_pass', 'int', 'counts'), c('ps_pass', 'int', 'counts'), c('accepted', 'int', 'counts')],
    indexes: [{ name: 'hlt_path_counts_path_idx', columns: ['path_id', 'run_number', 'lumisection_number'] }],
  },
  {
    name: 'hlt_path_run_summary',
    primaryKey: ['run_number', 'path_id'],
    columns: [
      k('run_number'),
      k('path_id'),
      c('first_lumisection_number', 'int', null),
      c('last_lumisection_number', 'int', null),
      c('l1_pass', 'bigint', 'counts'),
      c('ps_pass', 'bigint', 'counts'),
      c('accepted', 'bigint', 'counts'),
      c('rejected', 'bigint', 'counts'),
      c('errors', 'bigint', 'counts'),
    ],
    indexes: [{ name: 'hlt_path_run_summary_path_idx', columns: ['path_id', 'run_number'] }],
  },
  {
    name: 'deadtimes_ls',
    primaryKey: ['run_number', 'lumisection_number'],
    columns: [
      k('run_number'),
      k('lumisection_number'),
      c('overall_total_deadtime', 'real', '%'),
      c('beamactive_total_deadtime', 'real', '%'),
      c('tts_deadtime', 'real', '%'),
      c('trigger_rules_deadtime', 'real', '%'),
      c('calibration_deadtime', 'real', '%'),
      c('apve_deadtime', 'real', '%'),
      c('firmware_deadtime', 'real', '%'),
    ],
  },
  {
    name: 'pixel_power_groups',
    primaryKey: ['power_group'],
    columns: [
      k('power_group'),
      c('power_group_name', 'str64'),
      c('subdetector', 'str8'),
      c('part', 'str16'),
      c('layer_or_disk', 'int', null),
      c('side', 'int', null),
      c('sector', 'int', null),
      c('n_modules', 'int', 'counts'),
      c('radius_mm', 'real', 'mm'),
    ],
  },
  {
    name: 'pixel_modules',
    primaryKey: ['module_id'],
    columns: [k('module_id'), c('module_name', 'str64'), c('power_group', 'int', null), c('part', 'str16'), c('fed_id', 'int', null), c('fed_channel', 'int', null), c('n_rocs', 'int', 'counts')],
    indexes: [
      { name: 'pixel_modules_pg_idx', columns: ['power_group'] },
      { name: 'pixel_modules_fed_idx', columns: ['fed_id', 'fed_channel'] },
    ],
  },
  {
    name: 'pixel_readings',
    primaryKey: ['run_number', 'lumisection_number', 'power_group'],
    withoutRowid: true,
    columns: [
      k('run_number'),
      k('lumisection_number'),
      k('power_group'),
      time('time'),
      c('hv_leakage_current', 'real', '{\\mu}A'),
      c('hv_setting', 'real', 'V'),
      c('lv_digital_current', 'real', 'A'),
      c('lv_analog_current', 'real', 'A'),
      c('temperature', 'real', '{\\deg}C'),
    ],
    indexes: [
      { name: 'pixel_readings_pg_idx', columns: ['power_group', 'run_number', 'lumisection_number'] },
      { name: 'pixel_readings_time_idx', columns: ['time'] },
    ],
  },
  {
    name: 'masked_roc_counts',
    primaryKey: ['run_number', 'lumisection_number', 'part'],
    columns: [
      k('run_number'),
      k('lumisection_number'),
      { name: 'part', kind: 'str16', notNull: true },
      c('masked_rocs', 'int', 'counts'),
      c('total_rocs', 'int', 'counts'),
      c('masked_roc_list', 'str4000'),
    ],
    indexes: [{ name: 'masked_roc_counts_part_idx', columns: ['run_number', 'part', 'lumisection_number'] }],
  },
  {
    name: 'pixel_feds',
    primaryKey: ['fed_id'],
    columns: [k('fed_id'), c('subdetector', 'str8'), c('crate', 'int', null), c('n_channels', 'int', 'counts')],
  },
  {
    name: 'pixel_fed_channels',
    primaryKey: ['fed_id', 'channel'],
    columns: [k('fed_id'), k('channel'), c('module_id', 'int', null), c('part', 'str16')],
  },
  {
    name: 'fed_error_types',
    primaryKey: ['error_code'],
    columns: [k('error_code'), c('error_name', 'str64'), c('description', 'str256')],
  },
  {
    name: 'fed_error_counts',
    primaryKey: ['run_number', 'lumisection_number', 'fed_id', 'channel', 'error_code'],
    withoutRowid: true,
    columns: [k('run_number'), k('lumisection_number'), k('fed_id'), k('channel'), k('error_code'), c('error_count', 'int', 'counts')],
    indexes: [
      { name: 'fed_error_counts_fed_idx', columns: ['fed_id', 'run_number', 'lumisection_number'] },
      // per-run folds (run, FED, channel, code) stream along this order
      { name: 'fed_error_counts_run_idx', columns: ['run_number', 'fed_id', 'channel', 'error_code', 'lumisection_number'] },
    ],
  },
  {
    name: 'fed_channel_status',
    primaryKey: ['run_number', 'fed_id', 'channel'],
    columns: [k('run_number'), k('fed_id'), k('channel'), c('status', 'str16'), c('error_count', 'int', 'counts'), c('last_error_code', 'int', null)],
  },
  {
    name: 'omsagg_injected_anomalies',
    primaryKey: ['anomaly_id'],
    own: true,
    columns: [
      k('anomaly_id'),
      c('kind', 'str32'),
      c('label', 'str16'),
      c('run_number', 'int', null),
      c('first_lumisection_number', 'int', null),
      c('last_lumisection_number', 'int', null),
      c('channels', 'str4000'),
      c('magnitude', 'real', null),
      c('description', 'str1000'),
    ],
    indexes: [{ name: 'omsagg_injected_anomalies_run_idx', columns: ['run_number', 'first_lumisection_number'] }],
  },
  {
    name: 'omsagg_anomaly_scores',
    primaryKey: ['run_number', 'lumisection_number', 'model'],
    own: true,
    columns: [
      k('run_number'),
      k('lumisection_number'),
      { name: 'model', kind: 'str64', notNull: true },
      c('score', 'real', null),
      c('threshold', 'real', null),
      c('flag', 'int', null),
      c('contributors', 'str4000'),
      // the first contributor unpacked, so one portable view serves it on every dialect
      c('top_contributor', 'str256'),
      c('top_detail', 'str1000'),
      c('observed_rate', 'real', 'Hz'),
      c('predicted_rate', 'real', 'Hz'),
      time('scored_at'),
    ],
    indexes: [{ name: 'omsagg_anomaly_scores_model_idx', columns: ['model', 'run_number', 'lumisection_number'] }],
  },
  {
    name: 'omsagg_jobs',
    primaryKey: ['job', 'unit'],
    own: true,
    columns: [{ name: 'job', kind: 'str64', notNull: true }, { name: 'unit', kind: 'str128', notNull: true }, c('state', 'str16'), c('detail', 'str1000'), time('updated_at')],
  },
  {
    name: 'omsagg_meta',
    primaryKey: ['key'],
    own: true,
    columns: [{ name: 'key', kind: 'str64', notNull: true }, c('value', 'str1000')],
  },
  {
    // alarm state of the daily reports (src/reports/alarms.ts): one row per report period for every
    // alarm that fires, is inhibited, resolves, or a check without data / failed
    name: 'omsagg_report_alarms',
    primaryKey: ['report', 'check_id', 'group_key', 'period_end'],
    own: true,
    columns: [
      { name: 'report', kind: 'str64', notNull: true },
      { name: 'check_id', kind: 'str64', notNull: true },
      { name: 'group_key', kind: 'str256', notNull: true },
      { name: 'period_end', kind: 'time', notNull: true },
      time('period_start'),
      c('state', 'str16'),
      c('transition', 'str16'),
      c('severity', 'str16'),
      c('sentence', 'str1000'),
      time('first_raised'),
      time('last_notified'),
      c('notified', 'int', null),
      c('silence_id', 'int', null),
      c('inhibited_by', 'str256'),
    ],
    indexes: [{ name: 'omsagg_report_alarms_period_idx', columns: ['report', 'period_end'] }],
  },
  {
    // silences: who, why, until when (omsagg silence)
    name: 'omsagg_report_silences',
    primaryKey: ['silence_id'],
    own: true,
    columns: [
      k('silence_id'),
      c('report', 'str64'),
      c('check_id', 'str64'),
      c('group_pattern', 'str256'),
      c('author', 'str128'),
      c('reason', 'str1000'),
      time('starts_at'),
      time('ends_at'),
      time('created_at'),
    ],
  },
  {
    // notifications of the reports: pending until sent; a later run retries what failed
    name: 'omsagg_report_outbox',
    primaryKey: ['message_id'],
    own: true,
    columns: [
      { name: 'message_id', kind: 'str256', notNull: true },
      c('report', 'str64'),
      c('period_key', 'str64'),
      c('channel', 'str16'),
      c('target', 'str1000'),
      c('state', 'str16'),
      c('attempts', 'int', 'counts'),
      c('last_error', 'str1000'),
      time('next_attempt_at'),
      time('created_at'),
      time('sent_at'),
    ],
    indexes: [{ name: 'omsagg_report_outbox_state_idx', columns: ['state', 'next_attempt_at'] }],
  },
];

export const TABLE_BY_NAME = new Map(TABLES.map((t) => [t.name, t]));

function addColumn(t: Knex.CreateTableBuilder, col: ColumnDef, dialect: Dialect, pk: boolean): void {
  let b: Knex.ColumnBuilder;
  const kind = col.kind;
  if (kind === 'int') b = t.integer(col.name);
  else if (kind === 'bigint') b = t.bigInteger(col.name);
  else if (kind === 'real') b = dialect === 'oracle' ? t.specificType(col.name, 'binary_double') : t.double(col.name);
  else if (kind === 'time') b = dialect === 'sqlite' ? t.specificType(col.name, 'text') : t.timestamp(col.name, { useTz: false });
  else if (kind === 'bool') b = dialect === 'oracle' ? t.specificType(col.name, 'number(1)') : t.boolean(col.name);
  else b = t.string(col.name, Number(kind.slice(3)));
  if (col.notNull || pk) b.notNullable();
}

/** ALTER TABLE statements adding `columns` (nullable: existing rows have no value) to a table. */
export function addColumnsDdl(knex: Knex, def: TableDef, columns: readonly string[], dialect: Dialect): string[] {
  const cols = def.columns.filter((c) => columns.includes(c.name));
  if (!cols.length) return [];
  return knex.schema
    .alterTable(def.name, (t) => {
      for (const col of cols) addColumn(t as unknown as Knex.CreateTableBuilder, { ...col, notNull: false }, dialect, false);
    })
    .toSQL()
    .map((q) => q.sql);
}

/** The DDL statements of one table (create table + indexes) for a dialect. */
export function tableDdl(knex: Knex, def: TableDef, dialect: Dialect): string[] {
  const builder = knex.schema.createTable(def.name, (t) => {
    for (const col of def.columns) addColumn(t, col, dialect, def.primaryKey.includes(col.name));
    t.primary(def.primaryKey, `${def.name}_pk`);
    for (const ix of def.indexes ?? []) {
      if (ix.unique) t.unique(ix.columns, { indexName: ix.name });
      else t.index(ix.columns, ix.name);
    }
  });
  return builder.toSQL().map((q, i) => (i === 0 && dialect === 'sqlite' && def.withoutRowid ? `${q.sql} without rowid` : q.sql));
}
