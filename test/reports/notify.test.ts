// Notifications of a report, for real: an SMTP server in this process (smtp-server, STARTTLS and
// authentication) and a webhook HTTP server. While both are down or failing, the report is written
// anyway and its messages stay pending with their error, retried with backoff; a later run sends
// them; a run after that sends nothing twice.
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import YAML from 'yaml';
import { openDb, type Db } from '../../src/db/connection.js';
import { loadProbes, type ProbeRegistry } from '../../src/probes/registry.js';
import { openCatalog, type Catalog } from '../../src/reports/data.js';
import { defaultDefinitionsDir, validateDefinition } from '../../src/reports/definitions.js';
import { runReportJob } from '../../src/reports/job.js';
import { outbox } from '../../src/reports/notify/outbox.js';
import { makeTransports } from '../../src/reports/notify/transports.js';
import { makePeriod } from '../../src/reports/period.js';
import type { ReportDefinition } from '../../src/reports/types.js';
import { writableSqliteCopy, type WritableDatabase } from '../helpers/databases.js';

const SEP29 = makePeriod(new Date('2018-09-30T00:00:00Z'), 86400);
const BASE = 'https://omsagg.example.org/reports';

interface Received {
  from: string;
  to: string[];
  user: string | undefined;
  secure: boolean;
  raw: string;
}

let w: WritableDatabase;
let db: Db;
let catalog: Catalog;
let probes: ProbeRegistry;
let def: ReportDefinition;
let root: string;
let smtpPort: number;
let smtp: SMTPServer | undefined;
const mails: Received[] = [];
let hook: http.Server;
let hookUrl: string;
let hookFails = true;
const posts: unknown[] = [];

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function startSmtp(port: number): Promise<SMTPServer> {
  const server = new SMTPServer({
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, cb) {
      if (auth.username === 'reporter' && auth.password === 's3cret') return cb(null, { user: auth.username });
      return cb(new Error('bad credentials'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
          secure: session.secure,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        cb();
      });
    },
    logger: false,
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** The text/plain part of a MIME message, quoted-printable decoded. */
function plainText(raw: string): string {
  const part = raw.split(/\r?\n--/).find((p) => /content-type: text\/plain/i.test(p)) ?? raw;
  const body = part.slice(part.search(/\r?\n\r?\n/)).trim();
  if (!/quoted-printable/i.test(part)) return body;
  const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** The Subject header, RFC 2047 words decoded (the blank between adjacent words is not text). */
const subjectOf = (raw: string) => {
  const folded = /^Subject: (.*(?:\r?\n[ \t].*)*)/m
    .exec(raw)![1]
    .replace(/\r?\n[ \t]/g, ' ')
    .replace(/\?=\s+=\?/g, '?==?');
  return folded.replace(/=\?UTF-8\?Q\?(.*?)\?=/gi, (_x, q: string) =>
    Buffer.from(
      q.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/g, (_m, h) => String.fromCharCode(parseInt(h, 16))),
      'latin1',
    ).toString('utf8'),
  );
};

beforeAll(async () => {
  w = await writableSqliteCopy();
  db = await openDb(w.url);
  catalog = openCatalog(db);
  probes = await loadProbes();
  hook = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (hookFails) {
        res.writeHead(500).end('down for maintenance');
        return;
      }
      posts.push(JSON.parse(body));
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
  hookUrl = `http://127.0.0.1:${(hook.address() as net.AddressInfo).port}/hooks/pixel`;
  process.env.OMSAGG_TEST_WEBHOOK = hookUrl;
  // the shipped masked-ROC report, with a webhook added (kept in the environment, as in production)
  const doc = YAML.parse(fs.readFileSync(path.join(defaultDefinitionsDir(), 'masked-rocs.yaml'), 'utf8'));
  doc.notify = { mail: ['pixel-daq@example.org', 'shift-leader@example.org'], webhook: ['env:OMSAGG_TEST_WEBHOOK'] };
  def = validateDefinition(doc, 'masked-rocs.yaml', catalog, probes);
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'omsagg-notify-'));
  smtpPort = await freePort();
}, 120_000);

