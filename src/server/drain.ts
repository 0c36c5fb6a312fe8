// Graceful stop of the HTTP server: stop listening at once (new connections are refused), finish
// every request already accepted with its whole body, close each connection when its last answer
// is sent, and give connections that have not sent a request yet a short grace to do so. Resolves
// when no connection is left, or at the bound (the rest are then cut and `drained` is false).
//
// http.Server.close() is not used to stop listening: it also closes every connection it deems
// idle, and a connection whose request is still unread (the event loop busy rendering a large
// page) counts as idle — its client sees a reset for a request it had already sent.
import net from 'node:net';
import type http from 'node:http';

export interface DrainResult {
  drained: boolean;
  /** requests answered after the stop began */
  finished: number;
  /** connections cut at the bound */
  cut: number;
  ms: number;
}

interface ConnectionState {
  active: number;
  idleTimer?: NodeJS.Timeout;
}

export class Drainer {
  private readonly connections = new Map<net.Socket, ConnectionState>();
  private draining = false;
  private finishedDuringDrain = 0;
  private onIdle: (() => void) | null = null;

  constructor(
    private readonly server: http.Server,
    private readonly opts: { boundMs: number; graceMs: number; onListenerClosed?: () => void },
  ) {
    server.on('connection', (socket: net.Socket) => {
      this.connections.set(socket, { active: 0 });
      socket.once('close', () => {
        const st = this.connections.get(socket);
        if (st?.idleTimer) clearTimeout(st.idleTimer);
        this.connections.delete(socket);
        if (this.draining && this.connections.size === 0) this.onIdle?.();
      });
    });
    // registered before Fastify's own listener runs the route: the header is in place for the answer
    server.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      const st = this.connections.get(req.socket);
      if (!st) return;
      st.active++;
      if (st.idleTimer) clearTimeout(st.idleTimer);
      st.idleTimer = undefined;
      if (this.draining) res.setHeader('connection', 'close');
      res.once('close', () => {
        st.active--;
        if (!this.draining) return;
        this.finishedDuringDrain++;
        // an answer whose headers went out before the stop still said keep-alive
        if (st.active === 0) req.socket.end();
      });
    });
  }

  get active(): boolean {
    return this.draining;
  }

  async stop(): Promise<DrainResult> {
    const t0 = Date.now();
    this.draining = true;
    // connections the kernel completed before the stop but Node has not accepted yet (the event
    // loop was busy) would be reset by closing the listener: let one poll phase accept them first
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    net.Server.prototype.close.call(this.server);
    this.opts.onListenerClosed?.();
    for (const [socket, st] of this.connections) {
      if (st.active === 0) st.idleTimer = setTimeout(() => socket.destroy(), this.opts.graceMs);
    }
    return new Promise<DrainResult>((resolve) => {
      const done = (drained: boolean) => {
        clearTimeout(bound);
        this.onIdle = null;
        let cut = 0;
        for (const socket of this.connections.keys()) {
          socket.destroy();
          cut++;
        }
        resolve({ drained, finished: this.finishedDuringDrain, cut, ms: Date.now() - t0 });
      };
      const bound = setTimeout(() => done(false), this.opts.boundMs);
      this.onIdle = () => done(true);
      if (this.connections.size === 0) done(true);
    });
  }
}
