/* Vocabulary for the synthetic platform: fixed lists, so generated names read like a real product's. */

export const FIRST_NAMES = [
  'Ada', 'Ben', 'Chloe', 'Dev', 'Elena', 'Felix', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kemi', 'Liam', 'Maya', 'Noah', 'Olga',
  'Priya', 'Quinn', 'Rafael', 'Sana', 'Tomas', 'Uma', 'Victor', 'Wen', 'Ximena', 'Yusuf', 'Zoe', 'Arjun', 'Bea', 'Carlos', 'Dana',
  'Emil', 'Fatima', 'Gustav', 'Hana', 'Ivan', 'Julia', 'Kai', 'Lena', 'Marco', 'Nina',
] as const;

export const LAST_NAMES = [
  'Lovelace', 'Okafor', 'Martin', 'Patel', 'Rossi', 'Schmidt', 'Hopper', 'Tanaka', 'Garcia', 'Berg', 'Adeyemi', 'Murphy', 'Cohen',
  'Novak', 'Petrova', 'Sharma', 'Walsh', 'Costa', 'Haddad', 'Lindqvist', 'Iyer', 'Dubois', 'Chen', 'Morales', 'Demir', 'Kowalski',
] as const;

export const DEPARTMENTS = ['Engineering', 'Operations', 'Sales', 'Support', 'Marketing', 'Finance', 'Research', 'People'] as const;
export const PLANS = [['pro', 5], ['team', 3], ['enterprise', 2], ['free', 1]] as const;
export const LICENSES = [['full', 8], ['viewer', 2]] as const;

/** Models the platform routes to, with list prices in USD per million tokens (input, output). */
export interface ModelInfo {
  model: string;
  provider: string;
  inputPerM: number;
  outputPerM: number;
  /** Relative share of traffic. */
  weight: number;
}

export const MODELS: readonly ModelInfo[] = [
  { model: 'gpt-4o', provider: 'openai', inputPerM: 2.5, outputPerM: 10, weight: 30 },
  { model: 'gpt-4o-mini', provider: 'openai', inputPerM: 0.15, outputPerM: 0.6, weight: 18 },
  { model: 'claude-sonnet-4', provider: 'anthropic', inputPerM: 3, outputPerM: 15, weight: 24 },
  { model: 'claude-3-5-haiku', provider: 'anthropic', inputPerM: 0.8, outputPerM: 4, weight: 8 },
  { model: 'gemini-2.5-pro', provider: 'google', inputPerM: 1.25, outputPerM: 10, weight: 12 },
  { model: 'mistral-large', provider: 'mistral', inputPerM: 2, outputPerM: 6, weight: 6 },
  { model: 'llama-3.3-70b', provider: 'meta', inputPerM: 0.6, outputPerM: 0.6, weight: 2 },
];

export const AGENT_TOOLS = [
  'web_search', 'code_interpreter', 'slack_post', 'gmail_send', 'google_sheets', 'notion_query', 'jira_create_issue',
  'salesforce_lookup', 'hubspot_update', 'pdf_reader', 'calendar', 'github_search', 'zendesk_ticket', 'sql_query',
] as const;

export const AGENT_KINDS = [
  { name: 'Support Triage', prompt: 'You triage incoming support tickets, tag them and draft a first reply.' },
  { name: 'Sales Researcher', prompt: 'You research prospects and summarise what matters before a call.' },
  { name: 'Release Notes Writer', prompt: 'You turn merged pull requests into clear release notes.' },
  { name: 'Meeting Summariser', prompt: 'You summarise meeting transcripts into decisions and action items.' },
  { name: 'Invoice Checker', prompt: 'You check invoices against purchase orders and flag mismatches.' },
  { name: 'Recruiting Screener', prompt: 'You screen applications against the role description, fairly and briefly.' },
  { name: 'Data Analyst', prompt: 'You answer questions about company metrics with SQL and a short explanation.' },
  { name: 'Onboarding Buddy', prompt: 'You answer new colleagues\' questions from the handbook.' },
  { name: 'Incident Scribe', prompt: 'You keep the incident timeline and write the post-mortem draft.' },
  { name: 'Content Editor', prompt: 'You edit drafts for clarity and house style.' },
] as const;

export const WORKFLOW_NAMES = [
  'Enrich new leads', 'Daily KPI digest', 'Summarise support tickets', 'Scrape competitor pricing', 'Classify inbound email',
  'Sync CRM to warehouse', 'Generate weekly report', 'Translate product docs', 'Score job applicants', 'Extract invoice data',
  'Monitor brand mentions', 'Draft social posts', 'Clean CSV uploads', 'Route Slack requests', 'Transcribe call recordings',
  'Tag product feedback', 'Check contract clauses', 'Build meeting briefs', 'Refresh dashboards', 'Detect churn risk',
] as const;

export const PIPELINE_NODES = [
  'trigger.webhook', 'trigger.schedule', 'input.google_sheets', 'llm.prompt', 'llm.classify', 'web.scrape', 'code.python',
  'filter.condition', 'loop.for_each', 'output.slack', 'output.email', 'output.airtable', 'output.webhook',
] as const;

export const RUN_TRIGGERS = [['manual', 4], ['schedule', 5], ['webhook', 3], ['api', 2], ['slack', 1]] as const;
export const INTERACTION_TYPES = [['chat', 6], ['slack', 2], ['api', 1.5], ['triggered', 1.5]] as const;
export const TRIGGER_TYPES = ['schedule', 'webhook', 'email', 'calendar_event'] as const;
/** Sources of the free-standing message stream; agent messages come from agent interactions instead. */
export const MESSAGE_SOURCES = [['chat', 45], ['project', 10], ['api', 15]] as const;

export const PROJECT_NAMES = ['Support Copilot', 'Contract Review', 'Search Answers', 'Code Review Bot', 'Lead Qualifier', 'Docs Q&A'] as const;
export const PLATFORM_KEY_NAMES = ['Production backend', 'Staging', 'Zapier integration', 'Data team notebook', 'Mobile app'] as const;

export const SCHEDULES = [
  ['Morning digest', '0 8 * * 1-5'], ['Weekly report', '0 9 * * 1'], ['Hourly sync', '0 * * * *'],
  ['Nightly cleanup', '30 2 * * *'], ['Month-end close', '0 6 1 * *'], ['Every 15 minutes', '*/15 * * * *'],
] as const;

export const QUESTIONS = [
  'What is our refund policy for annual plans?', 'Summarise this ticket in two sentences.', 'Is clause 7.2 standard for an MSA?',
  'Which customers mentioned SSO last week?', 'Draft a polite follow-up to this email.', 'Explain this stack trace.',
  'What changed in the latest release?', 'Classify this lead as hot, warm or cold.',
] as const;

export const ANSWERS = [
  'Annual plans can be refunded pro rata within 30 days of renewal.', 'The customer cannot export invoices; a fix is scheduled.',
  'Yes, a 12-month limitation of liability is common.', 'Three accounts asked about SSO: Initech, Umbrella and Hooli.',
  'Thanks for your time on Tuesday. Could we pick a date for the pilot?', 'The null reference comes from an unset config value.',
  'The release adds CSV exports and fixes two login bugs.', 'Warm: engaged with pricing, no budget confirmed.',
] as const;
