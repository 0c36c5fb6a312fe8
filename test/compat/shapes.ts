// The query shapes public scripts and the OMS GUI send to the central OMS aggregation API, as data:
// from `../shared/oms-resources.md` ("How public scripts query them" and the endpoint notes), each
// with the script that sends it. Query strings are written as the scripts build them (the OMS
// python client puts fields, filters, sort, include, then page[offset]/page[limit], then custom
// parameters; raw-`requests` scripts in their own order). Placeholders are filled from the demo
// data: {run} a run (the longest), {runLo}-{runHi} a run range, {fill} its fill, {path} one of its
// HLT paths, {bit}/{l1name} one of its L1 bits, {ls}/{lsLo}/{lsHi} lumisections of it, {t0}/{t1}
// a time window inside it, {since} a day before it.
//
// `reads`: what the script reads from each row — attribute paths (`initial_prescale.prescale_index`),
// or `meta.row.<attr>.units`, `meta.totalResourceCount`, `links.next`. `units`: the unit the script
// assumes (checked against the row meta or /meta). `outcome`: 'works', { notProvided: [...] } (the
// OMS attributes of the shape omsagg cannot provide, README "Attributes not provided") or
// 'notServed' (an OMS endpoint omsagg does not serve: a 404 naming it).

export type Outcome = 'works' | { notProvided: string[] } | 'notServed';

export interface PublicShape {
  id: string;
  /** the script (repository:path) or GUI component that sends it */
  source: string;
  /** endpoint under the API prefix, with placeholders */
  path: string;
  query: string;
  reads: string[];
  units?: Record<string, string>;
  outcome: Outcome;
  /** the answer must hold rows (default true for 'works') */
  rows?: boolean;
  /** why SQLite may sort this shape's rows (a bounded set), when it does */
  sorts?: string;
  note?: string;
}

const RATEMON = 'cms-tsg-fog/RateMon:ratemon/DBParser.py';
const NTUPLE = 'silviodonato/OMSRatesNtuple:OMS_ntuplizer/OMS_ntuplizer.py';
const ML4DQM = 'LukaLambrecht/ML4DQMDC-PixelAE:omsapi/example.ipynb';
const WBM = 'LukaLambrecht/ML4DQMDC-PixelAE:omsinterface/omstools.py (CMSTrackerDPG/wbmcrawlr)';
const BOUNDINO = 'boundino/omstools:util/oms.py';
const LHCINFO = 'cms-sw/cmssw:CondTools/RunInfo/src/LHCInfoPopConSourceHandler.cc';
const GUI = 'OMS GUI (PChatagnon/CMSOMS) trigger-rate chart';
const PS_READY = ['ebp', 'ebm', 'eep', 'eem', 'hbhea', 'hbheb', 'hbhec', 'hf', 'ho', 'rpc', 'dt0', 'dtp', 'dtm', 'cscp', 'cscm', 'tob', 'tibtid', 'tecp', 'tecm', 'bpix', 'fpix', 'esp', 'esm'].map((d) => `${d}_ready`);
const NTUPLE_FLAGS = ['bpix', 'fpix', 'tob', 'tecp', 'tecm', 'tibtid', 'esm', 'ebp', 'esp', 'eep', 'ebm', 'eem', 'ho', 'hbhea', 'hbhec', 'hbheb', 'hf', 'gemm', 'gemp', 'gem', 'dt0', 'dtm', 'dtp', 'rpc', 'cscm', 'cscp', 'rp_sect_45', 'rp_sect_56', 'rp_time'].map((d) => `${d}_ready`);
const LUMI = '10^{30}cm^{-2}s^{-1}';

