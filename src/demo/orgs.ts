/* The two demo organizations and the volumes generated for them. */

/** A demo organization: fixed ids so that isolation between the two can be seen and scripted. */
export interface OrgProfile {
  readonly id: string;
  readonly name: string;
  /** Short tag used inside generated ids, e.g. `run_acme_…`. */
  readonly tag: string;
  /** Email domain of its users (.example is reserved, so no mail ever leaves). */
  readonly domain: string;
  readonly teams: readonly string[];
  /** Fraction of the platform's activity this org produces. */
  readonly share: number;
}

export const DEMO_ORGS: readonly OrgProfile[] = [
  {
    id: 'org_acme',
    name: 'Acme Robotics',
    tag: 'acme',
    domain: 'acme-robotics.example',
    teams: ['Engineering', 'Customer Support', 'Sales Ops', 'Research'],
    share: 0.55,
  },
  {
    id: 'org_globex',
    name: 'Globex AI',
    tag: 'globex',
    domain: 'globex-ai.example',
    teams: ['Data Science', 'Growth Marketing', 'Platform', 'Finance Ops'],
    share: 0.45,
  },
];

export const USERS_PER_ORG = 30;
/** User index (0-based) of the demo admin login and of the demo member login in each org. */
export const ADMIN_INDEX = 1;
export const MEMBER_INDEX = 3;

/** Activity over the whole history for the whole platform at scale 1; `scale` multiplies these. */
export const BASE_VOLUMES = {
  workflow_runs: 200_000,
  agent_interactions: 40_000,
  /** Chat, project and API messages; agent messages come with agent interactions (≈ 2.7 each). */
  messages: 42_000,
  llm_logs: 10_000,
} as const;

export type ActivityEntity = keyof typeof BASE_VOLUMES;
