// The attributes of the real OMS resources that omsagg serves, as data: transcribed from
// `../shared/oms-resources.md` ("Endpoints and attributes"; prescalechanges from the RateMon notes), whose sources are the real responses
// in `../shared/oms-samples/` (runs, lumisections, l1triggerrates: the tests check these lists
// against the samples' attribute keys and units), the thesis SQL field lists and public scripts.
// Units are given where the reference gives them, in OMS spelling (the samples' meta.row).

export type OmsType = 'integer' | 'number' | 'string' | 'boolean' | 'datetime' | 'array' | 'object';

export interface OmsAttribute {
  type: OmsType;
  /** OMS unit, where the reference gives it */
  unit?: string;
  /** members of a nested object ({counter, rate}, {counter, percent}, prescales) */
  members?: Record<string, { type: OmsType; unit?: string }>;
}

const I: OmsAttribute = { type: 'integer' };
const N: OmsAttribute = { type: 'number' };
const S: OmsAttribute = { type: 'string' };
const B: OmsAttribute = { type: 'boolean' };
const T: OmsAttribute = { type: 'datetime' };
const u = (type: OmsType, unit: string): OmsAttribute => ({ type, unit });
const PB = 'pb^{-1}';
const LUMI = '10^{30}cm^{-2}s^{-1}';
const URAD = '{\\mu}rad';
/** {counter, rate}: l1triggerrates */
const CR: OmsAttribute = { type: 'object', members: { counter: { type: 'integer' }, rate: { type: 'number', unit: 'Hz' } } };
/** {counter, percent}: deadtimes */
const CP: OmsAttribute = { type: 'object', members: { counter: { type: 'integer' }, percent: { type: 'number', unit: '%' } } };
/** initial_prescale / final_prescale of l1algorithmtriggers */
const PS: OmsAttribute = { type: 'object', members: { prescale_index: { type: 'integer' }, prescale_name: { type: 'string' }, prescale: { type: 'integer' } } };

const READY = [
  'bpix',
  'fpix',
  'tibtid',
  'tob',
  'tecp',
  'tecm',
  'ebp',
  'ebm',
  'eep',
  'eem',
  'esp',
  'esm',
  'hbhea',
  'hbheb',
  'hbhec',
  'hf',
  'ho',
  'castor',
  'zdc',
  'dt0',
  'dtp',
  'dtm',
  'cscp',
  'cscm',
  'rpc',
  'gem',
  'gemp',
  'gemm',
  'rp_sect_45',
  'rp_sect_56',
  'rp_time',
];
const DEADTIME_SOURCES = ['total_deadtime', 'tts', 'trigger_rules', 'bunch_mask', 're_tri', 'apve', 'daq_backpressure', 'calibration', 'software_pause', 'firmware_pause'];

