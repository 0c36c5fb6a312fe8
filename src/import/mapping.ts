// How each source resource lands in omsagg's base tables: for every resource, the tables its rows
// write and, per column, the attribute (path into nested objects such as `l1a_physics.counter`) it
// comes from. Values are converted to the unit the column declares (src/db/tables.ts) from the unit
// the source declares in the row's meta.row; an attribute without a declared unit is taken to be in
// the OMS convention, which is omsagg's. The views derive everything else (rates from counters,
// stripped keys, fill attributes of runs) exactly as for seeded data.
import { LS_SECONDS } from '../shared/physics.js';
import { parseDatetime } from '../jsonapi/values.js';
import { LUMISECTION_FLAGS, TABLE_BY_NAME, type ColumnKind } from '../db/tables.js';
import { conversionFactor, UnitError } from './units.js';

/** One row of a JSON:API collection as the source sent it. */
export interface WireRow {
  id: string;
  type?: string;
  attributes: Record<string, unknown>;
  meta?: { row?: Record<string, { units?: string | null } | undefined> };
}

/** What a unit needs besides its rows: the run's keys, and the HLT path ids known so far. */
export interface MapContext {
  run?: { hlt_key: string | null; l1_menu: string | null };
  /** path name → path_id (resolved against hlt_paths before a page is written) */
  pathIds: Map<string, number>;
}

export type Row = Record<string, unknown>;

export class RowError extends Error {
  readonly code: string = 'bad_row';
}

export interface ColumnSource {
  column: string;
  /** attribute paths, first non-null wins */
  from: string[];
  /** a rate (Hz) to turn into a count per lumisection when the counter is missing */
  rate?: string;
}

export interface TableWrite {
  table: string;
  columns: ColumnSource[];
  /** a row is written only if these columns are not null */
  requires?: string[];
  /** derived values filled in after the attributes are read */
  derive?: (row: Row, wire: WireRow, ctx: MapContext) => void;
}

export interface ResourceMapping {
  resource: string;
  /** the source rows are per fill, per run, or per run and lumisection */
  scope: 'fill' | 'run' | 'lumisection';
  writes: TableWrite[];
}

const col = (column: string, ...from: string[]): ColumnSource => ({ column, from: from.length ? from : [column] });
const same = (...names: string[]): ColumnSource[] => names.map((n) => col(n));
const counter = (column: string, object: string): ColumnSource => ({ column, from: [`${object}.counter`], rate: `${object}.rate` });
/** lumisection_number of a per-lumisection row: OMS rows carry first/last_lumisection_number */
const LS = col('lumisection_number', 'lumisection_number', 'last_lumisection_number');

/** The path_id of a row: resolved by name (hlt_paths keeps names unique). */
function pathId(row: Row, wire: WireRow, ctx: MapContext): void {
  const name = wire.attributes.path_name;
  if (typeof name !== 'string' || !name) throw new RowError(`row ${wire.id}: no path_name`);
  const id = ctx.pathIds.get(name);
  if (id === undefined) throw new RowError(`row ${wire.id}: path ${name} has no path_id (internal: not resolved)`);
  row.path_id = id;
}

/** A granular row covers one lumisection; a folded one (first ≠ last) is refused. */
function oneLumisection(row: Row, wire: WireRow): void {
  const a = wire.attributes;
  if (a.first_lumisection_number != null && a.last_lumisection_number != null && a.first_lumisection_number !== a.last_lumisection_number) {
    throw new RowError(`row ${wire.id} covers lumisections ${String(a.first_lumisection_number)}-${String(a.last_lumisection_number)}: ask the source for group[granularity]=lumisection`);
  }
  if (row.lumisection_number == null) throw new RowError(`row ${wire.id}: no lumisection number`);
}

const FLAGS = [
  'physics_flag',
  'beams_stable',
  'beam1_present',
  'beam2_present',
  'cms_active',
  'bpix_ready',
  'fpix_ready',
  'tibtid_ready',
  'tob_ready',
  'tecp_ready',
  'tecm_ready',
  ...LUMISECTION_FLAGS,
];