export const SHAPES: PublicShape[] = [
  // ── 1 ML4DQM (pixel autoencoder): OMSAPI client, paginate(1, 1000)
  { id: 'ml4dqm-run', source: ML4DQM, path: 'runs', query: 'filter[run_number][EQ]={run}&page[offset]=0&page[limit]=1000', reads: ['run_number', 'fill_number', 'l1_rate', 'init_lumi', 'delivered_lumi', 'era', 'meta.row.delivered_lumi.units', 'meta.totalResourceCount', 'links.next'], units: { delivered_lumi: 'pb^{-1}', init_lumi: LUMI, l1_rate: 'Hz' }, outcome: 'works' },
  { id: 'ml4dqm-run-range', source: ML4DQM, path: 'runs', query: 'fields=l1_rate,l1_menu&filter[run_number][GE]={runLo}&filter[run_number][LE]={runHi}&page[offset]=0&page[limit]=1000', reads: ['l1_rate', 'l1_menu'], outcome: 'works' },
  { id: 'ml4dqm-ls-all', source: ML4DQM, path: 'lumisections', query: 'filter[run_number][EQ]={run}&filter[lumisection_number][EQ]=1&page[offset]=0&page[limit]=1000', reads: ['lumisection_number', 'beams_stable', 'bpix_ready', 'fpix_ready', 'pileup', 'prescale_name', 'recorded_lumi_per_lumisection'], outcome: 'works' },
  { id: 'ml4dqm-ls-cms-active', source: ML4DQM, path: 'lumisections', query: 'fields=lumisection_number,cms_active&filter[run_number][EQ]={run}&page[offset]=0&page[limit]=1000', reads: ['lumisection_number', 'cms_active'], outcome: 'works' },
  { id: 'ml4dqm-l1-rates', source: ML4DQM, path: 'l1triggerrates', query: 'filter[run_number][EQ]={run}&page[offset]=0&page[limit]=1000&group[granularity]=lumisection', reads: ['first_lumisection_number', 'l1a_physics.rate', 'l1a_total.counter'], units: { 'l1a_physics.rate': 'Hz' }, outcome: 'works' },
  { id: 'ml4dqm-path-names', source: ML4DQM, path: 'hltpathinfo', query: 'fields=path_name&filter[run_number][EQ]={run}&page[offset]=0&page[limit]=1000', reads: ['path_name'], outcome: 'works' },
  { id: 'ml4dqm-path-rates', source: `${ML4DQM} (SEEN URL)`, path: 'hltpathrates', query: 'filter[run_number][EQ]={run}&filter[path_name][EQ]={path}&group[granularity]=lumisection&page[limit]=1000', reads: ['first_lumisection_number', 'last_lumisection_number', 'rate', 'counter'], units: { rate: 'Hz' }, outcome: 'works' },
  // ── raw requests (wbmcrawlr), page[offset]/page[limit], totalResourceCount, meta.row units
  { id: 'wbm-global-runs', source: WBM, path: 'runs', query: 'filter[sequence][EQ]=GLOBAL-RUN&page[offset]=0&page[limit]=100', reads: ['run_number', 'meta.totalResourceCount', 'meta.row.recorded_lumi.units'], outcome: 'works' },
  { id: 'wbm-path-rates', source: WBM, path: 'hltpathrates', query: 'filter[run_number][EQ]={run}&filter[path_name][EQ]={path}&filter[last_lumisection_number][GT]=0&sort=last_lumisection_number&page[offset]=0&page[limit]=10000', reads: ['last_lumisection_number', 'rate', 'meta.row.rate.units', 'meta.totalResourceCount'], units: { rate: 'Hz' }, outcome: 'works' },
  { id: 'wbm-ls-time-range', source: WBM, path: 'lumisections', query: 'filter[start_time][GE]={t0}&filter[end_time][LE]={t1}&page[offset]=0&page[limit]=5000', reads: ['run_number', 'lumisection_number', 'init_lumi', 'meta.row.init_lumi.units', 'meta.totalResourceCount'], units: { init_lumi: LUMI }, outcome: 'works' },
  { id: 'wbm-fills', source: WBM, path: 'fills', query: 'filter[fill_number][EQ]={fill}&page[offset]=0&page[limit]=100', reads: ['fill_number', 'bunches_colliding', 'delivered_lumi', 'meta.totalResourceCount'], outcome: 'works' },
  // ── 2 DQM Playground: json_normalize'd hltpathrates rows of ZeroBias per LS
  { id: 'playground-zerobias', source: 'CMSTrackerDPG/MLplayground:scripts/extract_oms_lumisection_info.sh (hltpathrates pickle)', path: 'hltpathrates', query: 'filter[run_number][EQ]={run}&filter[path_name][EQ]={path}&group[granularity]=lumisection&page[offset]=0&page[limit]=10000', reads: ['run_number', 'first_lumisection_number', 'rate'], outcome: 'works' },
  // ── 3 RateMon (OMSAPI client, PAGE_LIMIT 10000)
  { id: 'ratemon-ps-column', source: `${RATEMON} getRunInfo`, path: 'l1algorithmtriggers', query: 'filter[run_number][EQ]={run}&filter[bit][EQ]={bit}&page[offset]=0&page[limit]=10000&fields=first_lumisection_number,initial_prescale', reads: ['first_lumisection_number', 'initial_prescale.prescale_index'], outcome: 'works', note: 'RateMon asks bit 0; the demo menu does not use bit 0, so its lowest bit stands in' },
  { id: 'ratemon-l1-config-keys', source: `${RATEMON} getRunKeys`, path: 'l1configurationkeys', query: 'filter[run_number][EQ]={run}&page[offset]=0&page[limit]=1&fields=l1_hlt_mode_stripped,run_settings_key,l1_key,gt_key', reads: ['l1_hlt_mode_stripped', 'run_settings_key'], outcome: 'notServed' },
  { id: 'ratemon-hltconfig', source: `${RATEMON} getRunKeys`, path: 'hltconfig', query: 'filter[run_number][EQ]={run}&page[offset]=0&page[limit]=1&fields=config_name', reads: ['config_name'], outcome: 'notServed' },
  { id: 'ratemon-lumi-info', source: `${RATEMON} getLumiInfo`, path: 'lumisections', query: 'filter[run_number][EQ]={run}&filter[lumisection_number][GE]=-1&include=meta&page[offset]=0&page[limit]=10000', reads: ['lumisection_number', 'init_lumi', 'physics_flag', 'beam1_present', 'meta.row.init_lumi.units', ...PS_READY], units: { init_lumi: LUMI }, outcome: 'works', note: 'the LE filter on the misspelt lumiseciton_number is dropped by the client (not in /meta)' },
  { id: 'ratemon-prescale-changes', source: `${RATEMON} getLumiInfo`, path: 'prescalechanges', query: 'filter[run_number][EQ]={run}&fields=lumisection_number,new_prescale_index&page[offset]=0&page[limit]=10000', reads: ['lumisection_number', 'new_prescale_index'], outcome: 'works' },
  { id: 'ratemon-path-rate', source: `${RATEMON} getSingleHLTRate`, path: 'hltpathrates', query: 'filter[run_number][EQ]={run}&filter[path_name][EQ]={path}&filter[first_lumisection_number][GE]=-1&filter[last_lumisection_number][LE]=9999999&page[offset]=0&page[limit]=10000&fields=first_lumisection_number,rate', reads: ['first_lumisection_number', 'rate'], outcome: 'works' },
  { id: 'ratemon-run-fold', source: `${RATEMON} getPSRates`, path: 'hltpathrates', query: 'filter[run_number][EQ]={run}&page[offset]=0&page[limit]=10&group[granularity]=run', reads: ['first_lumisection_number', 'last_lumisection_number', 'path_name', 'rate'], outcome: 'works' },
  { id: 'ratemon-path-ids', source: `${RATEMON} getHLTNameMap`, path: 'hltpathinfo', query: 'filter[run_number][EQ]={run}&page[offset]=0&page[limit]=10000&fields=path_name,path_id', reads: ['path_name', 'path_id'], outcome: 'works' },
  { id: 'ratemon-hltconfigdata', source: `${RATEMON} getHLTSeeds`, path: 'hltconfigdata', query: 'filter[run_number][EQ]={run}&page[offset]=0&page[limit]=10000&fields=path_name,l1_prerequisite', reads: ['l1_prerequisite'], outcome: 'notServed' },
  { id: 'ratemon-hlt-prescales', source: `${RATEMON} getHLTPrescales`, path: 'hltprescalesets', query: 'filter[run_number][EQ]={run}&page[offset]=0&page[limit]=10000', reads: ['prescales'], outcome: 'notServed' },
  { id: 'ratemon-l1-prescales', source: `${RATEMON} getL1Info`, path: 'l1prescalesets', query: 'filter[run_number][EQ]={run}&page[offset]=0&page[limit]=10000', reads: ['prescales'], outcome: 'notServed' },
  { id: 'ratemon-bunches', source: `${RATEMON} getNumberCollidingBunches`, path: 'fills', query: 'filter[fill_number][EQ]={fill}&page[offset]=0&page[limit]=1&fields=bunches_colliding,bunches_target', reads: ['bunches_colliding', 'bunches_target'], outcome: 'works' },
  { id: 'ratemon-run-fill', source: `${RATEMON} getNumberCollidingBunches`, path: 'runs', query: 'filter[run_number][EQ]={run}&page[offset]=0&page[limit]=1&fields=fill_number', reads: ['fill_number'], outcome: 'works' },
  { id: 'ratemon-beam-mode', source: `${RATEMON} getLHCStatus`, path: 'diplogger', query: 'filter[source_dir][EQ]=dip/acc/LHC/RunControl/BeamMode&filter[dip_time][EQ]=last&page[offset]=0&page[limit]=10', reads: ['value'], outcome: 'notServed' },
  { id: 'ratemon-deadtime', source: `${RATEMON} getDeadTime`, path: 'deadtimes', query: 'filter[run_number][EQ]={run}&filter[first_lumisection_number][GE]=-1&filter[last_lumisection_number][LE]=9999999&page[offset]=0&page[limit]=10000&group[granularity]=lumisection&fields=first_lumisection_number,beamactive_total_deadtime', reads: ['first_lumisection_number', 'beamactive_total_deadtime.percent'], units: { 'beamactive_total_deadtime.percent': '%' }, outcome: 'works' },
  ...(['trigger_physics_lost', 'l1a_physics', 'l1a_calibration', 'l1a_random', 'l1a_total'] as const).map((obj): PublicShape => ({
    id: `ratemon-l1-${obj.replace(/_/g, '-')}`, source: `${RATEMON} getL1A*`, path: 'l1triggerrates',
    query: `filter[run_number][EQ]={run}&filter[first_lumisection_number][GE]=-1&filter[last_lumisection_number][LE]=9999999&page[offset]=0&page[limit]=10000&group[granularity]=lumisection&fields=first_lumisection_number,${obj}`,
    reads: ['first_lumisection_number', `${obj}.rate`], units: { [`${obj}.rate`]: 'Hz' }, outcome: 'works',
  })),
  { id: 'ratemon-latest-run', source: `${RATEMON} getLatestRunInfo`, path: 'runs', query: 'filter[last_lumisection_number][GE]=1&sort=-run_number&page[offset]=0&page[limit]=1&fields=run_number', reads: ['run_number'], outcome: 'works' },
  { id: 'ratemon-trigger-mode', source: `${RATEMON} getTriggerMode`, path: 'runs', query: 'filter[run_number][EQ]={run}&page[offset]=0&page[limit]=1&fields=trigger_mode', reads: ['trigger_mode'], outcome: 'works' },
  { id: 'ratemon-fill-runs', source: `${RATEMON} getFillRuns`, path: 'lumisections', query: 'filter[fill_number][EQ]={fill}&page[offset]=0&page[limit]=10000&fields=physics_flag,beam1_stable,beam2_stable,run_number', reads: ['physics_flag', 'beam1_stable', 'beam2_stable', 'run_number'], outcome: 'works' },
  { id: 'ratemon-recent-runs', source: `${RATEMON} getRecentRuns`, path: 'runs', query: 'filter[stable_beam][EQ]=True&sort=-fill_number&page[offset]=0&page[limit]=1&fields=fill_number', reads: ['fill_number'], outcome: 'works' },
  { id: 'ratemon-l1-by-name', source: `${RATEMON} getL1Rates`, path: 'l1algorithmtriggers', query: 'filter[run_number][EQ]={run}&filter[name][EQ]={l1name}&page[offset]=0&page[limit]=10000&fields=pre_dt_before_prescale_rate,initial_prescale,first_lumisection_number', reads: ['pre_dt_before_prescale_rate', 'initial_prescale.prescale', 'first_lumisection_number'], units: { pre_dt_before_prescale_rate: 'Hz' }, outcome: 'works', sorts: "a name is a bit in each L1 menu: at most a run's lumisections per menu are sorted" },
  { id: 'ratemon-l1-all', source: `${RATEMON} getL1Rates (RateMon's own aggregator resource)`, path: 'l1algorithmtriggers/ratemon', query: 'filter[run_number][EQ]={run}&page[offset]=0&page[limit]=10', reads: ['lumisections'], outcome: 'notServed' },
  { id: 'ratemon-streams', source: `${RATEMON} getStreamData`, path: 'streams', query: 'filter[run_number][EQ]={run}&filter[last_lumisection_number][EQ]=1&page[offset]=0&page[limit]=10000&fields=last_lumisection_number,rate,file_size,bandwidth,stream_name', reads: ['rate'], outcome: 'notServed' },
  // ── 4 TSG ntuplizer (getOMSdata: two-element lists → GE/LE, per_page 10000)
  { id: 'ntuple-runs', source: NTUPLE, path: 'runs', query: 'fields=run_number,recorded_lumi,components,hlt_key,l1_key&filter[run_number][GE]={runLo}&filter[run_number][LE]={runHi}&filter[recorded_lumi][GE]=-1.0&filter[hlt_physics_counter][GE]=-10000.0&filter[end_time][GE]={since}&filter[end_time][LE]=3000-01-01T00:00:00Z&page[offset]=0&page[limit]=10000', reads: ['run_number', 'recorded_lumi', 'components', 'hlt_key', 'l1_key'], outcome: 'works' },
  { id: 'ntuple-lumisections', source: NTUPLE, path: 'lumisections', query: 'filter[run_number][EQ]={run}&page[offset]=0&page[limit]=10000', reads: [...NTUPLE_FLAGS, 'beams_stable', 'beam_present', 'beam2_stable', 'beam2_present', 'physics_flag', 'run_number', 'fill_number', 'lumisection_number', 'recorded_lumi_per_lumisection', 'delivered_lumi_per_lumisection', 'pileup', 'start_time'], outcome: 'works' },
  { id: 'ntuple-path-names', source: NTUPLE, path: 'hltpathinfo', query: 'fields=path_name&filter[run_number][EQ]={run}&page[offset]=0&page[limit]=10000', reads: ['path_name'], outcome: 'works' },
  { id: 'ntuple-path-counters', source: NTUPLE, path: 'hltpathrates', query: 'fields=counter,last_lumisection_number&filter[run_number][EQ]={run}&filter[path_name][EQ]={path}&filter[first_lumisection_number][GE]=0&filter[last_lumisection_number][LE]=50000&page[offset]=0&page[limit]=10000', reads: ['counter', 'last_lumisection_number'], outcome: 'works' },
  { id: 'ntuple-l1-names', source: NTUPLE, path: 'l1algorithmtriggers', query: 'fields=name,bit&filter[first_lumisection_number][GE]=0&filter[last_lumisection_number][LE]=50000&filter[run_number][EQ]={run}&page[offset]=0&page[limit]=10000', reads: ['name', 'bit'], outcome: 'works' },
  { id: 'ntuple-l1-counters', source: NTUPLE, path: 'l1algorithmtriggers', query: 'fields=pre_dt_before_prescale_counter,last_lumisection_number,first_lumisection_number&filter[run_number][EQ]={run}&filter[bit][EQ]={bit}&filter[first_lumisection_number][GE]=0&filter[last_lumisection_number][LE]=50000&page[offset]=0&page[limit]=10000', reads: ['pre_dt_before_prescale_counter', 'last_lumisection_number', 'first_lumisection_number'], outcome: 'works' },
  { id: 'ntuple-deadtime-window', source: 'silviodonato/OMSRatesNtuple (oms-resources.md: deadtimes overall_total_deadtime.percent over an LS window)', path: 'deadtimes', query: 'fields=overall_total_deadtime,first_lumisection_number&filter[run_number][EQ]={run}&filter[first_lumisection_number][GE]={lsLo}&filter[last_lumisection_number][LE]={lsHi}&page[offset]=0&page[limit]=10000', reads: ['overall_total_deadtime.percent', 'first_lumisection_number'], units: { 'overall_total_deadtime.percent': '%' }, outcome: 'works' },
  // ── boundino/omstools (per_page=100 until links.next is None; reads meta.row units)
  { id: 'boundino-run-info', source: `${BOUNDINO} get_run_info`, path: 'runs', query: 'filter[run_number][EQ]={run}&page[offset]=0&page[limit]=10', reads: ['fill_type_party1', 'fill_type_party2', 'stable_beam', 'start_time', 'end_time', 'fill_number', 'l1_menu', 'hlt_key', 'l1_rate', 'recorded_lumi', 'delivered_lumi', 'meta.row.delivered_lumi.units', 'meta.row.recorded_lumi.units', 'hlt_physics_throughput'], outcome: { notProvided: ['hlt_physics_throughput'] } },
  { id: 'boundino-runs-by-time', source: `${BOUNDINO} get_runs_by_time`, path: 'runs', query: 'filter[start_time][GE]={t0}&filter[end_time][LE]=3000-01-01T00:00:00Z&page[offset]=0&page[limit]=100', reads: ['run_number', 'links.next'], outcome: 'works' },
  { id: 'boundino-stable-runs', source: BOUNDINO, path: 'runs', query: 'filter[stable_beam][EQ]=true&page[offset]=0&page[limit]=100', reads: ['run_number', 'stable_beam'], outcome: 'works' },
  { id: 'boundino-stable-ls', source: BOUNDINO, path: 'lumisections', query: 'filter[run_number][EQ]={run}&filter[beams_stable][EQ]=true&page[offset]=0&page[limit]=100', reads: ['lumisection_number', 'beams_stable', 'delivered_lumi', 'recorded_lumi', 'meta.row.delivered_lumi.units'], outcome: 'works' },
  { id: 'boundino-stable-fills', source: BOUNDINO, path: 'fills', query: 'filter[stable_beams][EQ]=true&page[offset]=0&page[limit]=100', reads: ['fill_number', 'stable_beams'], outcome: 'works' },
  { id: 'boundino-ls-by-run', source: `${BOUNDINO} get_lumis_by_run`, path: 'lumisections', query: 'filter[run_number][EQ]={run}&page[offset]=0&page[limit]=3000', reads: ['run_number', 'lumisection_number'], outcome: 'works' },
  { id: 'boundino-path-counter-ls', source: `${BOUNDINO} get_rate_by_runls`, path: 'hltpathrates', query: 'filter[run_number][EQ]={run}&filter[lumisection_number][EQ]={ls}&page[offset]=0&page[limit]=100&group[granularity]=lumisection', reads: ['path_name', 'counter', 'rate', 'links.next'], outcome: 'works' },
  { id: 'boundino-l1-run-summary', source: 'boundino/omstools:toolkit/l1runsummary.py', path: 'l1algorithmtriggers', query: 'filter[run_number][EQ]={run}&page[offset]=0&page[limit]=1000&group[granularity]=run', reads: ['bit', 'name', 'pre_dt_before_prescale_rate', 'pre_dt_rate', 'post_dt_rate', 'post_dt_hlt_rate'], outcome: { notProvided: ['post_dt_hlt_rate'] } },
  { id: 'boundino-hlt-run-summary', source: 'boundino/omstools:hltrunsummary.py', path: 'hltpathinfo', query: 'filter[path_name][EQ]={path}&filter[run_number][EQ]={run}&page[offset]=0&page[limit]=1000', reads: ['rate', 'l1_pass', 'ps_pass', 'accepted'], outcome: 'works' },
  { id: 'hltpathinfo-all-fields', source: 'oms-resources.md hltpathinfo (thesis SQL field list; issue 17: excepted, number_lumisections)', path: 'hltpathinfo', query: 'fields=path_name,path_id,l1_pass,ps_pass,accepted,excepted,rejected,rate,number_lumisections&filter[run_number][EQ]={run}&page[offset]=0&page[limit]=1000', reads: ['path_name', 'path_id', 'l1_pass', 'ps_pass', 'accepted', 'excepted', 'rejected', 'rate', 'number_lumisections'], units: { rate: 'Hz' }, outcome: 'works' },
  { id: 'boundino-hltconfig', source: `${BOUNDINO} get_hltconfig_info`, path: 'hltconfigdata', query: 'filter[config_name][EQ]=x&page[offset]=0&page[limit]=1000', reads: ['path_name'], outcome: 'notServed' },
  { id: 'boundino-filldetails', source: 'boundino/omstools (filldetails variant)', path: 'filldetails', query: 'filter[fill_number][EQ]={fill}&page[offset]=0&page[limit]=1', reads: ['fill_number'], outcome: 'notServed' },
  // ── LHCInfo PopCon (OMSService: filterNotNull = NEQ null, limit)
  { id: 'lhcinfo-fill', source: LHCINFO, path: 'fills', query: 'filter[start_stable_beam][NEQ]=null&filter[fill_number][NEQ]=null&filter[start_time][GE]={fillT0}&filter[start_time][LT]={fillT1}&filter[end_time][NEQ]=null&page[limit]=100', reads: ['fill_number', 'bunches_beam1', 'bunches_beam2', 'bunches_colliding', 'bunches_target', 'fill_type_runtime', 'fill_type_party1', 'fill_type_party2', 'energy', 'start_time', 'start_stable_beam', 'end_time', 'injection_scheme', 'intensity_beam1', 'intensity_beam2'], outcome: { notProvided: ['intensity_beam1', 'intensity_beam2'] } },
  { id: 'lhcinfo-lumi', source: LHCINFO, path: 'lumisections', query: 'fields=start_time,delivered_lumi,recorded_lumi&filter[fill_number][EQ]={fill}&filter[start_time][GT]={fillT0}&filter[start_time][LT]={fillT1}&page[limit]=4000', reads: ['start_time', 'delivered_lumi', 'recorded_lumi'], units: { delivered_lumi: 'pb^{-1}', recorded_lumi: 'pb^{-1}' }, outcome: 'works' },
  // ── OMS GUI
  { id: 'gui-path-chart', source: GUI, path: 'hltpathrates', query: 'filter[run_number][EQ]={run}&filter[path_name][EQ]={path}&filter[last_lumisection_number][GT]=0&sort=last_lumisection_number&fields=rate,last_lumisection_number,start_time&page[offset]=0&page[limit]=10000&include=meta', reads: ['rate', 'last_lumisection_number', 'start_time'], units: { rate: 'Hz' }, outcome: 'works' },
  { id: 'gui-latest-ls', source: 'OMS GUI / oms-resources.md (-1 = latest)', path: 'hltpathrates', query: 'filter[run_number][EQ]={run}&filter[path_name][EQ]={path}&filter[last_lumisection_number][EQ]=-1&fields=rate,last_lumisection_number', reads: ['rate', 'last_lumisection_number'], outcome: 'works' },
  { id: 'gui-ls-table', source: 'OMS GUI lumisection table (default sort)', path: 'lumisections', query: 'filter[run_number][EQ]={run}&sort=run_number,lumisection_number&page[offset]=0&page[limit]=100&include=meta', reads: ['run_number', 'lumisection_number', 'init_lumi'], outcome: 'works' },
  { id: 'gui-fills-table', source: 'OMS GUI fill table (default sort)', path: 'fills', query: 'sort=-fill_number&page[offset]=0&page[limit]=100&include=meta', reads: ['fill_number', 'stable_beams', 'peak_lumi'], outcome: 'works' },
  { id: 'gui-deadtimes-range', source: 'OMS GUI (deadtimesperrange)', path: 'deadtimesperrange', query: 'filter[run_number][EQ]={run}&group[granularity]=run', reads: ['overall_total_deadtime'], outcome: 'notServed' },
  // ── sub-endpoints
  { id: 'run-lumisections', source: 'JSON:API relationship (runs sample: relationships.lumisections.links.related)', path: 'runs/{run}/lumisections', query: 'fields=lumisection_number,pileup&page[limit]=5000', reads: ['lumisection_number', 'pileup'], outcome: 'works' },
  { id: 'runs-autocomplete', source: 'OMS GUI run selector (autocomplete)', path: 'runs/autocomplete', query: 'term=3239', reads: ['run_number'], outcome: 'notServed' },
  { id: 'ls-csv', source: 'OMS GUI table export (/{endpoint}/csv)', path: 'lumisections/csv', query: 'filter[run_number][EQ]={run}&fields=lumisection_number,pileup,init_lumi', reads: ['lumisection_number', 'pileup', 'init_lumi'], outcome: 'works' },
  { id: 'datasetrates', source: 'cms-DQM/dials-py tests', path: 'datasetrates', query: 'filter[run_number][EQ]={run}&filter[dataset_name][EQ]=ZeroBias&page[limit]=5000', reads: ['last_lumisection_number', 'rate'], outcome: 'notServed' },
];
