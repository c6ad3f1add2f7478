import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** axe-core's browser bundle, read once from node_modules and injected into pages (nothing is fetched). */
let source: string | undefined;
const axeSource = () => (source ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));

/** One axe violation, as much as a failing assertion needs to say what and where. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** WCAG 2 A/AA rules only (the default), or every rule axe has, best practices included. */
export type AxeRules = 'wcag' | 'all';

/**
 * Runs axe-core on the page as it is now and returns its serious and critical violations.
 * @example expect(await seriousViolations(page)).toEqual([]);
 */
export async function seriousViolations(page: Page, rules: AxeRules = 'wcag'): Promise<AxeViolation[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.addScriptTag({ content: axeSource() });
  const only = rules === 'wcag' ? "runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, " : '';
  // A string, not a function: the test project has no DOM types (the same as the other page helpers).
  const found = await page.evaluate<AxeViolation[]>(`(async () => {
    const result = await window.axe.run(document, { ${only}resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  })()`);
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