export const MAPPINGS: ResourceMapping[] = [
  {
    resource: 'fills',
    scope: 'fill',
    writes: [
      {
        table: 'fills',
        columns: [
          ...same('fill_number', 'fill_type_runtime', 'start_time', 'end_time', 'start_stable_beam', 'end_stable_beam', 'duration', 'energy'),
          ...same('bunches_colliding', 'bunches_beam1', 'bunches_beam2', 'peak_lumi', 'peak_pileup', 'delivered_lumi', 'recorded_lumi'),
          // omsagg keeps one beta* per fill; OMS has start and stop
          col('beta_star', 'beta_star', 'beta_star_start'),
          ...same('crossing_angle', 'injection_scheme', 'lumi_lifetime_h', 'bunches_target', 'delivered_lumi_stablebeams', 'recorded_lumi_stablebeams'),
        ],
      },
    ],
  },
  {
    resource: 'runs',
    scope: 'run',
    writes: [
      {
        table: 'runs',
        columns: [
          ...same('run_number', 'fill_number', 'start_time', 'end_time', 'duration', 'last_lumisection_number', 'sequence', 'era', 'l1_menu'),
          ...same('l1_key', 'hlt_key', 'cmssw_version', 'b_field', 'energy', 'stable_beam', 'components', 'components_out', 'initial_prescale_index'),
          ...same('clock_type', 'trigger_mode', 'l1_rate', 'hlt_physics_rate', 'l1_triggers_counter', 'hlt_physics_counter', 'init_lumi', 'end_lumi'),
          ...same('delivered_lumi', 'recorded_lumi'),
          // a number on runs, or OMS's {counter, percent} object
          col('beamactive_total_deadtime', 'beamactive_total_deadtime.percent', 'beamactive_total_deadtime'),
        ],
      },
    ],
  },
  {
    resource: 'lumisections',
    scope: 'lumisection',
    writes: [
      {
        table: 'lumisections',
        columns: [
          ...same('run_number', 'lumisection_number', 'fill_number', 'start_time', 'end_time', 'init_lumi', 'end_lumi', 'delivered_lumi'),
          ...same('recorded_lumi', 'delivered_lumi_per_lumisection', 'recorded_lumi_per_lumisection', 'integrated_lumi', 'pileup'),
          ...same('prescale_index', 'prescale_name', ...FLAGS),
        ],
      },
    ],
  },
  {
    resource: 'hltpathinfo',
    scope: 'run',
    writes: [
      { table: 'hlt_paths', columns: same('path_name', 'path_group'), derive: pathId },
      {
        table: 'hlt_path_run_summary',
        columns: [...same('run_number', 'first_lumisection_number', 'last_lumisection_number', 'l1_pass', 'ps_pass', 'accepted', 'rejected'), col('errors', 'excepted', 'errors')],
        derive: (row, wire, ctx) => {
          pathId(row, wire, ctx);
          // OMS gives number_lumisections; counters cover lumisections 1..n (INFERRED from RateMon's use)
          const n = wire.attributes.number_lumisections;
          if (row.first_lumisection_number == null && typeof n === 'number') {
            row.first_lumisection_number = 1;
            row.last_lumisection_number = n;
          }
        },
      },
    ],
  },
  {
    resource: 'hltpathrates',
    scope: 'lumisection',
    writes: [
      { table: 'hlt_paths', columns: same('path_name', 'path_group'), derive: pathId },
      {
        table: 'hlt_path_counts',
        columns: [col('run_number'), LS, { column: 'accepted', from: ['counter'], rate: 'rate' }, ...same('l1_pass', 'ps_pass')],
        derive: (row, wire, ctx) => {
          oneLumisection(row, wire);
          pathId(row, wire, ctx);
        },
      },
      {
        // the path's prescale in the lumisection's column, under the run's HLT key
        table: 'hlt_prescales',
        columns: same('prescale_index', 'prescale'),
        requires: ['hlt_key', 'prescale_index', 'prescale'],
        derive: (row, wire, ctx) => {
          pathId(row, wire, ctx);
          row.hlt_key = ctx.run?.hlt_key ?? null;
        },
      },
    ],
  },
  {
    resource: 'l1triggerrates',
    scope: 'lumisection',
    writes: [
      {
        table: 'l1_trigger_counts',
        columns: [
          col('run_number'),
          LS,
          counter('l1a_physics', 'l1a_physics'),
          counter('l1a_calibration', 'l1a_calibration'),
          counter('l1a_random', 'l1a_random'),
          counter('l1a_total', 'l1a_total'),
          counter('total_before_deadtime', 'total_before_deadtime'),
          counter('trigger_physics_lost', 'trigger_physics_lost'),
        ],
        derive: oneLumisection,
      },
    ],
  },
  {
    resource: 'l1algorithmtriggers',
    scope: 'lumisection',
    writes: [
      {
        table: 'l1_algorithm_counts',
        columns: [
          col('run_number'),
          LS,
          col('bit'),
          { column: 'pre_dt_before_prescale_counter', from: ['pre_dt_before_prescale_counter'], rate: 'pre_dt_before_prescale_rate' },
          { column: 'pre_dt_counter', from: ['pre_dt_counter'], rate: 'pre_dt_rate' },
          { column: 'post_dt_counter', from: ['post_dt_counter'], rate: 'post_dt_rate' },
          col('initial_prescale', 'initial_prescale.prescale'),
          col('final_prescale', 'final_prescale.prescale'),
        ],
        derive: oneLumisection,
      },
      {
        // the bit's name in the run's L1 menu
        table: 'l1_algorithms',
        columns: same('bit', 'name'),
        requires: ['l1_menu', 'bit'],
        derive: (row, _wire, ctx) => {
          row.l1_menu = ctx.run?.l1_menu ?? null;
        },
      },
    ],
  },
  {
    resource: 'deadtimes',
    scope: 'lumisection',
    writes: [
      {
        table: 'deadtimes_ls',
        columns: [
          col('run_number'),
          LS,
          col('overall_total_deadtime', 'overall_total_deadtime.percent', 'overall_total_deadtime'),
          col('beamactive_total_deadtime', 'beamactive_total_deadtime.percent', 'beamactive_total_deadtime'),
          col('tts_deadtime', 'overall_tts.percent', 'tts_deadtime'),
          col('trigger_rules_deadtime', 'overall_trigger_rules.percent', 'trigger_rules_deadtime'),
          col('calibration_deadtime', 'overall_calibration.percent', 'calibration_deadtime'),
          col('apve_deadtime', 'overall_apve.percent', 'apve_deadtime'),
          col('firmware_deadtime', 'overall_firmware_pause.percent', 'firmware_deadtime'),
        ],
        derive: oneLumisection,
      },
    ],
  },
  {
    resource: 'pixelcurrents',
    scope: 'lumisection',
    writes: [
      { table: 'pixel_power_groups', columns: same('power_group', 'power_group_name', 'subdetector', 'part', 'layer_or_disk', 'side', 'sector', 'n_modules', 'radius_mm') },
      {
        table: 'pixel_readings',
        columns: same('run_number', 'lumisection_number', 'power_group', 'time', 'hv_leakage_current', 'hv_setting', 'lv_digital_current', 'lv_analog_current', 'temperature'),
      },
    ],
  },
  {
    resource: 'maskedrocs',
    scope: 'lumisection',
    writes: [{ table: 'masked_roc_counts', columns: same('run_number', 'lumisection_number', 'part', 'masked_rocs', 'total_rocs', 'masked_roc_list') }],
  },
  {
    resource: 'federrors',
    scope: 'lumisection',
    writes: [
      { table: 'fed_error_types', columns: same('error_code', 'error_name') },
      { table: 'pixel_modules', columns: same('module_id', 'module_name', 'part'), requires: ['module_id'] },
      { table: 'pixel_fed_channels', columns: same('fed_id', 'channel', 'module_id', 'part') },
      { table: 'fed_error_counts', columns: same('run_number', 'lumisection_number', 'fed_id', 'channel', 'error_code', 'error_count') },
    ],
  },
  {
    resource: 'fedchannels',
    scope: 'run',
    writes: [
      { table: 'fed_error_types', columns: [col('error_code', 'last_error_code'), col('error_name', 'last_error_name')], requires: ['error_code'] },
      { table: 'pixel_modules', columns: same('module_id', 'module_name', 'power_group', 'part'), requires: ['module_id'] },
      { table: 'pixel_fed_channels', columns: same('fed_id', 'channel', 'module_id', 'part') },
      {
        // the FEDs the scorer watches: every FED with a channel (crate and channel count are not published)
        table: 'pixel_feds',
        columns: same('fed_id'),
        derive: (row, wire) => {
          const part = wire.attributes.part;
          row.subdetector = typeof part === 'string' && /^(BPix|FPix)/.test(part) ? part.slice(0, 4) : null;
        },
      },
      { table: 'fed_channel_status', columns: same('run_number', 'fed_id', 'channel', 'status', 'error_count', 'last_error_code') },
    ],
  },
];

