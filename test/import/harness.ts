// The import tests' parts: a seeded omsagg served over a real socket as the source, empty target
// databases (a SQLite file, a private PostgreSQL schema), and the document-by-document comparison
// of the source's and the target's answers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { openDb, type Db } from '../../src/db/connection.js';
import { testApp } from '../helpers/app.js';
import { testDatabase } from '../helpers/databases.js';

export interface Served {
  app: FastifyInstance;
  db: Db;
  /** API base: http://127.0.0.1:PORT/api/v1 */
  base: string;
  close(): Promise<void>;
}

/** An omsagg over `url` (opened read-only), listening on a free local port. */
export async function serve(url: string): Promise<Served> {
  const db = await openDb(url, { readonly: true });
  const app = await testApp(db);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    app,
    db,
    base: `http://127.0.0.1:${port}/api/v1`,
    close: async () => {
      await app.close();
      await db.close();
    },
  };
}

/** An omsagg over `url` answering through inject only (the target side of a comparison). */
export async function injectOnly(url: string): Promise<{ app: FastifyInstance; close(): Promise<void> }> {
  const db = await openDb(url, { readonly: true });
  const app = await testApp(db);
  return {
    app,
    close: async () => {
      await app.close();
      await db.close();
    },
  };
}

export interface Target {
  name: 'sqlite' | 'postgres';
  url: string;
  cleanup(): Promise<void>;
}

let counter = 0;

/** An empty database of either dialect (nothing created: the import makes the schema). */
export async function emptyTarget(name: 'sqlite' | 'postgres'): Promise<Target> {
  if (name === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omsagg-import-'));
    return { name, url: `sqlite:${path.join(dir, 'imported.sqlite')}`, cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  // a private schema on the shared server, named so that an orphan is dropped by the next test run
  const schema = `omsagg_w${process.pid}_${900 + ++counter}`;
  const u = new URL(testDatabase('postgres').url);
  u.searchParams.set('schema', schema);
  const url = u.toString().replace(/%2C/g, ',');
  return {
    name,
    url,
    cleanup: async () => {
      const d = await openDb(url);
      try {
        await d.knex.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
      } finally {
        await d.close();
      }
    },
  };
}

/** A small private seed (SQLite): the first fill, runs capped at `ls` lumisections. */
export async function smallSeed(ls: number): Promise<Target> {
  const { seedDatabase } = await import('../../src/synth/seed.js');
  const t = await emptyTarget('sqlite');
  const db = await openDb(t.url);
  try {
    await seedDatabase(db, { scale: 'demo', maxFills: 1, maxLsPerRun: ls });
  } finally {
    await db.close();
  }
  return t;
}

/** Every resource the import fills, asked for some runs (and the fills of those runs). */
export function comparisonQueries(runs: number[], fills: number[]): string[] {
  const perRun = [
    'runs',
    'lumisections',
    'hltpathinfo',
    'hltpathrates',
    'l1triggerrates',
    'l1algorithmtriggers',
    'deadtimes',
    'pixelcurrents',
    'maskedrocs',
    'federrors',
    'fedchannels',
    'prescalechanges',
  ];
  const folded = ['hltpathrates', 'l1triggerrates', 'l1algorithmtriggers', 'deadtimes', 'pixelcurrents', 'maskedrocs', 'federrors'];
  const out: string[] = [];
  for (const f of fills) out.push(`fills?filter[fill_number][EQ]=${f}`);
  for (const r of runs) {
    for (const res of perRun) out.push(`${res}?filter[run_number][EQ]=${r}&page[limit]=100000`);
    // the run folds (answered from the summary tables the import rebuilt)
    for (const res of folded) out.push(`${res}?filter[run_number][EQ]=${r}&group[granularity]=run&page[limit]=100000`);
  }
  return out;
}

async function documentOf(app: FastifyInstance, query: string): Promise<{ status: number; text: string }> {
  const res = await app.inject({ method: 'GET', url: `/api/v1/${query}` });
  return { status: res.statusCode, text: res.body };
}

/**
 * The target answers every query with the source's document (data, links, meta — units included),
 * byte for byte (a difference is then shown as a JSON diff). `except` names attributes derived from
 * rows outside the import (e.g. a fill's mean B field over all its runs when only some were
 * imported); they are compared for presence only.
 */
export async function expectSameDocuments(source: FastifyInstance, target: FastifyInstance, queries: string[], except: Record<string, string[]> = {}): Promise<number> {
  let rows = 0;
  for (const q of queries) {
    const [a, b] = await Promise.all([documentOf(source, q), documentOf(target, q)]);
    expect(a.status, `source ${q}`).toBe(200);
    expect(b.status, `target ${q}`).toBe(200);
    const skip = except[q.split('?')[0]] ?? [];
    const n = (JSON.parse(a.text) as { data: unknown[] }).data.length;
    expect(n, `${q}: the source has rows`).toBeGreaterThan(0);
    rows += n;
    if (a.text === b.text && !skip.length) continue;
    const da = JSON.parse(a.text) as { data: { attributes: Record<string, unknown> }[] };
    const db = JSON.parse(b.text) as { data: { attributes: Record<string, unknown> }[] };
    for (const d of [da, db]) for (const row of d.data) for (const k of skip) if (k in row.attributes) row.attributes[k] = '(derived from rows not imported)';
    expect(db, q).toEqual(da);
  }
  return rows;
}
