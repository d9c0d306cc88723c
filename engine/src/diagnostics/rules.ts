/**
 * The registered diagnostic rules, and what a change of the index makes each of them re-run.
 *
 * A note's problems are the concatenation of every rule's result for it, in the order of
 * {@link DIAGNOSTIC_RULES}. Each rule declares what its result reads besides the note's own model
 * (`dependsOn`, `affected`), so a change record of the index names exactly the (note, rule) pairs to re-run:
 * {@link rulesToRerun}. {@link ProblemCache} keeps every rule's last result per note and re-runs only those.
 */
import type { ExportChanges, IndexChange, VaultIndex } from '../vault/vault';
import { FileLookup } from '../vault/fileLookup';
import type { DiagnosticRule, RuleContext } from './rule';
import { visibilityRule } from './visibility';
import { encodingRule } from './encoding';
import { duplicateBlockIdsRule, linksRule, readProblemsRule, yamlSyntaxRule, type DiagnosticOptions, type NoteDiagnostic } from './diagnostics';
import { frontmatterSchemaRule } from './frontmatterSchema';

/** Every diagnostic rule, in the order a note's problems are listed. One line per rule. */
export const DIAGNOSTIC_RULES: readonly DiagnosticRule[] = [
  readProblemsRule,
  yamlSyntaxRule,
  frontmatterSchemaRule,
  linksRule,
  duplicateBlockIdsRule,
  visibilityRule,
  encodingRule,
];

/** The rule that can emit `code`, for documentation and the checker's rule list. */
export function ruleOfCode(code: string, rules: readonly DiagnosticRule[] = DIAGNOSTIC_RULES): DiagnosticRule | undefined {
  return rules.find((r) => r.codes.includes(code));
}

/** Problems in the note at `path`: every rule's, in registry order. */
export function noteDiagnostics(index: VaultIndex, path: string, options: DiagnosticOptions = {}, rules: readonly DiagnosticRule[] = DIAGNOSTIC_RULES): NoteDiagnostic[] {
  if (!index.note(path)) return [];
  const ctx: RuleContext = { index, options };
  const out: NoteDiagnostic[] = [];
  for (const rule of rules) out.push(...rule.check(ctx, path));
  return out;
}

/**
 * Per note, the rules whose result may differ after `change`, the edited notes first. A rule re-runs for a note
 * whose own model changed (added or changed), for the notes its `dependsOn` names (`resolutions`: the notes the
 * index re-resolved; an export kind: the notes linking to a note whose export of that kind changed), and for the
 * notes its `affected` lists. Removed notes are not listed: they have no problems left.
 */
export function rulesToRerun(change: IndexChange, index: VaultIndex, rules: readonly DiagnosticRule[] = DIAGNOSTIC_RULES): Map<string, DiagnosticRule[]> {
  const out = new Map<string, DiagnosticRule[]>();
  const add = (path: string, rule: DiagnosticRule) => {
    if (!index.note(path)) return;
    const list = out.get(path);
    if (!list) out.set(path, [rule]);
    else if (!list.includes(rule)) list.push(rule);
  };
  for (const p of [...change.changed, ...change.added]) for (const rule of rules) add(p, rule);
  for (const rule of rules) {
    for (const dep of rule.dependsOn) {
      if (dep === 'resolutions') {
        for (const p of change.resolutions) add(p, rule);
        continue;
      }
      for (const [p, e] of change.exports) if (e[dep as keyof ExportChanges]) for (const q of index.backlinksOf(p)) add(q, rule);
    }
    if (rule.affected) for (const p of rule.affected(change, index)) add(p, rule);
  }
  // Keep the registry's order within each note, so that a note's problems come out in one order however found.
  for (const list of out.values()) if (list.length > 1) list.sort((a, b) => rules.indexOf(a) - rules.indexOf(b));
  return out;
}

const NONE: readonly NoteDiagnostic[] = [];

/**
 * Every rule's last result per note, kept current through the index's change records: a change re-runs only the
 * (note, rule) pairs {@link rulesToRerun} names. Results are for one index and one set of options; other options
 * (a setting changed, a symlink found leading outside the vault) or another index start afresh.
 */
export class ProblemCache {
  private index: VaultIndex | undefined;
  private unsubscribe: (() => void) | undefined;
  private options: DiagnosticOptions = {};
  private optionsKey: unknown[] = [];
  /**
   * Per note, each rule's result at the rule's place in {@link rules} (undefined: not known). A list rather than a
   * map per note: kept for every note of the vault, a map of ten entries costs several times as much.
   */
  private readonly results = new Map<string, Array<readonly NoteDiagnostic[] | undefined>>();
  private readonly ruleNumbers: ReadonlyMap<DiagnosticRule, number>;
  /** Notes whose problems may have changed since the last {@link takeStale}, the edited ones first. */
  private stale = new Set<string>();
  /**
   * Computations in slices under way, per note: marked when a change touches that note (or everything is reset),
   * so that one that sees its mark after a pause knows it started over old data. Changes elsewhere in the vault
   * do not stop it: under a storm of edits it would never end.
   */
  private readonly slicing = new Map<string, Set<{ moved: boolean }>>();

  constructor(readonly rules: readonly DiagnosticRule[] = DIAGNOSTIC_RULES) {
    this.ruleNumbers = new Map(rules.map((r, i) => [r, i]));
  }

