// The server only reads: any method other than GET, HEAD and OPTIONS (CORS preflight) is refused
// with 405 before routing, authentication or body parsing, whatever the path or Content-Type.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorDocument, JSONAPI_MEDIA_TYPE, MethodNotAllowedError } from '../../jsonapi/errors.js';
import { htmlErrorPage, prefersHtml } from '../html-errors.js';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The hook; `apiPrefixes` decide which paths are API (JSON:API errors) and which pages (HTML for browsers). */
export function refuseWrites(apiPrefixes: string[]): (req: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async (req, reply) => {
    if (READS.has(req.method)) return;
    const e = new MethodNotAllowedError(`this API is read-only: ${req.method} is not allowed (only GET and HEAD)`);
    reply.status(405).header('allow', 'GET, HEAD').header('cache-control', 'no-store');
    const path = req.url.split('?')[0].replace(/\/{2,}/g, '/');
    if (!apiPrefixes.some((p) => path === p || path.startsWith(`${p}/`)) && prefersHtml(req.headers.accept)) {
      await reply.type('text/html; charset=utf-8').send(htmlErrorPage(405, e.title, e.message));
      return;
    }
    await reply.type(JSONAPI_MEDIA_TYPE).send(errorDocument([e]));
  };
}
