// Trigger menus: HLT paths (seeded with real 2017 path names), L1 algorithm bits, prescale columns,
// and the RateMon-style rate model shared by both.
import REAL_PATHS_JSON from './data/hlt_paths_2017.json' with { type: 'json' };
import { Rng } from '../shared/prng.js';
import { pathGroup } from '../shared/trigger.js';
import { FULL_BUNCHES, pileup } from './physics.js';

const REAL_PATHS = REAL_PATHS_JSON as string[];

export type Response = 'linear' | 'quadratic' | 'sinh';

export interface RateModel {
  response: Response;
  /** rate at pileup 50 with full bunches (2544), Hz */
  r50: number;
  /** shape: linear → constant fraction c0; quadratic → quadratic fraction q; sinh → b (1/pileup) */
  shape: number;
}

/** Rate (Hz) of a trigger with this model at pileup `mu` and `bunches` colliding bunches. */
export function modelRate(m: RateModel, mu: number, bunches: number): number {
  const x = mu / 50;
  let g: number;
  if (m.response === 'linear') g = (1 - m.shape) * x + m.shape;
  else if (m.response === 'quadratic') g = (1 - m.shape) * x + m.shape * x * x;
  else g = Math.sinh(m.shape * mu) / Math.sinh(m.shape * 50);
  return m.r50 * (bunches / FULL_BUNCHES) * Math.max(0, g);
}

/** Prescale columns: the name is the luminosity they are designed for; lower columns = smaller prescales. */
export const PRESCALE_COLUMNS = [
  { index: 0, name: '2p0E34', maxLumi: Infinity, factor: 1.0 },
  { index: 1, name: '1p7E34', maxLumi: 17000, factor: 0.85 },
  { index: 2, name: '1p5E34', maxLumi: 15000, factor: 0.72 },
  { index: 3, name: '1p3E34', maxLumi: 13000, factor: 0.62 },
  { index: 4, name: '1p1E34', maxLumi: 11000, factor: 0.52 },
  { index: 5, name: '9p0E33', maxLumi: 9000, factor: 0.44 },
  { index: 6, name: 'Emergency', maxLumi: -1, factor: 2.0 },
] as const;
export const PHYSICS_COLUMNS = 6;

/** The column CMS runs in at luminosity `lumi` (1e30 cm^-2 s^-1). */
export function columnForLumi(lumi: number): number {
  let col = 0;
  for (let i = 1; i < PHYSICS_COLUMNS; i++) if (lumi <= PRESCALE_COLUMNS[i].maxLumi) col = i;
  return col;
}

export function prescaleInColumn(base: number, column: number): number {
  if (base <= 1) return 1;
  return Math.max(1, Math.round(base * PRESCALE_COLUMNS[column].factor));
}

export interface HltPath extends RateModel {
  pathId: number;
  name: string;
  group: string;
  /** prescale in column 0 */
  basePrescale: number;
  /** L1-seed rate / HLT accept rate (HLT rejection) */
  rejection: number;
  l1SeedBit: number;
  /** counts in the physics stream (not AlCa/DST/calibration) */
  physics: boolean;
}

const TEMPLATES: Record<string, (i: number) => string> = {
  jet: (i) => `HLT_PFJetFwd${[15, 25, 40, 60, 80, 140, 200, 260, 320, 400, 450, 500][i % 12]}_${['', 'Cen', 'Eta2p5', 'Loose'][Math.floor(i / 12) % 4]}v${1 + (i % 5)}`,
  met: (i) =>
    `HLT_PFMET${[100, 110, 120, 130, 140, 200, 250, 300][i % 8]}_PFMHT${[90, 100, 110, 120, 130, 140][Math.floor(i / 8) % 6]}_IDTight_${['', 'CaloBTag_', 'Cleaned_'][Math.floor(i / 48) % 3]}v${1 + (i % 7)}`,
  muon: (i) =>
    `HLT_Mu${[3, 8, 12, 15, 17, 20, 24, 27, 37, 50][i % 10]}_${['TrkIsoVVL', 'IP6_part0', 'IP6_part1', 'eta2p1', 'DoubleMu4_3_Bs', 'NoFiltersNoVtx'][Math.floor(i / 10) % 6]}_v${1 + (i % 9)}`,
  egamma: (i) =>
    `HLT_Ele${[15, 23, 27, 28, 32, 35, 38, 40, 50, 115][i % 10]}_${['WPTight_Gsf', 'CaloIdVT_GsfTrkIdT', 'eta2p1_WPTight', 'PFHT350', 'CaloIdL_TrackIdL_IsoVL'][Math.floor(i / 10) % 5]}_v${1 + (i % 6)}`,
  tau: (i) => `HLT_DoubleTightChargedIsoPFTau${[35, 40, 45][i % 3]}_Trk1_${['eta2p1', 'TightID_eta2p1'][Math.floor(i / 3) % 2]}_Reg_v${1 + (i % 4)}`,
  btag: (i) => `HLT_PFHT${[300, 330, 380, 430][i % 4]}PT30_QuadPFJet_75_60_45_40_${['TriplePFBTagDeepCSV_4p5', 'DoublePFBTagDeepCSV_2p2', 'PFBTagDeepCSV_2p2'][Math.floor(i / 4) % 3]}_v${1 + (i % 3)}`,
  other: (i) => `HLT_Photon${[33, 50, 75, 90, 120, 165, 200][i % 7]}_${['R9Id90_HE10_IsoM', 'HoverELoose', 'EB_TightID_TightIso'][Math.floor(i / 7) % 3]}_v${1 + (i % 5)}`,
};