export const OMS_ATTRIBUTES: Record<string, Record<string, OmsAttribute>> = {
  runs: {
    run_number: I,
    fill_number: I,
    start_time: T,
    end_time: T,
    duration: u('integer', 's'),
    last_update: T,
    last_lumisection_number: I,
    sequence: S,
    era: S,
    l1_key: S,
    l1_key_stripped: S,
    l1_hlt_mode: S,
    l1_hlt_mode_stripped: S,
    l1_menu: S,
    trigger_mode: S,
    hlt_key: S,
    cmssw_version: S,
    initial_prescale_index: I,
    delivered_lumi: u('number', PB),
    recorded_lumi: u('number', PB),
    init_lumi: u('number', LUMI),
    end_lumi: u('number', LUMI),
    l1_rate: u('number', 'Hz'),
    l1_triggers_counter: I,
    hlt_physics_rate: u('number', 'Hz'),
    hlt_physics_counter: I,
    hlt_physics_size: N,
    hlt_physics_throughput: u('number', 'GB/s'),
    beamactive_total_deadtime: u('number', '%'),
    b_field: u('number', 'T'),
    energy: u('number', 'GeV'),
    crossing_angle_start: u('number', URAD),
    crossing_angle_stop: u('number', URAD),
    beta_star_start: u('number', 'cm'),
    beta_star_stop: u('number', 'cm'),
    clock_type: S,
    fill_type_runtime: S,
    fill_type_party1: S,
    fill_type_party2: S,
    stable_beam: B,
    tier0_transfer: B,
    components: { type: 'array' },
    components_out: { type: 'array' },
    number_of_lumisections: I,
  },
  lumisections: {
    run_number: I,
    fill_number: I,
    lumisection_number: I,
    start_time: T,
    end_time: T,
    beams_stable: B,
    beam_present: B,
    beam1_present: B,
    beam2_present: B,
    beam1_stable: B,
    beam2_stable: B,
    physics_flag: B,
    cms_active: B,
    init_lumi: u('number', LUMI),
    end_lumi: u('number', LUMI),
    delivered_lumi: u('number', PB),
    recorded_lumi: u('number', PB),
    delivered_lumi_per_lumisection: u('number', PB),
    recorded_lumi_per_lumisection: u('number', PB),
    pileup: N,
    prescale_index: I,
    prescale_name: S,
    ...Object.fromEntries(READY.map((r) => [`${r}_ready`, B])),
  },
  fills: {
    fill_number: I,
    start_time: T,
    end_time: T,
    start_stable_beam: T,
    end_stable_beam: T,
    duration: I,
    delivered_lumi: u('number', PB),
    delivered_lumi_stablebeams: u('number', PB),
    recorded_lumi: u('number', PB),
    recorded_lumi_stablebeams: u('number', PB),
    peak_lumi: N,
    peak_pileup: N,
    efficiency_time: N,
    efficiency_lumi: N,
    downtime: N,
    fill_type_runtime: S,
    fill_type_party1: S,
    fill_type_party2: S,
    injection_scheme: S,
    crossing_angle: N,
    beta_star_start: N,
    beta_star_stop: N,
    energy: N,
    b_field: N,
    bunches_colliding: I,
    bunches_target: I,
    bunches_beam1: I,
    bunches_beam2: I,
    intensity_beam1: N,
    intensity_beam2: N,
    era: S,
    stable_beams: B,
  },
  l1algorithmtriggers: {
    run_number: I,
    bit: I,
    name: S,
    mask: B,
    first_lumisection_number: I,
    last_lumisection_number: I,
    lumisection_number: I,
    start_time: T,
    pre_dt_before_prescale_rate: u('number', 'Hz'),
    pre_dt_before_prescale_counter: I,
    pre_dt_rate: u('number', 'Hz'),
    pre_dt_counter: I,
    post_dt_rate: u('number', 'Hz'),
    post_dt_counter: I,
    post_dt_hlt_rate: u('number', 'Hz'),
    post_dt_hlt_counter: I,
    post_dt_ugt_rate: u('number', 'Hz'),
    initial_prescale: PS,
    final_prescale: PS,
  },
  l1triggerrates: {
    run_number: I,
    first_lumisection_number: I,
    last_lumisection_number: I,
    start_time: T,
    l1a_physics: CR,
    l1a_calibration: CR,
    l1a_random: CR,
    l1a_total: CR,
    total_before_deadtime: CR,
    physics_generated_fdl_gt: CR,
    physics_generated_fdl_tcds: CR,
    trigger_physics_beam_active: CR,
    trigger_physics_beam_inactive: CR,
    trigger_physics_lost: CR,
    trigger_physics_lost_beam_active: CR,
    trigger_physics_lost_beam_inactive: CR,
    percentage_physics_triggers_lost: N,
    percentage_physics_triggers_lost_beam_active: N,
    percentage_physics_triggers_lost_beam_inactive: N,
  },
  deadtimes: {
    run_number: I,
    first_lumisection_number: I,
    last_lumisection_number: I,
    ...Object.fromEntries(['overall', 'beamactive'].flatMap((scope) => DEADTIME_SOURCES.map((src) => [`${scope}_${src}`, CP]))),
  },
  hltpathinfo: {
    run_number: I,
    path_name: S,
    path_id: I,
    l1_pass: I,
    ps_pass: I,
    accepted: I,
    excepted: I,
    rejected: I,
    rate: u('number', 'Hz'),
    number_lumisections: I,
  },
  // served too: RateMon reads every lumisection's prescale column from it
  prescalechanges: { run_number: I, lumisection_number: I, new_prescale_index: I },
  hltpathrates: {
    run_number: I,
    fill_number: I,
    path_name: S,
    first_lumisection_number: I,
    last_lumisection_number: I,
    rate: u('number', 'Hz'),
    counter: I,
    start_time: T,
  },
};

/** Which sample holds a full real row of a resource (attribute keys and, for runs, meta.row units). */
export const SAMPLE_ROWS: Record<string, string> = {
  runs: 'ml4dqm_runs_297050_full.json',
  lumisections: 'ml4dqm_lumisections_297050_ls1_attributes.json',
  l1triggerrates: 'ml4dqm_l1triggerrates_297050_ls1_attributes.json',
};
