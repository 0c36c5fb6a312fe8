// The server only reads: any method other than GET, HEAD and OPTIONS (CORS preflight) is refused
// with 405 before routing, authentication or body parsing, whatever the path or Content-Type.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorDocument, JSONAPI_MEDIA_TYPE, MethodNotAllowedError } from '../../jsonapi/errors.js';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

export async function refuseWrites(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (READS.has(req.method)) return;
  const e = new MethodNotAllowedError(`this API is read-only: ${req.method} is not allowed (only GET and HEAD)`);
  await reply.status(405).header('allow', 'GET, HEAD').header('cache-control', 'no-store').type(JSONAPI_MEDIA_TYPE).send(errorDocument([e]));
}