const GROUP_RESPONSES: Record<string, Response[]> = {
  jet: ['linear', 'quadratic', 'quadratic', 'sinh'],
  met: ['sinh', 'sinh', 'quadratic'],
  btag: ['quadratic', 'sinh'],
  tau: ['quadratic', 'linear'],
  muon: ['linear', 'linear', 'quadratic'],
  egamma: ['linear', 'quadratic'],
  alca: ['linear'],
  zerobias: ['linear'],
  other: ['linear', 'quadratic'],
};

function rateModelFor(rng: Rng, group: string, name: string): RateModel {
  let response = rng.pick(GROUP_RESPONSES[group] ?? ['linear']);
  if (/HT\d|MET|MHT|Quad|Triple|Six/.test(name) && response === 'linear') response = 'quadratic';
  const shape = response === 'linear' ? (group === 'zerobias' ? 1 : rng.uniform(0, 0.1)) : response === 'quadratic' ? rng.uniform(0.2, 0.7) : rng.uniform(0.03, 0.06);
  return { response, r50: rng.logUniform(0.3, 3000), shape };
}

export function buildHltMenu(seed: number, nPaths: number, nL1Bits: number): HltPath[] {
  const rng = Rng.derive(seed, 'hlt-menu');
  const names: string[] = [];
  const seen = new Set<string>();
  const add = (n: string) => {
    if (!seen.has(n) && names.length < nPaths) {
      seen.add(n);
      names.push(n);
    }
  };
  // a reduced menu takes an even sample of the real names so every group is represented
  const stride = Math.max(1, REAL_PATHS.length / Math.min(nPaths, REAL_PATHS.length));
  for (let i = 0; i < REAL_PATHS.length && names.length < Math.min(nPaths, REAL_PATHS.length); i++) add(REAL_PATHS[Math.floor(i * stride)] ?? REAL_PATHS[i]);
  const groups = Object.keys(TEMPLATES);
  for (let i = 0; names.length < nPaths && i < 100_000; i++) add(TEMPLATES[groups[i % groups.length]](Math.floor(i / groups.length)));
  return names.sort().map((name, i) => {
    const group = pathGroup(name);
    const model = rateModelFor(rng, group, name);
    const target = rng.logUniform(0.5, 20);
    const basePrescale = model.r50 > 40 ? Math.max(2, Math.round(model.r50 / target)) : 1;
    return {
      pathId: i + 1,
      name,
      group,
      ...model,
      basePrescale,
      rejection: Math.min(rng.logUniform(8, 80), 30000 / model.r50),
      l1SeedBit: rng.int(0, nL1Bits - 1),
      physics: group !== 'alca' && group !== 'zerobias',
    };
  });
}

export interface L1Algo extends RateModel {
  bit: number;
  name: string;
  basePrescale: number;
}

