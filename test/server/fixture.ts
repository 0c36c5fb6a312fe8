// A small fixture database (3 runs, 75 lumisections) behind views v_runs / v_lumisections, in a
// temporary SQLite file and in a scratch PostgreSQL schema, for engine tests that must not depend
// on the seeded demo data set.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDb, type Db } from '../../src/db/connection.js';
import { loadResources } from '../../src/resources/loader.js';

export const PG_URL = process.env.OMSAGG_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
export const fixtureResources = () => loadResources(path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/resources'));

export const RUNS = [
  { run_number: 315000, fill_number: 6600, start_time: '2018-05-01T00:00:00Z', stable_beam: true, components: 'DAQ,PIXEL,TRG', era: 'Run2018A', l1_rate: 90000.5, delivered_lumi: 10.5, physics_ok: 1 },
  { run_number: 315001, fill_number: 6600, start_time: '2018-05-01T02:00:00Z', stable_beam: false, components: 'DAQ,TRG', era: 'Run2018A', l1_rate: null, delivered_lumi: 0, physics_ok: 0 },
  { run_number: 315100, fill_number: 6601, start_time: '2018-05-02T00:00:00Z', stable_beam: true, components: 'DAQ,PIXEL', era: 'Run2018B', l1_rate: 95000, delivered_lumi: 20.25, physics_ok: 1 },
];
export const LS_COUNTS = [30, 25, 20];

export function lumisectionRows() {
  const rows: Record<string, unknown>[] = [];
  RUNS.forEach((r, i) => {
    for (let ls = 1; ls <= LS_COUNTS[i]; ls++) {
      const t = new Date(Date.parse(r.start_time) + (ls - 1) * 23310).toISOString().slice(0, 19) + 'Z';
      const counter = 2_000_000 + ls * 1000 + i;
      rows.push({
        run_number: r.run_number,
        lumisection_number: ls,
        fill_number: r.fill_number,
        start_time: t,
        beams_stable: ls > 2,
        init_lumi: ls === 5 ? null : 15000 - ls * 10 - i,
        prescale_name: ls <= 10 ? '2p0e34' : '1p7e34',
        l1a_total_counter: counter,
        l1a_total_rate: counter / 23.31,
      });
    }
  });
  return rows;
}

const DDL = {
  runs: 'run_number integer primary key, fill_number integer, start_time %T, stable_beam %B, components text, era text, l1_rate double precision, delivered_lumi double precision, physics_ok integer',
  ls: 'run_number integer, lumisection_number integer, fill_number integer, start_time %T, beams_stable %B, init_lumi double precision, prescale_name text, l1a_total_counter bigint, l1a_total_rate double precision, primary key (run_number, lumisection_number)',
};

export interface Fixture {
  name: 'sqlite' | 'postgres';
  url: string;
  cleanup(): Promise<void>;
}

async function fill(db: Db, sqlite: boolean) {
  const ddl = (s: string) => s.replace(/%T/g, sqlite ? 'text' : 'timestamp').replace(/%B/g, sqlite ? 'integer' : 'boolean');
  await db.knex.raw(`create table fx_runs (${ddl(DDL.runs)})`);
  await db.knex.raw(`create table fx_ls (${ddl(DDL.ls)})`);
  await db.knex.raw('create view v_runs as select * from fx_runs');
  await db.knex.raw('create view v_lumisections as select * from fx_ls');
  const conv = (r: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'boolean' && sqlite ? (v ? 1 : 0) : !sqlite && k === 'start_time' ? String(v).replace('T', ' ').replace('Z', '') : v]));
  await db.knex('fx_runs').insert(RUNS.map(conv));
  await db.knex.batchInsert('fx_ls', lumisectionRows().map(conv), 50);
}

export async function sqliteFixture(): Promise<Fixture> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omsagg-server-'));
  const file = path.join(dir, 'fixture.sqlite');
  const db = await openDb(`sqlite:${file}`);
  await fill(db, true);
  await db.close();
  return { name: 'sqlite', url: `sqlite:${file}`, cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export async function postgresFixture(): Promise<Fixture> {
  const schema = `omsagg_server_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  const admin = await openDb(PG_URL);
  await admin.knex.raw(`create schema ${schema}`);
  await admin.close();
  const db = await openDb(`${PG_URL}?schema=${schema}`);
  await fill(db, false);
  await db.close();
  return {
    name: 'postgres',
    url: `${PG_URL}?schema=${schema}`,
    cleanup: async () => {
      const a = await openDb(PG_URL);
      await a.knex.raw(`drop schema if exists ${schema} cascade`);
      await a.close();
    },
  };
}
