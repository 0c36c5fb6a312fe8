// Generates the rows of the static tables and of one fill (the resumable unit) into a Sink.
// Everything a fill needs from earlier fills comes from the plan, and every random number from a
// stream derived from (seed, fill) — so a fill's rows do not depend on which fills ran before.
import { Rng } from '../shared/prng.js';
import type { Sink } from './sink.js';
import type { PlannedFill, PlannedRun, Scale } from './plan.js';
import { PRESCALE_COLUMNS, PHYSICS_COLUMNS, buildHltMenu, buildL1Menu, columnForLumi, hltOverlap, l1Overlap, modelRate, prescaleInColumn, type HltPath, type L1Algo } from './menus.js';
import { PARTS, ROCS_PER_MODULE, buildGeometry, type PixelGeometry, type Module } from './pixel.js';
import { LS_SECONDS, decayIntegralPb, layerDamageFactor, lumiToPb, moduleLeakageUA, pileup } from './physics.js';
import { placeAnomalies, recoveryPoints, type Anomaly } from './anomalies.js';
import { LUMISECTION_FLAGS } from '../db/tables.js';

export const GENERATOR_VERSION = '5';

export const MENU_SIZES: Record<Scale, { hltPaths: number; l1Bits: number }> = {
  demo: { hltPaths: 180, l1Bits: 120 },
  week: { hltPaths: 600, l1Bits: 300 },
  month: { hltPaths: 600, l1Bits: 300 },
  year: { hltPaths: 600, l1Bits: 300 },
};

/** Maximum L1 accept rate, Hz (the trigger throttles above it). */
export const L1_MAX_RATE_HZ = 100_000;

export const FED_ERROR_TYPES: [number, string, string][] = [
  [25, 'InvalidROC', 'invalid ROC id (ROC number 0 or > 24)'],
  [26, 'Gap', 'gap word'],
  [27, 'Dummy', 'dummy word'],
  [28, 'FIFONearlyFull', 'FIFO nearly full (NOR)'],
  [29, 'Timeout', 'channel timeout'],
  [30, 'TBMTrailer', 'TBM error trailer (number of ROCs)'],
  [31, 'EventNumber', 'event-number error (ENE)'],
  [32, 'BadHeader', 'slink header wrong'],
  [33, 'BadTrailer', 'slink trailer wrong'],
  [34, 'EventSize', 'event size mismatch'],
  [35, 'InvalidChannel', 'invalid channel number'],
  [36, 'InvalidROCNumber', 'invalid ROC number'],
  [37, 'InvalidPixelAddress', 'invalid dcol/pixel address'],
  [38, 'PixelOrder', 'pixels out of order'],
  [39, 'CRC', 'CRC error'],
  [40, 'TBMOverflow', 'TBM overflow / PKAM reset'],
];
const BACKGROUND_CODES = [25, 26, 27, 28, 30, 32, 33, 34, 35, 36, 37, 38, 39, 40];

export interface GenContext {
  seed: number;
  scale: Scale;
  anomalyRate: number;
  hlt: HltPath[];
  l1: L1Algo[];
  hltOverlap: number;
  l1Overlap: number;
  geometry: PixelGeometry;
  modulesById: Map<number, Module>;
  /** modules masked for the whole year (dead modules), per part */
  deadModules: Map<string, number[]>;
  /** per power group HV gain (sensor-to-sensor spread) */
  pgGain: Map<number, number>;
}

export function buildContext(seed: number, scale: Scale, anomalyRate: number): GenContext {
  const sizes = MENU_SIZES[scale];
  const hlt = buildHltMenu(seed, sizes.hltPaths, sizes.l1Bits);
  const l1 = buildL1Menu(seed, sizes.l1Bits);
  const geometry = buildGeometry();
  const rng = Rng.derive(seed, 'detector');
  const deadModules = new Map<string, number[]>();
  for (const part of PARTS) {
    const mods = geometry.modules.filter((m) => m.part === part.part);
    const n = Math.max(1, Math.round(mods.length * rng.uniform(0.005, 0.015)));
    deadModules.set(
      part.part,
      rng
        .shuffle(mods)
        .slice(0, n)
        .map((m) => m.moduleId)
        .sort((a, b) => a - b),
    );
  }
  return {
    seed,
    scale,
    anomalyRate,
    hlt,
    l1,
    hltOverlap: hltOverlap(hlt),
    l1Overlap: l1Overlap(l1),
    geometry,
    modulesById: new Map(geometry.modules.map((m) => [m.moduleId, m])),
    deadModules,
    pgGain: new Map(geometry.powerGroups.map((pg) => [pg.powerGroup, Math.exp(rng.gauss(0, 0.1))])),
  };
}