const L1_TEMPLATES: ((i: number) => string)[] = [
  (i) => `L1_SingleMu${[3, 5, 7, 12, 16, 18, 20, 22, 25][i % 9]}${['', 'er1p5', 'er2p1', '_BMTF'][Math.floor(i / 9) % 4]}`,
  (i) => `L1_DoubleMu_${[0, 4, 8, 11, 12, 15][i % 6]}_${[0, 2, 4, 5, 7][Math.floor(i / 6) % 5]}${['', '_OS', '_SQ'][Math.floor(i / 30) % 3]}`,
  (i) => `L1_SingleEG${[8, 10, 15, 26, 30, 34, 36, 38, 40, 45, 50, 60][i % 12]}${['er2p5', 'er2p1', ''][Math.floor(i / 12) % 3]}`,
  (i) => `L1_SingleIsoEG${[24, 26, 28, 30, 32, 34, 36][i % 7]}er${['2p1', '2p5', '1p5'][Math.floor(i / 7) % 3]}`,
  (i) => `L1_DoubleEG_${[15, 20, 22, 25, 27][i % 5]}_${[10, 12, 14][Math.floor(i / 5) % 3]}${['', '_er2p5'][Math.floor(i / 15) % 2]}`,
  (i) => `L1_SingleJet${[35, 60, 90, 120, 140, 160, 180, 200][i % 8]}${['', 'er2p5', '_FWD3p0'][Math.floor(i / 8) % 3]}`,
  (i) => `L1_DoubleJet${[40, 100, 112, 120, 150][i % 5]}er${['2p5', '2p3_dEta_Max1p6', '3p0'][Math.floor(i / 5) % 3]}`,
  (i) => `L1_HTT${[120, 160, 200, 255, 280, 320, 360, 400, 450][i % 9]}er${['', '_QuadJet_70_55_40_35_er2p4'][Math.floor(i / 9) % 2]}`,
  (i) => `L1_ETMHF${[70, 80, 90, 100, 110, 120, 130, 140, 150][i % 9]}${['', '_HTT60er'][Math.floor(i / 9) % 2]}`,
  (i) => `L1_SingleTau${[80, 100, 120, 130][i % 4]}er2p1`,
  (i) => `L1_DoubleIsoTau${[28, 30, 32, 34, 36, 38][i % 6]}er2p1${['', '_Mass_Max90', '_Mass_Max80'][Math.floor(i / 6) % 3]}`,
  (i) => `L1_Mu${[5, 6, 7, 12, 20, 23][i % 6]}_EG${[10, 15, 20, 23][Math.floor(i / 6) % 4]}${['er2p5', ''][Math.floor(i / 24) % 2]}`,
  (i) => `L1_ETT${[1200, 1600, 2000][i % 3]}${['', '_copy'][Math.floor(i / 3) % 2]}`,
  (i) =>
    `L1_${['ZeroBias', 'ZeroBias_copy', 'FirstCollisionInTrain', 'LastCollisionInTrain', 'IsolatedBunch', 'BptxXOR', 'BptxPlus', 'BptxMinus', 'MinimumBiasHF0_OR', 'MinimumBiasHF0_AND_BptxAND', 'UnpairedBunchBptxPlus', 'UnpairedBunchBptxMinus', 'NotBptxOR', 'BPTX_RefAND_VME', 'BPTX_TechnicalTrigger'][i % 15]}${i >= 15 ? `_${Math.floor(i / 15)}` : ''}`,
];

export function buildL1Menu(seed: number, nBits: number): L1Algo[] {
  const rng = Rng.derive(seed, 'l1-menu');
  const names: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; names.length < nBits && i < 100_000; i++) {
    const n = L1_TEMPLATES[i % L1_TEMPLATES.length](Math.floor(i / L1_TEMPLATES.length));
    if (!seen.has(n)) {
      seen.add(n);
      names.push(n);
    }
  }
  // bits in use are spread over 0..511 with gaps, as in a real menu
  const bits = rng
    .shuffle(Array.from({ length: 512 }, (_, b) => b))
    .slice(0, nBits)
    .sort((a, b) => a - b);
  return names.map((name, i) => {
    const bunchOnly = /ZeroBias|Bptx|Collision|IsolatedBunch|BPTX|Unpaired/.test(name);
    const model: RateModel = bunchOnly
      ? { response: 'linear', r50: rng.logUniform(1e4, 2.8e7), shape: 1 }
      : { response: rng.pick(/HTT|ETM|ETT|Double|Quad/.test(name) ? (['quadratic', 'sinh'] as Response[]) : (['linear', 'quadratic'] as Response[])), r50: rng.logUniform(20, 3e6), shape: 0 };
    if (!bunchOnly) model.shape = model.response === 'linear' ? rng.uniform(0, 0.1) : model.response === 'quadratic' ? rng.uniform(0.2, 0.6) : rng.uniform(0.03, 0.05);
    const target = rng.logUniform(50, 4000);
    return { bit: bits[i], name, ...model, basePrescale: model.r50 > 4000 ? Math.max(2, Math.round(model.r50 / target)) : 1 };
  });
}

/** L1 accept rate (Hz) before dead time for a set of post-prescale bit rates: bits overlap, so the
 *  union is a fixed fraction of the sum, calibrated per menu. */
export function l1Overlap(menu: L1Algo[]): number {
  // calibrate: 99 kHz at 2.1e34, full bunches, column 0
  const mu = pileup(21000, FULL_BUNCHES);
  const sum = menu.reduce((s, a) => s + modelRate(a, mu, FULL_BUNCHES) / prescaleInColumn(a.basePrescale, 0), 0);
  return 99_000 / sum;
}

/** HLT physics-stream rate (Hz) from the sum of accepted rates of physics paths: calibrated to
 *  ~1 kHz at pileup 50 in column 0 (events fire several paths). */
export function hltOverlap(menu: HltPath[]): number {
  const sum = menu.filter((p) => p.physics).reduce((s, p) => s + modelRate(p, 50, FULL_BUNCHES) / prescaleInColumn(p.basePrescale, 0), 0);
  return 1000 / sum;
}
