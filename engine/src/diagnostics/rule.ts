/**
 * The shape of one diagnostic rule. Problems are computed by a registered list of rules (links, frontmatter
 * schema, visibility, encoding, …), each declaring what its result depends on, so that a change of the index
 * re-runs exactly the rules it can affect, for exactly the notes it can affect.
 */
import type { VaultIndex, IndexChange, ExportChanges } from '../vault/vault';
import type { NoteDiagnostic, DiagnosticOptions } from './diagnostics';

/** What a rule reads when it checks one note. */
export interface RuleContext {
  index: VaultIndex;
  options: DiagnosticOptions;
}

export interface DiagnosticRule {
  /** Stable name, used in settings and in the checker's rule list (`links`, `frontmatter-schema`, …). */
  readonly id: string;
  /** The diagnostic codes the rule can emit. */
  readonly codes: readonly string[];
  /**
   * What the result for a note depends on besides the note's own model (a rule always re-runs for a note whose
   * model changed): `resolutions` = the note's link results (IndexChange.resolutions); an export kind = that
   * export of the notes it links to changed.
   */
  readonly dependsOn: readonly ('resolutions' | keyof ExportChanges)[];
  /**
   * Notes beyond the changed and re-resolved ones whose result may change with `change` (a rule whose result
   * follows chains of notes, such as visibility through embeds, lists the notes up the chain). Optional.
   */
  affected?(change: IndexChange, index: VaultIndex): Iterable<string>;
  /** The rule's problems in the note at `path`. */
  check(ctx: RuleContext, path: string): NoteDiagnostic[];
  /**
   * The same work as {@link check}, as steps that yield between runs of a note's links: a rule whose cost grows
   * with the note (25,000 links take a few hundred milliseconds on a busy machine) lets a server answer requests
   * between them (ProblemCache.problemsInSlices). Optional; `check` must return what the steps return.
   */
  checkSteps?(ctx: RuleContext, path: string): Generator<void, NoteDiagnostic[]>;
}

