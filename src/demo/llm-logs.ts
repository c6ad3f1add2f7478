import { ANSWERS, QUESTIONS } from './catalog.js';
import type { DemoProject } from './assets.js';
import { costUsd } from './messages.js';
import type { Rng } from './random.js';
import { iso, timeInDay } from './time.js';
import type { OrgWorld } from './world.js';

/**
 * Humanloop v4 logs in the org's `pr_` projects: model config, inputs, messages, output, tokens,
 * costs, latency, feedback and evaluation results. About a fifth continue a session as a child log.
 */
export class LlmLogStream {
  private readonly evaluators: Map<string, { id: string; version: string }[]>;
  private previous: { id: string; session: string; projectId: string } | null = null;

  constructor(
    private readonly world: OrgWorld,
    private readonly rng: Rng,
    private readonly emit: (record: Record<string, unknown>) => void,
  ) {
    this.evaluators = new Map(
      world.projects.map((p) => [p.id, [0, 1].map(() => ({ id: `evtr_${rng.base62(16)}`, version: `evv_${rng.base62(16)}` }))]),
    );
  }

  day(dayStart: number, count: number): void {
    const times: number[] = [];
    for (let i = 0; i < count; i++) times.push(timeInDay(dayStart, this.rng.next(), this.rng.next()));
    times.sort((a, b) => a - b);
    for (const t of times) this.log(t);
  }

  private log(t: number): void {
    const { rng, world } = this;
    const child = this.previous !== null && rng.chance(0.2);
    const project: DemoProject = child ? world.projects.find((p) => p.id === this.previous!.projectId)! : world.pickProject(rng);
    const id = `data_${rng.base62(20)}`;
    const session = child ? this.previous!.session : `sess_${rng.base62(16)}`;
    const q = rng.int(0, QUESTIONS.length - 1);
    const answer = rng.chance(0.85) ? ANSWERS[q] : ANSWERS[rng.int(0, ANSWERS.length - 1)];
    const promptTokens = Math.max(20, Math.round(rng.logNormal(1200, 0.8)));
    const outputTokens = Math.max(1, Math.round(rng.logNormal(220, 0.7)));
    const latency = Math.round(rng.logNormal(1.8, 0.5) * 1000) / 1000;
    const finish = rng.weighted([['stop', 92], ['length', 5], ['tool_call', 3]] as const);
    const failed = rng.chance(0.02);
    const user = world.pickUser(rng).user;
    const updatedAt = t + rng.int(0, 30_000);
    const record: Record<string, unknown> = {
      id,
      project_id: project.id,
      project: project.name,
      session_id: session,
      parent_id: child ? this.previous!.id : null,
      created_at: iso(t),
      updated_at: iso(updatedAt),
      config: { type: 'model', id: project.configId, model: project.model.model, provider: project.model.provider, temperature: 0.2, max_tokens: 1024 },
      inputs: { question: QUESTIONS[q] },
      messages: [
        { role: 'system', content: `You are the ${project.name} assistant of ${world.org.name}.` },
        { role: 'user', content: QUESTIONS[q] },
      ],
      output: failed ? null : answer,
      output_message: failed ? null : { role: 'assistant', content: answer },
      prompt_tokens: promptTokens,
      output_tokens: failed ? 0 : outputTokens,
      prompt_cost: costUsd(project.model, promptTokens, 0),
      output_cost: failed ? 0 : costUsd(project.model, 0, outputTokens),
      provider_latency: latency,
      duration: Math.round((latency + rng.next() * 0.4) * 1000) / 1000,
      finish_reason: failed ? null : finish,
      tools: [],
      tool_choice: null,
      feedback: rng.chance(0.25) ? [{ type: 'rating', id: `fbk_${rng.base62(16)}`, value: rng.chance(0.8) ? 'good' : 'bad' }] : [],
      evaluation_results: this.evaluations(project.id, id, updatedAt),
      environment: rng.weighted([['production', 80], ['staging', 15], ['development', 5]] as const),
      source: rng.weighted([['api', 70], ['sdk', 20], ['playground', 10]] as const),
      user: user.email,
      metadata: { app_version: `2.${rng.int(0, 9)}.${rng.int(0, 20)}`, region: rng.pick(['eu-west-1', 'us-east-1']) },
      reference_id: null,
      error: failed ? 'Provider timeout after 60s' : null,
      stdout: null,
      judgment: null,
      observability_status: 'completed',
    };
    this.previous = { id, session, projectId: project.id };
    this.emit(record);
  }

  private evaluations(projectId: string, logId: string, at: number): unknown[] {
    if (!this.rng.chance(0.3)) return [];
    return this.evaluators.get(projectId)!.map((ev, i) => ({
      id: `evrv_${this.rng.base62(16)}`,
      evaluator_id: ev.id,
      evaluator_version_id: ev.version,
      log_id: logId,
      updated_at: iso(at + 5_000),
      created_at: iso(at + 4_000),
      // One boolean check and one numeric score per project.
      result: i === 0 ? this.rng.chance(0.85) : Math.round(this.rng.next() * 100) / 100,
    }));
  }
}
