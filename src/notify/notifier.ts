import type { Config } from '../config/config.js';
import type { OutboundClient } from '../outbound/index.js';
import type { Mailer } from './email.js';
import { drainStoppedMessage, exportFinishedMessage, exportLink } from './messages.js';
import { deliverWebhook, webhookSecretFor, type DeliveryOptions, type DeliveryOutcome } from './webhooks.js';

/** A terminal export, with where to tell about it. */
export interface ExportFinishedInfo {
  readonly exportId: string;
  readonly orgId: string;
  readonly dataset: string;
  /** The dataset's title in words, for the email ("Workflow runs"). */
  readonly datasetTitle?: string;
  /** The days covered, for the email: "2025-03-01 – 2025-03-31 (UTC)". */
  readonly period?: string;
  /** The email goes to a console export's creator by default (it says how to turn that off). */
  readonly byDefault?: boolean;
  readonly status: 'completed' | 'failed';
  readonly format?: string;
  readonly recordCount?: number | null;
  readonly bytes?: number | null;
  readonly sha256?: string | null;
  /** Safe to show users. */
  readonly error?: string | null;
  /** Recipient of the email; none → no email. */
  readonly email?: string | null;
  /** Endpoint for the webhook; none → no webhook. */
  readonly webhookUrl?: string | null;
}

/** The pino subset used here. */
export interface NotifyLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface Notifier {
  /** Sends the email and the webhook the info asks for; resolves when both are done, never rejects. */
  exportFinished(info: ExportFinishedInfo): Promise<{ email?: 'sent' | 'failed'; webhook?: DeliveryOutcome }>;
  /** Emails that a drain stopped after failed deliveries (never rejects). */
  drainStopped(info: DrainStoppedInfo): Promise<'sent' | 'failed'>;
}

/** A drain that stopped (status `error`) and why. */
export interface DrainStoppedInfo {
  readonly orgId: string;
  readonly drainId: string;
  readonly drainName: string;
  /** Safe to show: the destination's status and the start of its answer. */
  readonly reason: string;
  readonly email: string;
}

export interface NotifierDeps {
  readonly config: Pick<Config, 'secret' | 'publicUrl'>;
  readonly mailer: Mailer;
  readonly logger?: NotifyLogger;
  /** The guarded client webhooks are sent through. */
  readonly outbound: Pick<OutboundClient, 'send'>;
  /** Overrides for webhook delivery (tests use short delays). */
  readonly webhook?: Omit<DeliveryOptions, 'secret' | 'id' | 'send'>;
}

/**
 * Creates the notifier the worker calls when an export ends. A notification failure is logged and
 * swallowed: the export itself has already succeeded or failed, and that must not change.
 * @example await createNotifier({ config, mailer, logger, outbound }).exportFinished({ exportId, orgId, dataset, status, email })
 */
export function createNotifier(deps: NotifierDeps): Notifier {
  const { config, mailer, logger } = deps;

  async function sendEmail(info: ExportFinishedInfo, to: string): Promise<'sent' | 'failed'> {
    try {
      const message = exportFinishedMessage({ ...info, consoleUrl: config.publicUrl, to });
      await mailer.send(message);
      logger?.info({ exportId: info.exportId }, 'export notification email sent');
      return 'sent';
    } catch (err) {
      logger?.warn({ exportId: info.exportId, err }, 'export notification email failed');
      return 'failed';
    }
  }

  async function sendWebhook(info: ExportFinishedInfo, url: string): Promise<DeliveryOutcome> {
    const payload = {
      type: `export.${info.status}`,
      timestamp: new Date().toISOString(),
      data: {
        export_id: info.exportId,
        dataset: info.dataset,
        status: info.status,
        format: info.format ?? null,
        record_count: info.recordCount ?? null,
        bytes: info.bytes ?? null,
        sha256: info.sha256 ?? null,
        error: info.error ?? null,
        console_url: exportLink(config.publicUrl, info.exportId),
      },
    };
    // One id per export and status, so a re-notified export is recognisable as the same event.
    const id = `msg_${info.exportId}_${info.status}`;
    const outcome = await deliverWebhook(url, payload, { ...deps.webhook, send: deps.outbound.send, secret: webhookSecretFor(config.secret, info.orgId), id }).catch(
      (err: unknown): DeliveryOutcome => ({ ok: false, id, attempts: 0, error: String(err) }),
    );
    if (outcome.ok) logger?.info({ exportId: info.exportId, attempts: outcome.attempts }, 'export webhook delivered');
    else logger?.warn({ exportId: info.exportId, ...outcome }, 'export webhook failed');
    return outcome;
  }

  return {
    async drainStopped(info) {
      try {
        await mailer.send(drainStoppedMessage({ ...info, consoleUrl: config.publicUrl }));
        logger?.info({ drainId: info.drainId }, 'drain stopped email sent');
        return 'sent';
      } catch (err) {
        logger?.warn({ drainId: info.drainId, err }, 'drain stopped email failed');
        return 'failed';
      }
    },
    async exportFinished(info) {
      const [email, webhook] = await Promise.all([
        info.email ? sendEmail(info, info.email) : undefined,
        info.webhookUrl ? sendWebhook(info, info.webhookUrl) : undefined,
      ]);
      return { ...(email ? { email } : {}), ...(webhook ? { webhook } : {}) };
    },
  };
}
