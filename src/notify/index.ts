export { createMailer, type Mailer, type OutgoingMail, type SentMail } from './email.js';
export { exportFinishedMessage, exportLink, type ExportMessageInfo } from './messages.js';
export {
  deliverWebhook,
  signWebhook,
  verifyWebhook,
  webhookSecretFor,
  type DeliveryOptions,
  type DeliveryOutcome,
} from './webhooks.js';
export { createNotifier, type ExportFinishedInfo, type Notifier, type NotifierDeps, type NotifyLogger } from './notifier.js';