export function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19) + 'Z';
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const r6 = (x: number) => Math.round(x * 1e6) / 1e6;

export function l1MenuOf(era: string): string {
  return era === '2018A' ? 'L1Menu_Collisions2018_v2_0_0' : 'L1Menu_Collisions2018_v2_1_0';
}
export function hltKeyOf(era: string): string {
  const v = { '2018A': '1.3', '2018B': '2.2', '2018C': '2.6', '2018D': '3.6' }[era] ?? '3.6';
  return `/cdaq/physics/Run2018/2e34/v${v}/HLT/V${v === '1.3' ? 4 : 2}`;
}
const ERAS = ['2018A', '2018B', '2018C', '2018D'];
const CMSSW: Record<string, string> = { '2018A': 'CMSSW_10_1_4', '2018B': 'CMSSW_10_1_7', '2018C': 'CMSSW_10_1_9', '2018D': 'CMSSW_10_2_5' };

/** Menus, prescales, detector geometry, FED error types. */
export async function generateStatic(ctx: GenContext, sink: Sink): Promise<void> {
  const menus = [...new Set(ERAS.map(l1MenuOf))];
  await sink.write(
    'l1_algorithms',
    menus.flatMap((menu) => ctx.l1.map((a) => [menu, a.bit, a.name, a.response, a.r50, a.shape, 0, a.basePrescale])),
  );
  await sink.write(
    'hlt_paths',
    ctx.hlt.map((p) => [p.pathId, p.name, p.group, p.response, p.r50, p.shape, 0, ctx.l1[p.l1SeedBit].bit]),
  );
  const keys = [...new Set(ERAS.map(hltKeyOf))];
  await sink.write(
    'hlt_prescales',
    keys.flatMap((key) => ctx.hlt.flatMap((p) => PRESCALE_COLUMNS.map((c) => [key, p.pathId, c.index, prescaleInColumn(p.basePrescale, c.index)]))),
  );
  const geo = ctx.geometry;
  await sink.write(
    'pixel_power_groups',
    geo.powerGroups.map((g) => [g.powerGroup, g.name, g.part.subdetector, g.part.part, g.part.layerOrDisk, g.part.side, g.sector, g.nModules, g.part.radiusMm]),
  );
  await sink.write(
    'pixel_modules',
    geo.modules.map((m) => [m.moduleId, m.name, m.powerGroup, m.part, m.fedId, m.channel, ROCS_PER_MODULE]),
  );
  await sink.write(
    'pixel_feds',
    geo.feds.map((f) => [f.fedId, f.subdetector, f.crate, f.nChannels]),
  );
  await sink.write(
    'pixel_fed_channels',
    geo.modules.map((m) => [m.fedId, m.channel, m.moduleId, m.part]),
  );
  await sink.write(
    'fed_error_types',
    FED_ERROR_TYPES.map((t) => [...t]),
  );
}

interface RunTotals {
  l1Total: number;
  hltPhysics: number;
  delivered: number;
  recorded: number;
  deadtimeSum: number;
}

/** All rows of one fill. Returns the number of lumisections written. */
export async function generateFill(ctx: GenContext, fill: PlannedFill, lsBefore: number, sink: Sink): Promise<number> {
  const anomalies = placeAnomalies({
    seed: ctx.seed,
    fill,
    lsBefore,
    ratePer1000: ctx.anomalyRate,
    hlt: ctx.hlt,
    geometry: ctx.geometry,
    deadModules: new Set([...ctx.deadModules.values()].flat()),
  });
  let recordedFill = 0;
  let nls = 0;
  for (const run of fill.runs) {
    const rng = Rng.derive(ctx.seed, 'run', run.runNumber);
    const runAnoms = anomalies.filter((a) => a.runNumber === run.runNumber);
    const totals = await generateRun(ctx, fill, run, runAnoms, rng, sink, recordedFill);
    recordedFill += totals.recorded;
    nls += run.nls;
  }
  await sink.write(
    'omsagg_injected_anomalies',
    anomalies.map((a) => [a.id, a.kind, a.label, a.runNumber, a.firstLs, a.lastLs, a.channels.join(',').slice(0, 4000), a.magnitude, a.description.slice(0, 1000)]),
  );
  const frng = Rng.derive(ctx.seed, 'fill-row', fill.fillNumber);
  const extra = frng.int(0, 12);
  await sink.write('fills', [
    [
      fill.fillNumber,
      'PROTONS',
      iso(fill.start),
      iso(fill.end),
      iso(fill.startStable),
      iso(fill.endStable),
      Math.round((fill.end - fill.start) / 1000),
      6500,
      fill.bunches,
      fill.bunches + extra,
      fill.bunches + extra,
      r3(fill.l0),
      r3(pileup(fill.l0, fill.bunches)),
      r6(fill.deliveredPb),
      r6(recordedFill),
      fill.betaStarCm,
      fill.crossingAngleUrad,
      fill.injectionScheme,
      r3(fill.tauH),
      // the scheme's bunches per beam; luminosity is delivered (and runs record) only in stable beams here
      fill.bunches,
      r6(fill.deliveredPb),
      r6(recordedFill),
    ],
  ]);
  return nls;
}

