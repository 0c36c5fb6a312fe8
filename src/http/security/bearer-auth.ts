// Optional OIDC bearer-token authentication (as CERN SSO issues tokens for OMS): every request but
// /health and CORS preflights must carry `Authorization: Bearer <JWT>` signed by a key of the
// configured JWKS, for the configured issuer and audience, inside its validity window. Keys are
// fetched by jose's remote key set: cached, and fetched again when a token names an unknown key id
// (rotation), at most once per refresh interval. Refusals are 401 JSON:API errors with an RFC 6750
// WWW-Authenticate header; an unreachable key set is a 503 (the token may well be good).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { AuthConfig } from '../../config.js';
import { ApiError } from '../../shared/api-error.js';

/** paths that stay open: load balancers and probes must see the server's health */
const OPEN = new Set(['/health']);
const CLOCK_TOLERANCE_S = 30;

export class AuthError extends ApiError {
  constructor(code: string, detail: string) {
    super(401, code, 'Unauthorized', detail);
  }
}

class AuthUnavailableError extends ApiError {
  constructor() {
    super(503, 'auth_unavailable', 'Authentication unavailable', 'the signing keys of the token issuer cannot be fetched; try again later');
    this.retryAfter = 5;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** the verified token's claims when authentication is on */
    token?: JWTPayload;
  }
}

function refusal(err: unknown): ApiError {
  const e = err as { code?: string; claim?: string };
  switch (e.code) {
    case 'ERR_JWT_EXPIRED':
      return new AuthError('token_expired', 'the token has expired');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (e.claim === 'nbf' || e.claim === 'iat') return new AuthError('token_not_yet_valid', 'the token is not valid yet');
      if (e.claim === 'iss') return new AuthError('wrong_issuer', 'the token was issued by another issuer');
      if (e.claim === 'aud') return new AuthError('wrong_audience', 'the token is meant for another audience');
      return new AuthError('invalid_claims', `the token's '${e.claim ?? 'claims'}' claim is not acceptable`);
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return new AuthError('bad_signature', 'the token signature does not verify');
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return new AuthError('unknown_key', "the token's key id is not among the issuer's signing keys");
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return new AuthError('algorithm_not_allowed', 'the token is signed with an algorithm this server does not accept');
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
    case 'ERR_JWK_INVALID':
      return new AuthError('malformed_token', 'the bearer token is not a well-formed signed JWT');
    default:
      // ERR_JWKS_TIMEOUT, ERR_JWKS_INVALID, a failed fetch: the key set, not the token, is at fault
      return new AuthUnavailableError();
  }
}

export function bearerAuth(cfg: AuthConfig): (req: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const keys = createRemoteJWKSet(new URL(cfg.jwksUrl), { cooldownDuration: cfg.jwksRefreshMs, cacheMaxAge: 10 * 60_000, timeoutDuration: 5000 });
  const realm = 'Bearer realm="omsagg"';
  return async function authenticate(req, reply) {
    if (req.method === 'OPTIONS' || OPEN.has(req.url.split('?')[0])) return;
    const header = req.headers.authorization;
    if (!header) {
      reply.header('www-authenticate', realm);
      throw new AuthError('missing_token', 'this server requires a bearer token: Authorization: Bearer <token>');
    }
    const m = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(header);
    if (!m) {
      reply.header('www-authenticate', `${realm}, error="invalid_request"`);
      throw new AuthError('malformed_authorization', 'the Authorization header must be: Bearer <token>');
    }
    try {
      const { payload } = await jwtVerify(m[1], keys, { issuer: cfg.issuer, audience: cfg.audience, algorithms: cfg.algorithms, clockTolerance: CLOCK_TOLERANCE_S });
      req.token = payload;
    } catch (err) {
      const e = refusal(err);
      if (e.status === 401) reply.header('www-authenticate', `${realm}, error="invalid_token", error_description="${e.message}"`);
      else req.log.warn({ code: (err as { code?: string }).code, message: (err as Error).message }, 'authentication: key set unavailable');
      throw e;
    }
  };
}
