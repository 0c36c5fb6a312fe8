// Scale-out on this machine: two `omsagg serve` processes behind Debian's nginx on loopback, in
// front of the same database. Every request through the load balancer answers; both replicas give
// the same ETag for the same request (nothing shared between them but the data), so a conditional
// request is a 304 whichever replica answers; with one replica gone the other keeps serving.
// (Throughput at 1 and 2 replicas is measured by `npm run bench`, not here.)
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../helpers/databases.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const NGINX = '/usr/sbin/nginx';

/** GET with any headers (fetch may not set Host); resolves status and headers. */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; etag?: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, etag: res.headers.etag }));
      })
      .on('error', reject);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function replica(url: string): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', "import { main } from './src/cli.ts'; process.exitCode = await main(process.argv.slice(1));", 'serve', '--port', '0'],
    {
      cwd: root,
      env: { ...process.env, OMSAGG_DB: url, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  for (let i = 0; i < 600; i++) {
    const m = /"msg":"Server listening at (http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
    if (m) return { child, base: m[1] };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`replica did not start:\n${out}`);
}

describe('two replicas behind nginx', () => {
  it('has Debian nginx (npm test installs it: scripts/ensure-system-packages.sh)', () => expect(fs.existsSync(NGINX)).toBe(true));
  let dir: string;
  let nginx: ChildProcess;
  let front: string;
  const replicas: { child: ChildProcess; base: string }[] = [];

  beforeAll(async () => {
    const url = testDatabase('sqlite').url;
    replicas.push(...(await Promise.all([replica(url), replica(url)])));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omsagg-nginx-'));
    const port = await freePort();
    const upstreams = replicas.map((r) => `server ${r.base.replace('http://', '')} max_fails=1 fail_timeout=5s;`).join('\n    ');
    fs.writeFileSync(
      path.join(dir, 'nginx.conf'),
      `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream omsagg {
    ${upstreams}
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://omsagg;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_next_upstream error timeout http_502 http_503;
    }
  }
}
`,
    );
    nginx = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: 'ignore' });
    front = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      try {
        if ((await fetch(`${front}/health`)).ok) break;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 120_000);

  afterAll(async () => {
    nginx?.kill('SIGTERM');
    for (const r of replicas) r.child.kill('SIGTERM');
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers every request through the load balancer; the replicas agree on ETags', async () => {
    const urls = ['/api/v1/runs?page[limit]=5', '/api/v1/lumisections?filter[run_number][EQ]=323997&page[limit]=50', '/api/v1/probes/fill-summary/plot'];
    for (const u of urls) {
      // the same Host as through the balancer: links, and so bodies and ETags, depend on it
      const host = front.replace('http://', '');
      const direct = await Promise.all(replicas.map((r) => get(`${r.base}${u}`, { host })));
      const tags = direct.map((r) => r.etag);
      expect(
        direct.every((r) => r.status === 200),
        u,
      ).toBe(true);
      expect(tags[0], u).toBeTruthy();
      expect(tags[1], u).toBe(tags[0]);
      const through = await Promise.all(Array.from({ length: 8 }, () => get(`${front}${u}`)));
      for (const r of through) {
        expect(r.status, u).toBe(200);
        expect(r.etag, u).toBe(tags[0]);
      }
      const cond = await Promise.all(Array.from({ length: 4 }, () => get(`${front}${u}`, { 'if-none-match': tags[0]! })));
      expect(
        cond.map((r) => r.status),
        u,
      ).toEqual([304, 304, 304, 304]);
    }
  });

  it('keeps answering with one replica gone', async () => {
    const gone = replicas[1].child;
    gone.kill('SIGTERM');
    await new Promise((r) => gone.once('exit', r));
    const rs = await Promise.all(Array.from({ length: 10 }, () => fetch(`${front}/api/v1/runs?page[limit]=1`)));
    expect(rs.map((r) => r.status)).toEqual(Array(10).fill(200));
  });
});
