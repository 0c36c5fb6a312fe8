// The embedded database: on the server's first start, create and seed the `demo` data set (or finish
// an interrupted seed) before the server opens the file read-only.
import fs from 'node:fs';
import { openDb } from '../db/connection.js';
import { getMeta } from '../db/schema.js';
import { SCALES, type Scale } from '../synth/plan.js';
import { seedDatabase } from '../synth/seed.js';

export interface EnsureDemoResult {
  /** false when the file already held a finished seed */
  seeded: boolean;
  scale: Scale;
  seconds: number;
}

export async function ensureDemoDatabase(file: string, log: (line: string) => void = () => {}): Promise<EnsureDemoResult> {
  const t0 = Date.now();
  let resume: { scale: Scale; seed?: number; anomalyRate?: number } = { scale: 'demo' };
  if (fs.existsSync(file)) {
    const ro = await openDb(`sqlite:${file}`, { readonly: true });
    let meta: Record<string, string>;
    try {
      meta = await getMeta(ro);
    } finally {
      await ro.close();
    }
    if (meta.seed_state === 'finished') return { seeded: false, scale: (meta.scale as Scale) ?? 'demo', seconds: 0 };
    if (meta.seed !== undefined && SCALES.includes(meta.scale as Scale) && meta.fills_limit === 'all' && (meta.ls_limit ?? 'all') === 'all') {
      // finish the interrupted seed with its own parameters
      resume = { scale: meta.scale as Scale, seed: Number(meta.seed), anomalyRate: Number(meta.anomaly_rate) };
      log(`${file}: resuming the interrupted ${resume.scale} seed`);
    } else if (meta.seed !== undefined) {
      throw new Error(`${file} holds an unfinished test seed (fills_limit ${meta.fills_limit}, ls_limit ${meta.ls_limit}); remove it or run omsagg seed --fresh`);
    }
  } else {
    log(`${file} does not exist: creating the demo data set (a few fills of 2018, ~15 s)`);
  }
  const db = await openDb(`sqlite:${file}`);
  try {
    const res = await seedDatabase(db, { ...resume, log });
    if (!res.finished) throw new Error(`seeding ${file} did not finish`);
  } finally {
    await db.close();
  }
  return { seeded: true, scale: resume.scale, seconds: (Date.now() - t0) / 1000 };
}
