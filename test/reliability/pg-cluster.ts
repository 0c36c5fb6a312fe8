// A private PostgreSQL cluster the fault tests own (Debian's initdb/pg_ctl on a spare port in a
// temporary directory, run as the postgres user), so stopping or restarting it disturbs nothing
// else, and a TCP proxy in front of it that can delay, cut or refuse connections.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

function pgBin(): string {
  const root = '/usr/lib/postgresql';
  const version = fs.readdirSync(root).sort((a, b) => Number(b) - Number(a))[0];
  return path.join(root, version, 'bin');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export class PrivateCluster {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omsagg-pgfault-'));
  port = 0;
  private readonly bin = pgBin();
  private readonly asPostgres = process.getuid?.() === 0;

  private run(cmd: string, args: string[]): string {
    const full = path.join(this.bin, cmd);
    return this.asPostgres
      ? execFileSync('runuser', ['-u', 'postgres', '--', full, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      : execFileSync(full, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  async init(): Promise<void> {
    if (this.asPostgres) execFileSync('chown', ['postgres:postgres', this.dir]);
    this.port = await freePort();
    this.run('initdb', ['-D', path.join(this.dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    fs.appendFileSync(
      path.join(this.dir, 'data', 'postgresql.conf'),
      `\nport = ${this.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '${this.dir}'\nfsync = off\nmax_connections = 40\n`,
    );
    this.start();
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  start(): void {
    this.run('pg_ctl', ['-D', path.join(this.dir, 'data'), '-l', path.join(this.dir, 'log'), '-w', '-t', '30', 'start']);
  }

  stop(mode: 'fast' | 'immediate' = 'fast'): void {
    this.run('pg_ctl', ['-D', path.join(this.dir, 'data'), '-m', mode, '-w', 'stop']);
  }

  restart(): void {
    this.run('pg_ctl', ['-D', path.join(this.dir, 'data'), '-m', 'fast', '-w', '-t', '30', 'restart', '-l', path.join(this.dir, 'log')]);
  }

  destroy(): void {
    try {
      this.stop('immediate');
    } catch {
      // already stopped
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A TCP proxy: `refuse` closes new connections at once, `delayMs` holds every chunk from the
 *  database that long, `cut()` ends every open connection. */
export class FaultProxy {
  refuse = false;
  delayMs = 0;
  port = 0;
  private readonly pairs = new Set<[net.Socket, net.Socket]>();
  private server = net.createServer((client) => {
    if (this.refuse) return void client.destroy();
    const upstream = net.connect(this.target, '127.0.0.1');
    const pair: [net.Socket, net.Socket] = [client, upstream];
    this.pairs.add(pair);
    const end = () => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.on('data', (d) => upstream.write(d));
    upstream.on('data', (d) => {
      if (this.delayMs > 0) setTimeout(() => client.writable && client.write(d), this.delayMs);
      else client.write(d);
    });
  });

  constructor(private readonly target: number) {}

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  cut(): number {
    const n = this.pairs.size;
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    this.pairs.clear();
    return n;
  }

  get open(): number {
    return this.pairs.size;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
