import type { Kysely } from 'kysely';

/*
 * What Humanloop paging remembers between requests, per (org, project): the project's log count (so
 * `total` is not a full count per page) and page anchors — the (created_at, id) keys at offsets already
 * served — so that the next page seeks from the nearest anchor instead of walking every index entry
 * before it (clients page 0, 1, 2, …; page n+1 starts where page n ended).
 *
 * Kept in this process, per database handle. Ingest of llm_logs for an org (and a demo reset) forgets
 * that org's entries, so within one process `total` and pages are exact after every ingest; the TTL
 * bounds how stale they can be when another process (a second `sluice serve`) ingested the rows.
 * A result computed while an ingest ran is not kept: each org has a generation, bumped on ingest, and a
 * value is stored only if the generation it was read under is still current.
 */

/** How long a count or anchor is trusted without an ingest seen by this process. */
export const LLM_LOGS_CACHE_TTL_MS = 10_000;
/** Anchors kept per project (oldest dropped first): plenty for sequential paging, bounded memory. */
const MAX_ANCHORS = 64;

/** The key of one log in the page order (created_at desc, id desc). */
export interface LogKey {
  readonly createdAt: number;
  readonly id: string;
}

/** Rows at offset `offset` onwards are those after `key` (`inclusive`: `key` itself is the row at `offset`). */
export interface Anchor {
  readonly offset: number;
  readonly key: LogKey;
  readonly inclusive: boolean;
}

interface Entry {
  readonly at: number;
  total?: number;
  anchors: Anchor[];
}

class LlmLogsCache {
  private readonly entries = new Map<string, Entry>();
  private readonly generations = new Map<string, number>();

  generation(orgId: string): number {
    return this.generations.get(orgId) ?? 0;
  }

  /** Forgets every entry of `orgId` (all orgs when null). */
  forget(orgId: string | null): void {
    if (orgId === null) {
      this.entries.clear();
      for (const org of this.generations.keys()) this.generations.set(org, this.generation(org) + 1);
      return;
    }
    this.generations.set(orgId, this.generation(orgId) + 1);
    for (const key of this.entries.keys()) if (key.startsWith(orgId + '\0')) this.entries.delete(key);
  }

  private entry(orgId: string, projectId: string, create: boolean, now = Date.now()): Entry | undefined {
    const key = `${orgId}\0${projectId}`;
    let e = this.entries.get(key);
    if (e && now - e.at > LLM_LOGS_CACHE_TTL_MS) {
      this.entries.delete(key);
      e = undefined;
    }
    if (!e && create) this.entries.set(key, (e = { at: now, anchors: [] }));
    return e;
  }

  total(orgId: string, projectId: string): number | undefined {
    return this.entry(orgId, projectId, false)?.total;
  }

  setTotal(orgId: string, projectId: string, generation: number, total: number): void {
    if (generation === this.generation(orgId)) this.entry(orgId, projectId, true)!.total = total;
  }

  /** The anchor at or nearest before `offset`, if any. */
  anchor(orgId: string, projectId: string, offset: number): Anchor | undefined {
    let best: Anchor | undefined;
    for (const a of this.entry(orgId, projectId, false)?.anchors ?? []) if (a.offset <= offset && (!best || a.offset > best.offset)) best = a;
    return best;
  }

  addAnchors(orgId: string, projectId: string, generation: number, anchors: readonly Anchor[]): void {
    if (generation !== this.generation(orgId)) return;
    const e = this.entry(orgId, projectId, true)!;
    for (const a of anchors) {
      if (e.anchors.some((b) => b.offset === a.offset)) continue;
      e.anchors.push(a);
      if (e.anchors.length > MAX_ANCHORS) e.anchors.shift();
    }
  }
}

const caches = new WeakMap<Kysely<any>, LlmLogsCache>();

/**
 * The paging cache of one database handle.
 * @example llmLogsCache(store.db).forget(orgId);
 */
export function llmLogsCache(db: Kysely<any>): LlmLogsCache {
  let c = caches.get(db);
  if (!c) caches.set(db, (c = new LlmLogsCache()));
  return c;
}