/**
 * The beam and DCS flags of every lumisection besides the tracker's (all lumisections are in stable
 * beams with everything on): the subdetectors in the runs' components are ready; CASTOR and ZDC
 * are not in 2018 global runs (not ready); GEM was not installed (null, as OMS reports it then).
 */
const LS_FLAG_VALUES: Record<(typeof LUMISECTION_FLAGS)[number], boolean | null> = {
  beam_present: true,
  beam1_stable: true,
  beam2_stable: true,
  ebp_ready: true,
  ebm_ready: true,
  eep_ready: true,
  eem_ready: true,
  esp_ready: true,
  esm_ready: true,
  hbhea_ready: true,
  hbheb_ready: true,
  hbhec_ready: true,
  hf_ready: true,
  ho_ready: true,
  castor_ready: false,
  zdc_ready: false,
  dt0_ready: true,
  dtp_ready: true,
  dtm_ready: true,
  cscp_ready: true,
  cscm_ready: true,
  rpc_ready: true,
  gem_ready: null,
  gemp_ready: null,
  gemm_ready: null,
  rp_sect_45_ready: true,
  rp_sect_56_ready: true,
  rp_time_ready: true,
};
const LS_FLAGS = LUMISECTION_FLAGS.map((f) => LS_FLAG_VALUES[f]);

const active = (as: Anomaly[], kind: Anomaly['kind'], ls: number) => as.find((a) => a.kind === kind && ls >= a.firstLs && ls <= a.lastLs);

