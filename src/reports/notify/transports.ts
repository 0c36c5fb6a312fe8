// How notifications leave: SMTP through nodemailer (server, TLS and authentication from one URL)
// and HTTP POST for webhooks. Configured from the environment or command-line flags:
//   OMSAGG_SMTP_URL   smtp://user:password@host:587 (STARTTLS when offered; ?require_tls=true to insist),
//                     smtps://user:password@host:465 (TLS from the start); ?tls_reject_unauthorized=false
//                     accepts a self-signed server certificate
//   OMSAGG_MAIL_FROM  sender address (default omsagg <omsagg@localhost>)
//   webhooks          URLs in the definition, or env:NAME for a URL kept in the environment
import nodemailer from 'nodemailer';

export class NotifyConfigError extends Error {}

export interface Mail {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

export interface Transports {
  /** undefined when no SMTP server is configured */
  mail?: (m: Mail) => Promise<void>;
  webhook: (url: string, body: unknown) => Promise<void>;
  close(): void;
  describeMail: string;
}

export function smtpOptions(url: string): Record<string, unknown> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new NotifyConfigError(`OMSAGG_SMTP_URL '${url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@')}' is not a URL (smtp://user:password@host:587 or smtps://host:465)`);
  }
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') throw new NotifyConfigError(`OMSAGG_SMTP_URL must start with smtp:// or smtps:// (got ${u.protocol}//)`);
  const secure = u.protocol === 'smtps:';
  const known = new Set(['require_tls', 'tls_reject_unauthorized']);
  for (const k of u.searchParams.keys()) if (!known.has(k)) throw new NotifyConfigError(`OMSAGG_SMTP_URL: unknown option '${k}' (require_tls, tls_reject_unauthorized)`);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    requireTLS: u.searchParams.get('require_tls') === 'true',
    ...(u.username ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } } : {}),
    tls: { rejectUnauthorized: u.searchParams.get('tls_reject_unauthorized') !== 'false' },
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  };
}

/** Resolves `env:NAME` to the URL in the environment. */
export function webhookUrl(target: string, env: Record<string, string | undefined> = process.env): string {
  if (!target.startsWith('env:')) return target;
  const v = env[target.slice(4)];
  if (!v) throw new NotifyConfigError(`webhook ${target}: the environment variable ${target.slice(4)} is not set`);
  return v;
}

export function makeTransports(opts: { smtpUrl?: string; from?: string; timeoutMs?: number }): Transports {
  const transport = opts.smtpUrl ? nodemailer.createTransport(smtpOptions(opts.smtpUrl)) : undefined;
  const from = opts.from ?? 'omsagg <omsagg@localhost>';
  const timeout = opts.timeoutMs ?? 15_000;
  return {
    describeMail: opts.smtpUrl ? opts.smtpUrl.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@') : 'none',
    mail: transport
      ? async (m) => {
          await transport.sendMail({ from, to: m.to, subject: m.subject, text: m.text, html: m.html });
        }
      : undefined,
    async webhook(url, body) {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeout) });
      if (!res.ok) throw new Error(`webhook answered ${res.status} ${res.statusText}`);
    },
    close() {
      transport?.close();
    },
  };
}
