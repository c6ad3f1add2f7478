import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Transporter } from 'nodemailer';
import type { Config } from '../config/config.js';

/** One outgoing email. */
export interface OutgoingMail {
  /** Defaults to `config.mailFrom`. */
  readonly from?: string;
  readonly to: string | readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
}

export interface SentMail {
  readonly messageId: string;
  /** Outbox mode: the `.eml` file written. */
  readonly file?: string;
}

/** Sends mail over SMTP, or writes `.eml` files to `<dataDir>/outbox` when no SMTP server is configured. */
export interface Mailer {
  readonly mode: 'smtp' | 'outbox';
  send(mail: OutgoingMail): Promise<SentMail>;
  /** Closes pooled SMTP connections. */
  close(): void;
}

/** Fail a stuck SMTP server in seconds, not nodemailer's default minutes: a job waits on this. */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/**
 * Creates the nodemailer transport on first use: most processes never send a mail, and nodemailer is a
 * couple of MB of a server's baseline memory. A failed creation is retried on the next send.
 */
function lazyTransport(options: object): { get(): Promise<Transporter>; close(): void } {
  let transport: Promise<Transporter> | undefined;
  return {
    get() {
      transport ??= import('nodemailer').then((m) => m.default.createTransport(options));
      transport.catch(() => (transport = undefined));
      return transport;
    },
    close() {
      void transport?.then((t) => t.close(), () => {});
    },
  };
}

/**
 * Creates the mailer the config asks for: SMTP with `smtpUrl`, otherwise an outbox directory.
 * @example const mailer = createMailer(config); await mailer.send({ to: 'a@b.c', subject: 'Hi', text: 'Hello' });
 */
export function createMailer(config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'dataDir'>): Mailer {
  const from = config.mailFrom;
  if (config.smtpUrl) {
    const transport = lazyTransport({ url: config.smtpUrl, ...SMTP_TIMEOUTS });
    return {
      mode: 'smtp',
      async send(mail) {
        const info = await (await transport.get()).sendMail({ from: mail.from ?? from, ...toOptions(mail) });
        return { messageId: info.messageId };
      },
      close: () => transport.close(),
    };
  }

  const outbox = join(config.dataDir, 'outbox');
  const transport = lazyTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    mode: 'outbox',
    async send(mail) {
      const info = await (await transport.get()).sendMail({ from: mail.from ?? from, ...toOptions(mail) });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`;
      await mkdir(outbox, { recursive: true });
      // Written beside the target and renamed, so a reader of the outbox never sees half a message.
      const temp = join(outbox, `.tmp-${name}`);
      const file = join(outbox, name);
      try {
        await writeFile(temp, info.message as Buffer, { mode: 0o600 });
        await rename(temp, file);
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
      return { messageId: info.messageId, file };
    },
    close: () => transport.close(),
  };
}

function toOptions(mail: OutgoingMail) {
  return {
    to: typeof mail.to === 'string' ? mail.to : [...mail.to],
    subject: mail.subject,
    text: mail.text,
    ...(mail.html !== undefined ? { html: mail.html } : {}),
  };
}
