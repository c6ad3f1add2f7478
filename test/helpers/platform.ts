import type { TestApp } from './app.js';
import { bearer } from './app.js';

/** Sends records through the real ingest API with org A's (or B's) admin key; fails the test on non-200. */
export async function ingest(t: TestApp, entity: string, rows: object[], org: 'A' | 'B' = 'A'): Promise<void> {
  const key = (org === 'A' ? t.orgA : t.orgB).admin.key;
  const res = await t.app.inject({ method: 'POST', url: `/v1/ingest/${entity}`, headers: bearer(key), payload: rows });
  if (res.statusCode !== 200) throw new Error(`ingest ${entity} failed: ${res.statusCode} ${res.body}`);
}

/** A small platform in one org: two teams, a personal space, workflows and `runs` runs in March 2025. */
export async function seedRuns(t: TestApp, runs: number, org: 'A' | 'B' = 'A'): Promise<void> {
  await ingest(t, 'workspaces', [
    { id: 'ws_team1', name: 'Growth', kind: 'team', created_at: '2024-01-01T00:00:00Z' },
    { id: 'ws_team2', name: 'Ops', kind: 'team', created_at: '2024-01-01T00:00:00Z' },
    { id: 'ws_personal_member', name: 'Member space', kind: 'personal', owner_user_id: 'u_member', created_at: '2024-01-01T00:00:00Z' },
  ], org);
  await ingest(t, 'workflows', [
    { id: 'wf_1', workspace_id: 'ws_team1', name: '=HYPERLINK("x")', enabled: true, created_by: 'u_admin', created_at: '2024-02-01T00:00:00Z' },
    { id: 'wf_2', workspace_id: 'ws_team2', name: 'Ops, "daily"', enabled: true, created_by: 'u_admin', created_at: '2024-02-02T00:00:00Z' },
    { id: 'wf_3', workspace_id: 'ws_personal_member', name: 'Mine', enabled: false, created_by: 'u_member', created_at: '2024-02-03T00:00:00Z' },
  ], org);
  const rows = [];
  const start = Date.parse('2025-03-01T00:00:00Z');
  for (let i = 0; i < runs; i++) {
    const created = start + Math.floor((i * 30 * 86_400_000) / runs);
    rows.push({
      id: `run_${String(i).padStart(6, '0')}`,
      workflow_id: `wf_${(i % 3) + 1}`,
      user_id: i % 3 === 2 ? 'u_member' : 'u_admin',
      status: 'completed',
      credit_cost: (i % 7) - 1.5,
      created_at: new Date(created).toISOString(),
      finished_at: new Date(created + 1500).toISOString(),
    });
  }
  for (let i = 0; i < rows.length; i += 5000) await ingest(t, 'workflow_runs', rows.slice(i, i + 5000), org);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls an export until it leaves queued/running (or the timeout passes) and returns it. */
export async function waitForExport(t: TestApp, id: string, key: string, timeoutMs = 30_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.app.inject({ url: `/v1/exports/${id}`, headers: bearer(key) });
    const body = res.json();
    if (!['queued', 'running'].includes(body.status) || Date.now() > until) return body;
    await sleep(50);
  }
}

/** Follows the download redirect and returns the file response (via the signed file route). */
export async function downloadExport(t: TestApp, id: string, key: string, headers: Record<string, string> = {}) {
  const redirect = await t.app.inject({ url: `/v1/exports/${id}/download`, headers: bearer(key) });
  if (redirect.statusCode !== 302) return redirect;
  const location = new URL(String(redirect.headers.location));
  return t.app.inject({ url: location.pathname + location.search, headers });
}