afterAll(async () => {
  delete process.env.OMSAGG_TEST_WEBHOOK;
  await new Promise((r) => hook?.close(r));
  if (smtp) await new Promise((r) => smtp!.close(() => r(undefined)));
  await db?.close();
  await w?.cleanup();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe('report notifications', () => {
  const transports = () => makeTransports({ smtpUrl: `smtp://reporter:s3cret@127.0.0.1:${smtpPort}?require_tls=true&tls_reject_unauthorized=false`, from: 'omsagg <omsagg@example.org>' });
  const log: string[] = [];
  const sleeps: number[] = [];
  const run = (now: Date) => {
    const t = transports();
    return runReportJob({
      db,
      catalog,
      definitions: [def],
      probes,
      periods: [SEP29],
      root,
      baseUrl: BASE,
      transports: t,
      log: (l) => log.push(l),
      now: () => now,
      dispatch: { tries: 3, backoffMs: 50, sleep: async (ms) => void sleeps.push(ms) },
    }).finally(() => t.close());
  };

  it('while the mail server is down and the webhook fails: the report is written, the messages stay pending with their error', async () => {
    const res = await run(new Date('2018-09-30T06:00:00Z'));
    expect(res.written).toHaveLength(1);
    expect(fs.existsSync(path.join(root, 'masked-rocs', '2018-09-29', 'index.html'))).toBe(true);
    expect(res.notifications).toEqual({ sent: 0, pending: 2, failed: 0 });
    const rows = await outbox(db);
    expect(rows.map((r) => [r.id, r.channel, r.state, r.attempts])).toEqual([
      ['masked-rocs/2018-09-29/mail', 'mail', 'pending', 3],
      ['masked-rocs/2018-09-29/webhook/1', 'webhook', 'pending', 3],
    ]);
    expect(rows[0].lastError).toMatch(/ECONNREFUSED|connect/i);
    expect(rows[1].lastError).toBe('webhook answered 500 Internal Server Error');
    expect(rows[1].target).toBe('env:OMSAGG_TEST_WEBHOOK'); // the URL itself stays in the environment
    expect(sleeps).toEqual([50, 100, 50, 100]); // backoff between tries, doubling
    expect(log.filter((l) => /attempt \d failed/.test(l))).toHaveLength(6);
    expect(rows[0].nextAttemptAt > '2018-09-30T06:00:00Z').toBe(true);
  }, 60_000);

  it('a later run sends what could not be sent: the mail (STARTTLS, authenticated) and the webhook post', async () => {
    smtp = await startSmtp(smtpPort);
    hookFails = false;
    const res = await run(new Date('2018-09-30T07:00:00Z'));
    expect(res.written).toHaveLength(0);
    expect(res.skipped).toBe(1);
    expect(res.notifications).toEqual({ sent: 2, pending: 0, failed: 0 });
    expect((await outbox(db)).map((r) => r.state)).toEqual(['sent', 'sent']);

    expect(mails).toHaveLength(1);
    const m = mails[0];
    expect(m).toMatchObject({ from: 'omsagg@example.org', to: ['pixel-daq@example.org', 'shift-leader@example.org'], user: 'reporter', secure: true });
    expect(subjectOf(m.raw)).toBe('[omsagg] Masked pixel ROCs — 2018-09-29 00:00 – 2018-09-30 00:00 UTC (24h): 2 alarms (2 new)');
    const text = plainText(m.raw);
    expect(text).toContain('Status: 2 alarms firing (2 new, 0 repeated, 0 still firing).');
    expect(text).toContain('- [warning] FPix_Dp3: Masked ROCs rose by 80 counts in one step, from 16 counts to 96 counts, in run 323940 LS 833 from 2018-09-29 20:41 UTC.');
    expect(text).toContain('- [warning] BPix_L4: Masked ROCs rose by 64 counts in one step');
    expect(text).toContain(`Report: ${BASE}/masked-rocs/2018-09-29/index.html`);
    for (const p of ['index.html', 'RECENT.html', 'RECENT_WITH_ALM.html', 'RECENT_WITHOUT_ALM.html']) expect(text).toContain(`${BASE}/${p}`);
    expect(m.raw).toMatch(/content-type: text\/html/i);

    expect(posts).toHaveLength(1);
    const post = posts[0] as { username: string; text: string };
    expect(post.username).toBe('omsagg');
    expect(post.text).toContain('FPix_Dp3: Masked ROCs rose by 80 counts in one step');
    expect(post.text).toContain(`[Open the report](${BASE}/masked-rocs/2018-09-29/index.html)`);
  }, 60_000);

  it('a run after that sends nothing twice', async () => {
    const res = await run(new Date('2018-09-30T08:00:00Z'));
    expect(res.notifications).toEqual({ sent: 0, pending: 0, failed: 0 });
    expect(mails).toHaveLength(1);
    expect(posts).toHaveLength(1);
  }, 60_000);
});
