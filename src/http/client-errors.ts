// Requests Node's HTTP parser refuses before Fastify routes anything (headers too large, a
// malformed request line or header, a bad chunked body, a client too slow to send its request):
// answered with a JSON:API error like every other refusal, then the connection is closed.
import http from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { JSONAPI_MEDIA_TYPE } from '../jsonapi/errors.js';

function refusal(code: string | undefined): { status: number; code: string; detail: string } {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, code: 'request_timeout', detail: 'the request was not received in time' };
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 431, code: 'headers_too_large', detail: 'the request line and headers exceed the allowed size (16 kB); shorten the URL or headers' };
  return { status: 400, code: 'malformed_request', detail: 'the request is not valid HTTP/1.1' };
}

export function clientErrorHandler(this: { log: FastifyBaseLogger }, err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const r = refusal(err.code);
  this.log.debug({ code: err.code }, 'client error');
  if (socket.writable) {
    const title = http.STATUS_CODES[r.status] ?? 'Bad Request';
    const body = JSON.stringify({ errors: [{ status: String(r.status), code: r.code, title, detail: r.detail }] });
    socket.write(`HTTP/1.1 ${r.status} ${title}\r\nContent-Type: ${JSONAPI_MEDIA_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy();
}
