import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One message the peer accepted. */
export interface ReceivedMail {
  readonly from: string;
  readonly to: string[];
  /** The raw RFC 822 message. */
  readonly raw: string;
}

export interface SmtpPeer {
  readonly url: string;
  readonly messages: ReceivedMail[];
  close(): Promise<void>;
}

/**
 * Starts an SMTP server on 127.0.0.1 and a random port that accepts and collects every message.
 * STARTTLS is disabled so the client stays in plain text without certificate setup.
 * @example const smtp = await startSmtpPeer(); … smtp.messages[0].to; await smtp.close();
 */
export async function startSmtpPeer(): Promise<SmtpPeer> {
  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
