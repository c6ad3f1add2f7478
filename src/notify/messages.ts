import { formatBytes, formatCount } from '../text/units.js';
import type { OutgoingMail } from './email.js';

/** The facts an export notification shows. */
export interface ExportMessageInfo {
  readonly exportId: string;
  readonly dataset: string;
  /** The dataset's title in words ("Workflow runs"); the subject and body use it, not the table name. */
  readonly datasetTitle?: string;
  /** The days the export covers, both inclusive, e.g. "2025-03-01 – 2025-03-31 (Europe/Berlin)". */
  readonly period?: string;
  readonly status: 'completed' | 'failed';
  /** Sent because the person's default is on (console and Gumloop exports): the email says how to turn it off. */
  readonly byDefault?: boolean;
  readonly recordCount?: number | null;
  readonly bytes?: number | null;
  /** A message safe to show the user (never a stack trace). */
  readonly error?: string | null;
  /** The console's base URL (`config.publicUrl`); the export link is built from it. */
  readonly consoleUrl: string;
  readonly from?: string;
  readonly to: string | readonly string[];
}

/**
 * The link to one export in the console.
 * @example exportLink('https://sluice.example.com', 'exp_1') // 'https://sluice.example.com/#/exports/exp_1'
 */
export function exportLink(consoleUrl: string, exportId: string): string {
  return `${consoleUrl.replace(/\/+$/, '')}/#/exports/${encodeURIComponent(exportId)}`;
}

/**
 * Builds the "export completed" / "export failed" email, text and HTML.
 * @example mailer.send(exportFinishedMessage({ exportId, dataset, status: 'completed', recordCount, bytes, consoleUrl, to }))
 */
export function exportFinishedMessage(info: ExportMessageInfo): OutgoingMail {
  const link = exportLink(info.consoleUrl, info.exportId);
  const done = info.status === 'completed';
  const title = info.datasetTitle ?? info.dataset;
  const subject = done ? `Your ${title} export is ready` : `Your ${title} export failed`;
  const facts: [string, string][] = [['Export', title]];
  if (info.period) facts.push(['Date range', info.period]);
  if (done && info.recordCount != null) facts.push(['Rows', formatCount(info.recordCount)]);
  if (done && info.bytes != null) facts.push(['Size', formatBytes(info.bytes)]);
  if (!done) facts.push(['Why it failed', info.error || 'An internal error occurred']);
  facts.push(['Export id', info.exportId]);

  const lead = done ? 'Your export has finished and is ready to download.' : 'Your export could not be completed.';
  const action = done ? 'Download it from the console' : 'See the details and run it again from the console';
  const footer = info.byDefault ? 'You get this email for the exports you start in the console or through the Gumloop API; turn it off in the console under Settings, "Email me when my exports finish".' : null;
  const text = [lead, '', ...facts.map(([k, v]) => `${k}: ${v}`), '', `${action}: ${link}`, '', ...(footer ? [footer, ''] : [])].join('\n');
  const html =
    `<p>${escapeHtml(lead)}</p>\n<table>\n` +
    facts.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('\n') +
    `\n</table>\n<p><a href="${escapeHtml(link)}">${escapeHtml(action)}</a></p>\n${footer ? `<p><small>${escapeHtml(footer)}</small></p>\n` : ''}`;
  return { ...(info.from ? { from: info.from } : {}), to: info.to, subject, text, html };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Builds the "drain stopped" email: which drain, why, and that resuming continues from its cursor.
 * @example mailer.send(drainStoppedMessage({ drainId, drainName, reason, email, consoleUrl }))
 */
export function drainStoppedMessage(info: { drainId: string; drainName: string; reason: string; email: string; consoleUrl: string }): OutgoingMail {
  const link = `${info.consoleUrl.replace(/\/+$/, '')}/#/drains/${encodeURIComponent(info.drainId)}`;
  return {
    to: info.email,
    subject: `Drain "${info.drainName}" stopped after 3 failed deliveries`,
    text:
      `The drain "${info.drainName}" (${info.drainId}) failed to deliver 3 times in a row and is now paused (status: error).\n\n` +
      `Last error: ${info.reason}\n\n` +
      `Fix the destination, then resume the drain (PATCH /v1/drains/${info.drainId} {"status":"active"}): it continues from its cursor, so no row is skipped.\n\n${link}\n`,
  };
}
