// Guanxi's own SMTP listener for inbound email (GUANXI_SMTP_INBOUND_PORT). It is meant to sit
// behind the company's MX or a local forwarder (Postfix), so it accepts mail only for the
// configured addresses or domains (never a relay: 550 for anyone else), refuses messages over the
// size limit (552), answers 451 when the database could not store a message (the sender retries)
// and 250 only once the message is committed. AUTH is off unless a user and password are
// configured; STARTTLS is offered only with a certificate.
import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { FastifyBaseLogger } from 'fastify';
import type { Config, SmtpInboundConfig } from '../config.js';
import type { Database } from '../db/client.js';
import { MailRejected, receiveMail } from './inbound-mail.js';

export interface InboundListener {
  port: number;
  close(): Promise<void>;
}

const smtpError = (responseCode: number, message: string) => Object.assign(new Error(message), { responseCode });

/** Whether the listener takes mail for this recipient: a listed address, or any address at a listed @domain. */
export function acceptsRecipient(inbound: Pick<SmtpInboundConfig, 'addresses'>, address: string): boolean {
  const a = address.trim().toLowerCase();
  const at = a.lastIndexOf('@');
  if (at < 1) return false;
  return inbound.addresses.includes(a) || inbound.addresses.includes(a.slice(at));
}

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Starts the listener when one is configured; resolves once it listens. */
export async function startInboundMail(database: Database, config: Pick<Config, 'smtpInbound' | 'timeZone' | 'dataDir'>, log: FastifyBaseLogger): Promise<InboundListener | null> {
  const inbound = config.smtpInbound;
  if (!inbound) return null;
  const pending = new Set<Promise<unknown>>();
  const loopback = /^(127\.|::1$|localhost$)/.test(inbound.host);
  const options: SMTPServerOptions = {
    name: hostname(),
    banner: 'Guanxi CRM',
    size: inbound.maxBytes,
    rejectOversized: true,
    logger: false,
    disableReverseLookup: true,
    maxClients: 50,
    socketTimeout: 60_000,
    closeTimeout: 10_000,
    disabledCommands: [...(inbound.tls ? [] : ['STARTTLS']), ...(inbound.auth ? [] : ['AUTH'])],
    authOptional: !inbound.auth,
    // a password in clear text only over loopback; elsewhere AUTH needs STARTTLS first
    allowInsecureAuth: Boolean(inbound.auth) && loopback,
    ...(inbound.tls ? { key: readFileSync(inbound.tls.keyPath), cert: readFileSync(inbound.tls.certPath) } : {}),
    onAuth(auth, _session, callback) {
      const ok = inbound.auth && sameSecret(auth.username ?? '', inbound.auth.user) && sameSecret(auth.password ?? '', inbound.auth.password);
      if (!ok) return callback(smtpError(535, 'Authentication failed'));
      callback(null, { user: auth.username });
    },
    onRcptTo(address, _session, callback) {
      if (acceptsRecipient(inbound, address.address)) return callback();
      callback(smtpError(550, `No such recipient here: ${address.address} (relaying is not allowed)`));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        // past the limit the rest is read and dropped; the message is refused below
        if (bytes <= inbound.maxBytes) chunks.push(chunk);
      });
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(smtpError(552, `Message exceeds the maximum size of ${inbound.maxBytes} bytes`));
        const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address || null : null;
        const work = receiveMail(database, config, Buffer.concat(chunks), { mailFrom, remoteAddress: session.remoteAddress })
          .then((r) => {
            log.info({ mail: r, from: mailFrom }, 'inbound email');
            callback(null, r.ticketNumber ? `OK ${r.outcome} ${r.ticketNumber}` : `OK ${r.outcome}`);
          })
          .catch((err: unknown) => {
            if (err instanceof MailRejected) {
              log.info({ from: mailFrom, reason: err.message }, 'inbound email refused');
              return callback(smtpError(err.responseCode, err.message));
            }
            log.error({ err }, 'inbound email could not be stored');
            callback(smtpError(451, 'Temporary failure storing the message; try again later'));
          })
          .finally(() => pending.delete(work));
        pending.add(work);
      });
    },
  };
  const server = new SMTPServer(options);
  server.on('error', (err) => log.error({ err }, 'smtp listener error'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(inbound.port, inbound.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as { port: number }).port;
  log.info({ host: inbound.host, port, addresses: inbound.addresses }, 'inbound email listener started');
  return {
    port,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // messages already received finish storing before the database closes
      await Promise.allSettled([...pending]);
    },
  };
}
