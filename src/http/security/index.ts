// The server's exposure settings, registered by buildApp before any route: standard security
// headers (helmet, with a Content-Security-Policy the probe pages, Plotly and Swagger UI work
// under), CORS for the configured origins only, a per-client rate limit, and optional OIDC
// bearer-token authentication. The startup log states what is on.
import type { FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import type { Config } from '../../config.js';
import { ApiError } from '../../shared/api-error.js';
import { bearerAuth } from './bearer-auth.js';

class RateLimitedError extends ApiError {
  constructor(max: number, seconds: number) {
    super(429, 'rate_limited', 'Too many requests', `more than ${max} requests per minute from this client; retry after ${seconds} s`);
    this.retryAfter = seconds;
  }
}

const isHealth = (url: string) => url === '/health' || url.startsWith('/health?');

export async function registerSecurity(app: FastifyInstance, config: Pick<Config, 'auth' | 'corsOrigins' | 'rateLimitPerMinute'>): Promise<void> {
  const origins = config.corsOrigins;
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Plotly and Swagger UI set inline styles on the elements they draw
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        // the OMS GUI (a configured origin) may embed the probe pages
        frameAncestors: ["'self'", ...origins],
      },
    },
    // TLS is the reverse proxy's business: no HSTS for a whole domain from here
    strictTransportSecurity: false,
    // frame-ancestors decides framing; X-Frame-Options cannot name other origins
    xFrameOptions: origins.length ? false : { action: 'sameorigin' },
    crossOriginEmbedderPolicy: false,
  });
  if (origins.length) {
    await app.register(cors, {
      origin: origins,
      methods: ['GET', 'HEAD'],
      allowedHeaders: ['Authorization', 'Accept', 'Content-Type', 'If-None-Match'],
      exposedHeaders: ['ETag', 'Retry-After', 'Content-Disposition', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'],
      maxAge: 600,
    });
  }
  if (config.rateLimitPerMinute > 0) {
    await app.register(rateLimit, {
      global: true,
      max: config.rateLimitPerMinute,
      timeWindow: 60_000,
      allowList: (req) => isHealth(req.url),
      keyGenerator: (req) => req.ip,
      errorResponseBuilder: (_req, ctx) => new RateLimitedError(ctx.max, Math.max(1, Math.ceil(ctx.ttl / 1000))),
    });
  }
  if (config.auth) app.addHook('onRequest', bearerAuth(config.auth));
  app.log.info(
    {
      authentication: config.auth ? { issuer: config.auth.issuer, audience: config.auth.audience, jwks: config.auth.jwksUrl } : 'off',
      cors: origins.length ? origins : 'off',
      rateLimitPerMinute: config.rateLimitPerMinute || 'off',
    },
    config.auth
      ? 'authentication on: OIDC bearer tokens required (except /health)'
      : 'authentication off: anyone who can reach the server may read (set OMSAGG_AUTH_ISSUER, OMSAGG_AUTH_AUDIENCE, OMSAGG_AUTH_JWKS_URL)',
  );
}
