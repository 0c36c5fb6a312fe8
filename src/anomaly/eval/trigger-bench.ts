// A trigger-rate benchmark for `omsagg detect`, written apart from the generator (synth/) and the
// models: per-lumisection rates of 60 paths in 6 groups with a pileup column, Poisson counts and dead
// time. Bad: a group of paths dropping, a dead path, spikes on jet and MET paths. Not bad: luminosity
// dips (the pileup column shows them) and dead-time spikes (no column shows them: every path drops
// together). The first fill is the learning rows.
import { LS_SECONDS } from '../../shared/physics.js';
import { Rng } from '../../shared/prng.js';

export interface TriggerBench {
  header: string[];
  /** rows: lumisection, pileup, then the path rates (Hz) */
  rows: number[][];
  /** per row: 1 bad, 2 not bad (explained), 0 clean, −1 settling after a bad span */
  label: number[];
  learnRows: number;
  paths: string[];
}

const GROUPS: { name: string; path: (k: number) => string; beta: [number, number] }[] = [
  { name: 'jet', path: (k) => `HLT_PFJet${40 + 40 * k}_v${1 + (k % 3)}`, beta: [1.0, 2.0] },
  { name: 'met', path: (k) => `HLT_PFMET${100 + 20 * k}_PFMHT${90 + 10 * k}_IDTight_v${1 + (k % 4)}`, beta: [1.8, 3.0] },
  { name: 'muon', path: (k) => `HLT_IsoMu${20 + 2 * k}_v${1 + (k % 5)}`, beta: [0.9, 1.2] },
  { name: 'egamma', path: (k) => `HLT_Ele${25 + 3 * k}_WPTight_Gsf_v${1 + (k % 4)}`, beta: [1.0, 1.4] },
  { name: 'tau', path: (k) => `HLT_DoubleMediumChargedIsoPFTau${30 + 5 * k}_Trk1_eta2p1_Reg_v${1 + (k % 2)}`, beta: [1.1, 1.6] },
  { name: 'btag', path: (k) => `HLT_PFHT${300 + 30 * k}_SixPFJet32_DoublePFBTagDeepCSV_2p94_v${1 + (k % 3)}`, beta: [1.5, 2.5] },
];

export function triggerBench(seed = 1, fills = 4, lsPerFill = 1200): TriggerBench {
  const rng = Rng.derive(seed, 'trigger-bench');
  const paths: string[] = [];
  const a: number[] = [];
  const beta: number[] = [];
  const groupOf: number[] = [];
  GROUPS.forEach((g, gi) =>
    Array.from({ length: 10 }, (_, k) => {
      paths.push(g.path(k));
      a.push(rng.logUniform(2, 200));
      beta.push(rng.uniform(g.beta[0], g.beta[1]));
      groupOf.push(gi);
    }),
  );
  const rows: number[][] = [];
  const label: number[] = [];
  const mu0 = 40;
  let ls = 0;
  for (let f = 0; f < fills; f++) {
    const peak = rng.uniform(45, 60);
    const tau = rng.uniform(1500, 3000);
    // the events of this fill (none in the first, the learning rows)
    const events: { kind: string; at: number; len: number; target: number }[] = [];
    if (f > 0) {
      for (let at = rng.int(30, 80); at < lsPerFill - 60; at += rng.int(60, 120)) {
        const kind = rng.pick(['group-drop', 'dead-path', 'spike', 'lumi-dip', 'deadtime-spike']);
        const len = kind === 'spike' ? rng.int(1, 3) : kind === 'deadtime-spike' ? rng.int(1, 5) : kind === 'lumi-dip' ? rng.int(5, 20) : rng.int(10, 40);
        events.push({ kind, at, len, target: kind === 'group-drop' ? rng.int(0, GROUPS.length - 1) : rng.int(0, paths.length - 1) });
      }
    }
    for (let i = 0; i < lsPerFill; i++) {
      ls++;
      let mu = peak * Math.exp(-i / tau);
      let dead = rng.uniform(0.01, 0.03);
      const factor = new Float64Array(paths.length).fill(1);
      let lab = 0;
      for (const e of events) {
        if (i < e.at || i >= e.at + e.len + (e.kind === 'lumi-dip' || e.kind === 'deadtime-spike' ? 0 : 20)) continue;
        if (i >= e.at + e.len) {
          lab = lab === 0 ? -1 : lab;
          continue;
        }
        if (e.kind === 'lumi-dip') {
          mu *= 0.6;
          lab = Math.max(lab, 2);
        } else if (e.kind === 'deadtime-spike') {
          dead = 0.25;
          lab = Math.max(lab, 2);
        } else if (e.kind === 'group-drop') {
          for (let p = 0; p < paths.length; p++) if (groupOf[p] === e.target) factor[p] = 0.7;
          lab = 1;
        } else if (e.kind === 'dead-path') {
          factor[e.target] = 0;
          lab = 1;
        } else {
          // spikes on a few jet and MET paths
          for (let p = 0; p < paths.length; p++) if ((groupOf[p] === 0 || groupOf[p] === 1) && (p + e.target) % 4 === 0) factor[p] = 3;
          lab = 1;
        }
      }
      const row = [ls, Math.round(mu * 1000) / 1000];
      for (let p = 0; p < paths.length; p++) {
        const rate = a[p] * Math.pow(mu / mu0, beta[p]) * (1 - dead) * factor[p];
        row.push(Math.round((rng.poisson(rate * LS_SECONDS) / LS_SECONDS) * 1e4) / 1e4);
      }
      rows.push(row);
      label.push(lab);
    }
  }
  return { header: ['lumisection', 'pileup', ...paths], rows, label, learnRows: lsPerFill, paths };
}