export const MAPPING_BY_RESOURCE = new Map(MAPPINGS.map((m) => [m.resource, m]));
/** Resources whose rows name HLT paths (path ids are resolved before their pages are written). */
export const PATH_RESOURCES = new Set(['hltpathinfo', 'hltpathrates']);

// ---- reading one attribute ---------------------------------------------------------------------

/** The value at `path` ("a" or "a.b"); undefined when the row does not have it. */
export function attributeAt(attrs: Record<string, unknown>, path: string): unknown {
  const dot = path.indexOf('.');
  if (dot < 0) return attrs[path];
  const obj = attrs[path.slice(0, dot)];
  if (obj === null) return null;
  if (obj === undefined || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  return (obj as Record<string, unknown>)[path.slice(dot + 1)];
}

function unitOf(wire: WireRow, path: string): string | null {
  const row = wire.meta?.row;
  if (!row) return null;
  return row[path]?.units ?? row[path.replace('.', '_')]?.units ?? null;
}

function columnKind(table: string, column: string): { kind: ColumnKind; unit: string | null } {
  const def = TABLE_BY_NAME.get(table)?.columns.find((c) => c.name === column);
  if (!def) throw new Error(`internal: ${table}.${column} is not a base-table column`);
  return { kind: def.kind, unit: def.unit ?? null };
}

/** A wire value → the value stored in a column of `kind` (dialect-neutral; the writer maps booleans). */
function storedValue(v: unknown, kind: ColumnKind, where: string): unknown {
  if (v === null || v === undefined) return null;
  if (kind === 'time') {
    if (typeof v !== 'string') throw new RowError(`${where}: '${String(v)}' is not a datetime`);
    try {
      return parseDatetime(v).toISOString().slice(0, 19) + 'Z';
    } catch {
      throw new RowError(`${where}: '${v}' is not a datetime`);
    }
  }
  if (kind === 'bool') {
    if (typeof v === 'boolean') return v;
    if (v === 1 || v === 0) return v === 1;
    if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
    throw new RowError(`${where}: '${String(v)}' is not a boolean`);
  }
  if (kind === 'int' || kind === 'bigint' || kind === 'real') {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (!Number.isFinite(n)) throw new RowError(`${where}: '${String(v)}' is not a number`);
    return kind === 'real' ? n : Math.round(n);
  }
  // strings; OMS arrays (components) are stored comma-separated, as the views expect
  if (Array.isArray(v)) return v.map(String).join(',');
  if (typeof v === 'object') throw new RowError(`${where}: an object where a text was expected`);
  return String(v);
}

function readColumn(table: string, c: ColumnSource, wire: WireRow): unknown {
  const { kind, unit } = columnKind(table, c.column);
  const where = `row ${wire.id}, ${c.column}`;
  for (const path of c.from) {
    const raw = attributeAt(wire.attributes, path);
    if (raw === undefined || raw === null) continue;
    if (typeof raw === 'object' && !Array.isArray(raw)) continue; // an object where a member path follows
    const f = unit ? conversionFactor(unitOf(wire, path), unit) : 1;
    return storedValue(f === 1 || typeof raw !== 'number' ? raw : raw * f, kind, where);
  }
  if (c.rate) {
    const rate = attributeAt(wire.attributes, c.rate);
    if (typeof rate === 'number') {
      const hz = rate * conversionFactor(unitOf(wire, c.rate), 'Hz');
      return storedValue(hz * LS_SECONDS, kind, where);
    }
  }
  return null;
}

/** The rows one wire row writes, per table (a row whose `requires` columns are null is left out). */
export function mapRow(m: ResourceMapping, wire: WireRow, ctx: MapContext): Map<string, Row> {
  if (!wire || typeof wire !== 'object' || !wire.attributes || typeof wire.attributes !== 'object') throw new RowError('a data[] entry without attributes');
  const out = new Map<string, Row>();
  for (const w of m.writes) {
    const row: Row = {};
    try {
      for (const c of w.columns) row[c.column] = readColumn(w.table, c, wire);
    } catch (err) {
      if (err instanceof UnitError) throw new RowError(`row ${wire.id}, ${w.table}: ${err.message}`);
      throw err;
    }
    w.derive?.(row, wire, ctx);
    if (w.requires?.some((k) => row[k] === null || row[k] === undefined)) continue;
    out.set(w.table, row);
  }
  return out;
}

/** Every attribute path a mapping reads (the dry run lists them). */
export function attributesRead(m: ResourceMapping): string[] {
  const s = new Set<string>();
  for (const w of m.writes) for (const c of w.columns) for (const p of [...c.from, ...(c.rate ? [c.rate] : [])]) s.add(p);
  return [...s];
}