  /** The problems of the note at `path`, re-running only the rules whose result is not known. */
  problems(index: VaultIndex, path: string, options: DiagnosticOptions = {}): NoteDiagnostic[] {
    this.bind(index, options);
    if (!index.note(path)) {
      this.results.delete(path);
      return [];
    }
    const known = this.resultsOf(path);
    const ctx: RuleContext = { index, options: this.options };
    const out: NoteDiagnostic[] = [];
    for (let i = 0; i < this.rules.length; i++) {
      let r = known[i];
      if (!r) {
        const found = this.rules[i].check(ctx, path);
        r = found.length === 0 ? NONE : found;
        known[i] = r;
      }
      out.push(...r);
    }
    return out;
  }

  /**
   * {@link problems}, computed in slices of about `sliceMs` with `pause()` between them for rules that can
   * (DiagnosticRule.checkSteps): a note of 25,000 links is not one long step. When the note changes during a
   * pause, the result is that of the model it started from, and is not kept; undefined when the note was removed
   * or the cache reset meanwhile (the change that did it marked the note stale: the caller publishes it again).
   */
  async problemsInSlices(index: VaultIndex, path: string, options: DiagnosticOptions, pause: () => Promise<void>, sliceMs: number): Promise<NoteDiagnostic[] | undefined> {
    this.bind(index, options);
    const note = index.note(path);
    if (!note) return this.problems(index, path, options);
    const mark = { moved: false };
    let marks = this.slicing.get(path);
    if (!marks) this.slicing.set(path, (marks = new Set()));
    marks.add(mark);
    try {
      return await this.sliced(index, path, options, pause, sliceMs, note, mark);
    } finally {
      marks.delete(mark);
      if (marks.size === 0 && this.slicing.get(path) === marks) this.slicing.delete(path);
    }
  }

  private async sliced(index: VaultIndex, path: string, options: DiagnosticOptions, pause: () => Promise<void>, sliceMs: number, note: object, mark: { moved: boolean }): Promise<NoteDiagnostic[] | undefined> {
    let until = performance.now() + sliceMs;
    const ctx: RuleContext = { index, options: this.options };
    const found = new Map<DiagnosticRule, readonly NoteDiagnostic[]>();
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i];
      if (this.results.get(path)?.[i] || !rule.checkSteps) continue;
      const steps = rule.checkSteps(ctx, path);
      for (;;) {
        const step = steps.next();
        if (step.done) {
          found.set(rule, step.value.length === 0 ? NONE : step.value);
          break;
        }
        if (performance.now() < until) continue;
        await pause();
        if (this.index !== index || !index.note(path)) return undefined;
        until = performance.now() + sliceMs;
      }
    }
    if (mark.moved || index.note(path) !== note) {
      // The note changed meanwhile: these are the problems of the model it had (as a computation in one step
      // just before the change would have given), not kept, so that the publish the change queued computes
      // the new ones. Giving up instead would publish nothing while a big note is typed into.
      const out: NoteDiagnostic[] = [];
      for (const rule of this.rules) out.push(...(found.get(rule) ?? rule.check(ctx, path)));
      return out;
    }
    const known = this.resultsOf(path);
    for (const [rule, r] of found) {
      const i = this.ruleNumbers.get(rule)!;
      if (!known[i]) known[i] = r;
    }
    return this.problems(index, path, options);
  }

  /** The note's list of rule results, made (every result unknown) when it has none. */
  private resultsOf(path: string): Array<readonly NoteDiagnostic[] | undefined> {
    let known = this.results.get(path);
    if (!known) this.results.set(path, (known = new Array<readonly NoteDiagnostic[] | undefined>(this.rules.length).fill(undefined)));
    return known;
  }

  /** The notes whose problems may have changed since the last call (removed notes included), and forgets them. */
  takeStale(): Set<string> {
    const s = this.stale;
    this.stale = new Set();
    return s;
  }

  /** Forgets every result. */
  clear(): void {
    this.results.clear();
    this.markAllMoved();
  }

  private bind(index: VaultIndex, options: DiagnosticOptions): void {
    if (this.index !== index) {
      this.unsubscribe?.();
      this.index = index;
      this.results.clear();
      this.stale.clear();
      this.unsubscribe = index.onChange((change) => this.apply(change, index));
      this.markAllMoved();
    }
    const key = optionsKey(options);
    if (key.length !== this.optionsKey.length || key.some((v, i) => v !== this.optionsKey[i])) {
      this.results.clear();
      this.markAllMoved();
      this.optionsKey = key;
    }
    this.options = options;
  }

  private markAllMoved(): void {
    for (const marks of this.slicing.values()) for (const m of marks) m.moved = true;
  }

  private markMoved(path: string): void {
    const marks = this.slicing.get(path);
    if (marks) for (const m of marks) m.moved = true;
  }

  private apply(change: IndexChange, index: VaultIndex): void {
    for (const p of change.removed) {
      this.markMoved(p);
      this.results.delete(p);
      this.stale.add(p);
    }
    for (const [p, rules] of rulesToRerun(change, index, this.rules)) {
      const known = this.results.get(p);
      if (known) for (const rule of rules) known[this.ruleNumbers.get(rule)!] = undefined;
      this.markMoved(p);
      this.stale.add(p);
    }
  }
}

/**
 * What results depend on in the options, compared value by value: a file set counts by identity and size (the
 * server adds to it in place when it finds a symlink leading out of the vault).
 */
function optionsKey(options: DiagnosticOptions): unknown[] {
  const key: unknown[] = [];
  for (const name of Object.keys(options).sort()) {
    const v = (options as Record<string, unknown>)[name];
    key.push(name, v);
    if (v instanceof FileLookup) key.push(v.size);
  }
  return key;
}