/** recordedBefore: recorded by the fill's earlier runs (lumisections carry fill-cumulative luminosity, as in OMS). */
async function generateRun(ctx: GenContext, fill: PlannedFill, run: PlannedRun, anoms: Anomaly[], rng: Rng, sink: Sink, recordedBefore: number): Promise<RunTotals> {
  const { hlt, l1, geometry } = ctx;
  const hltKey = hltKeyOf(run.era);
  const nb = fill.bunches;
  const H = 3600_000;
  const totals: RunTotals = { l1Total: 0, hltPhysics: 0, delivered: 0, recorded: 0, deadtimeSum: 0 };
  const baseDeadtime = rng.uniform(0.8, 1.8);
  const recoveries = new Set(recoveryPoints(ctx.seed, run.runNumber, run.nls));
  const pathSums = hlt.map(() => ({ l1: 0, ps: 0, acc: 0 }));
  const walks = new Map<number, number>(); // correlation_loss random walks per path id
  // pixel state: SEU-masked modules per part (cleared at recoveries), FED channel error tallies
  const seuMasked = new Map<string, Set<number>>(PARTS.map((p) => [p.part, new Set<number>()]));
  const chanErrors = new Map<string, { count: number; last: number }>();
  const modulesByPart = new Map(PARTS.map((p) => [p.part, geometry.modules.filter((m) => m.part === p.part)]));
  let initLumi = 0;
  let endLumi = 0;
  // luminosity since the start of stable beams: delivered by the LHC before the run, recorded by earlier runs
  let delivCum = decayIntegralPb(fill.l0, fill.tauH, 0, Math.max(0, (run.start - fill.startStable) / H));
  let recCum = recordedBefore;
  let firstColumn = 0;

  for (let ls = 1; ls <= run.nls; ls++) {
    const t0 = run.start + (ls - 1) * LS_SECONDS * 1000;
    const t1 = t0 + LS_SECONDS * 1000;
    const h0 = (t0 - fill.startStable) / H;
    const h1 = (t1 - fill.startStable) / H;
    const lumiDrop = active(anoms, 'lumi_drop', ls);
    const lf = lumiDrop ? 1 - lumiDrop.magnitude : 1;
    const nominal0 = fill.l0 * Math.exp(-h0 / fill.tauH);
    const lInit = nominal0 * lf * (1 + rng.gauss(0, 0.003));
    const lEnd = fill.l0 * Math.exp(-h1 / fill.tauH) * lf * (1 + rng.gauss(0, 0.003));
    const lMean = (lInit + lEnd) / 2;
    const mu = pileup(lMean, nb);
    if (ls === 1) initLumi = lInit;
    endLumi = lEnd;

    let column = columnForLumi(nominal0);
    const ps = active(anoms, 'prescale_change', ls);
    if (ps) {
      // a shift past the first/last physics column goes the other way, so the change is always real
      const shifted = column + (ps.columnShift ?? 0);
      column = shifted < 0 ? column + 1 : shifted >= PHYSICS_COLUMNS ? column - 1 : shifted;
    }
    if (ls === 1) firstColumn = column;

    // L1 bits: raw counts, prescaled, then dead time
    let dt = baseDeadtime + rng.gauss(0, 0.08);
    const dtSpike = active(anoms, 'deadtime_spike', ls);
    if (dtSpike) dt = dtSpike.magnitude * rng.uniform(0.9, 1.1);
    else if (rng.chance(0.003)) dt += rng.uniform(3, 10); // natural short spike (backpressure)
    dt = Math.max(0.2, dt);
    const live = 1 - dt / 100;
    const l1Rows: unknown[][] = [];
    let preDtSum = 0;
    for (const a of l1) {
      const raw = rng.poisson(modelRate(a, mu, nb) * LS_SECONDS);
      const p = prescaleInColumn(a.basePrescale, column);
      const preDt = Math.floor(raw / p);
      const postDt = Math.max(0, preDt - rng.poisson(preDt * (1 - live)));
      preDtSum += preDt;
      l1Rows.push([run.runNumber, ls, a.bit, raw, preDt, postDt, p, p]);
    }
    await sink.write('l1_algorithm_counts', l1Rows);
    const calib = rng.poisson(100 * LS_SECONDS);
    const random = rng.poisson(400 * LS_SECONDS);
    const generated = Math.min(preDtSum * ctx.l1Overlap, (L1_MAX_RATE_HZ - 600) * LS_SECONDS);
    const lost = rng.poisson(generated * (1 - live));
    const physics = Math.max(0, Math.round(generated) - lost);
    const l1aTotal = physics + calib + random;
    await sink.write('l1_trigger_counts', [[run.runNumber, ls, physics, calib, random, l1aTotal, Math.round(generated) + calib + random, lost]]);
    totals.l1Total += l1aTotal;

    // dead time breakdown (%)
    const rules = Math.min(dt, 0.35 * (l1aTotal / LS_SECONDS / L1_MAX_RATE_HZ) + rng.uniform(0, 0.05));
    const calibDt = Math.min(dt - rules, 0.1 + rng.uniform(0, 0.02));
    const apve = Math.min(dt - rules - calibDt, rng.uniform(0.01, 0.05));
    const fw = Math.min(dt - rules - calibDt - apve, rng.uniform(0.01, 0.03));
    const tts = Math.max(0, dt - rules - calibDt - apve - fw);
    await sink.write('deadtimes_ls', [[run.runNumber, ls, r3(dt), r3(dt * rng.uniform(0.97, 1.0)), r3(tts), r3(rules), r3(calibDt), r3(apve), r3(fw)]]);
    totals.deadtimeSum += dt;

    // HLT paths
    const drop = active(anoms, 'path_drop', ls);
    const corr = active(anoms, 'correlation_loss', ls);
    const spike = active(anoms, 'noise_spike', ls);
    const hltRows: unknown[][] = [];
    let physicsAcc = 0;
    for (let i = 0; i < hlt.length; i++) {
      const p = hlt[i];
      const rate = modelRate(p, mu, nb);
      const l1Pass = rng.poisson(rate * p.rejection * LS_SECONDS * live);
      const prescale = prescaleInColumn(p.basePrescale, column);
      const psPass = Math.min(l1Pass, rng.poisson(l1Pass / prescale));
      let factor = 1;
      if (drop?.pathIds!.includes(p.pathId)) factor *= 1 - drop.magnitude;
      if (corr?.pathIds!.includes(p.pathId)) {
        const w = (walks.get(p.pathId) ?? 0) + corr.magnitude * rng.normal();
        walks.set(p.pathId, w);
        factor *= Math.exp(w);
      }
      if (spike) {
        const k = spike.pathIds!.indexOf(p.pathId);
        if (k >= 0) factor *= spike.pathFactors![k];
      }
      const accepted = Math.min(psPass, rng.poisson((psPass / p.rejection) * factor));
      hltRows.push([run.runNumber, ls, p.pathId, l1Pass, psPass, accepted]);
      const s = pathSums[i];
      s.l1 += l1Pass;
      s.ps += psPass;
      s.acc += accepted;
      if (p.physics) physicsAcc += accepted;
    }
    await sink.write('hlt_path_counts', hltRows);
    totals.hltPhysics += physicsAcc * ctx.hltOverlap;

    // luminosity bookkeeping
    const delivered = lumiToPb(lMean, LS_SECONDS);
    const recorded = delivered * live;
    delivCum += delivered;
    recCum += recorded;
    totals.delivered += delivered;
    totals.recorded += recorded;
    const intLumiFb = fill.intLumiStartFb + decayIntegralPb(fill.l0, fill.tauH, 0, h1) / 1000;
    await sink.write('lumisections', [
      [
        run.runNumber,
        ls,
        fill.fillNumber,
        iso(t0),
        iso(t1),
        r3(lInit),
        r3(lEnd),
        r6(delivCum),
        r6(recCum),
        r6(delivered),
        r6(recorded),
        r6(intLumiFb),
        r3(mu),
        column,
        PRESCALE_COLUMNS[column].name,
        true,
        true,
        true,
        true,
        true,
        true,
        true,
        true,
        true,
        true,
        true,
        ...LS_FLAGS,
      ],
    ]);

    // pixel: power-group readings
    const damage = fill.damageStartFb + decayIntegralPb(fill.l0, fill.tauH, 0, h1) / 1000;
    const occupancy = lMean / 20000;
    const pixRows: unknown[][] = [];
    const trip = active(anoms, 'hv_trip', ls);
    const cool = active(anoms, 'cooling_excursion', ls);
    for (const pg of geometry.powerGroups) {
      let temp = pg.part.coolingC + 0.8 * occupancy + rng.gauss(0, 0.05);
      if (cool?.powerGroups!.includes(pg.powerGroup)) {
        const span = cool.lastLs - cool.firstLs + 1;
        const x = (ls - cool.firstLs + 1) / span;
        temp += cool.magnitude * Math.min(1, x / 0.2, (1 - x) / 0.2 + 0.05);
      }
      const tripped = trip?.powerGroups!.includes(pg.powerGroup) ?? false;
      const iMod = moduleLeakageUA(temp, pg.part.radiusMm, damage, ctx.pgGain.get(pg.powerGroup));
      const leak = tripped ? Math.abs(rng.gauss(0.02, 0.01)) : pg.nModules * iMod * (1 + rng.gauss(0, 0.002));
      const lvDig = pg.nModules * (0.05 + 0.04 * occupancy * layerDamageFactor(pg.part.radiusMm) ** 0.8) * (1 + rng.gauss(0, 0.003));
      const lvAna = pg.nModules * 0.03 * (1 + rng.gauss(0, 0.003));
      pixRows.push([run.runNumber, ls, pg.powerGroup, iso(t0), r3(leak), tripped ? 0 : pg.part.hvSettingV, r3(lvDig), r3(lvAna), r3(temp)]);
    }
    await sink.write('pixel_readings', pixRows);

    // pixel: SEUs mask modules ∝ inst. luminosity until the next recovery; FED errors
    if (recoveries.has(ls)) for (const s of seuMasked.values()) s.clear();
    const errRows = new Map<string, number>();
    const addErr = (m: Module, code: number, count: number) => {
      if (count <= 0) return;
      const key = `${m.fedId}|${m.channel}|${code}`;
      errRows.set(key, (errRows.get(key) ?? 0) + count);
      const ck = `${m.fedId}|${m.channel}`;
      const c = chanErrors.get(ck) ?? { count: 0, last: 0 };
      c.count += count;
      c.last = code;
      chanErrors.set(ck, c);
    };
    const maskedRows: unknown[][] = [];
    const jump = active(anoms, 'masked_roc_jump', ls);
    for (const part of PARTS) {
      const mods = modulesByPart.get(part.part)!;
      const set = seuMasked.get(part.part)!;
      const nSeu = rng.poisson(1e-4 * occupancy * part.nModules * layerDamageFactor(part.radiusMm) ** 0.5);
      for (let k = 0; k < nSeu; k++) {
        const m = rng.pick(mods);
        if (set.has(m.moduleId)) continue;
        set.add(m.moduleId);
        addErr(m, 29, rng.poisson(40));
        addErr(m, 31, rng.poisson(15));
      }
      const masked = new Set<number>([...ctx.deadModules.get(part.part)!, ...set]);
      if (jump?.part === part.part) for (const id of jump.modules!) masked.add(id);
      const ids = [...masked].sort((a, b) => a - b);
      let list = '';
      for (const id of ids) {
        for (let roc = 0; roc < ROCS_PER_MODULE; roc++) {
          const item = `${id}:${roc}`;
          if (list.length + item.length + 1 > 512) break;
          list += list ? `,${item}` : item;
        }
      }
      maskedRows.push([run.runNumber, ls, part.part, ids.length * ROCS_PER_MODULE, part.nModules * ROCS_PER_MODULE, list]);
    }
    await sink.write('masked_roc_counts', maskedRows);
    for (let k = rng.poisson(1.5); k > 0; k--) addErr(rng.pick(geometry.modules), rng.pick(BACKGROUND_CODES), 1 + rng.poisson(2));
    const burst = active(anoms, 'fed_burst', ls);
    if (burst) {
      for (const ch of burst.fedChannels!) {
        const m = geometry.modules.find((x) => x.fedId === burst.fedId && x.channel === ch)!;
        addErr(m, 29, rng.poisson(burst.magnitude * 0.5));
        addErr(m, 31, rng.poisson(burst.magnitude * 0.3));
        addErr(m, 30, rng.poisson(burst.magnitude * 0.2));
      }
    }
    const errOut: unknown[][] = [];
    for (const [key, count] of [...errRows.entries()].sort()) {
      const [fed, ch, code] = key.split('|').map(Number);
      errOut.push([run.runNumber, ls, fed, ch, code, count]);
    }
    await sink.write('fed_error_counts', errOut);
  }

  // run-level summaries
  const lastMasked = new Set<number>([...seuMasked.values()].flatMap((s) => [...s]));
  for (const a of anoms) if (a.kind === 'masked_roc_jump' && a.lastLs >= run.nls) for (const id of a.modules!) lastMasked.add(id);
  const dead = new Set([...ctx.deadModules.values()].flat());
  await sink.write(
    'fed_channel_status',
    geometry.modules.map((m) => {
      const e = chanErrors.get(`${m.fedId}|${m.channel}`);
      const status = dead.has(m.moduleId) ? 'disabled' : lastMasked.has(m.moduleId) ? 'masked' : (e?.count ?? 0) >= 50 ? 'errors' : 'ok';
      return [run.runNumber, m.fedId, m.channel, status, e?.count ?? 0, e ? e.last : null];
    }),
  );
  await sink.write(
    'hlt_path_run_summary',
    hlt.map((p, i) => {
      const s = pathSums[i];
      return [run.runNumber, p.pathId, 1, run.nls, s.l1, s.ps, s.acc, s.ps - s.acc, 0];
    }),
  );
  const seconds = run.nls * LS_SECONDS;
  const rrng = Rng.derive(ctx.seed, 'run-row', run.runNumber);
  const out = rrng.chance(0.2) ? 'CASTOR,ZDC' : 'CASTOR';
  await sink.write('runs', [
    [
      run.runNumber,
      fill.fillNumber,
      iso(run.start),
      iso(run.end),
      Math.round((run.end - run.start) / 1000),
      run.nls,
      'GLOBAL-RUN',
      run.era,
      l1MenuOf(run.era),
      `l1_trg_collisions2018/v${ERAS.indexOf(run.era) + 60}`,
      hltKey,
      CMSSW[run.era],
      r3(3.8 + rrng.gauss(-0.001, 0.0005)),
      6500,
      true,
      'CSC,CTPPS,DAQ,DCS,DQM,DT,ECAL,ES,HCAL,HF,PIXEL,PIXEL_UP,RPC,SCAL,TCDS,TRACKER,TRG',
      out,
      firstColumn,
      'LHC',
      `l1_hlt_collisions2018/v${ERAS.indexOf(run.era) * 40 + 120}`,
      r3(totals.l1Total / seconds),
      r3(totals.hltPhysics / seconds),
      totals.l1Total,
      Math.round(totals.hltPhysics),
      r3(initLumi),
      r3(endLumi),
      r6(totals.delivered),
      r6(totals.recorded),
      r3(totals.deadtimeSum / run.nls),
    ],
  ]);
  return totals;
}
