/**
 * "OSPO Notes: Open Problems Documentation": which problem codes the quick pick offers, in which order, and
 * where each one's page is. The pages (`docs/diagnostics/<code>.md`) ship inside the extension, so the command
 * works offline: it opens the page in VS Code's markdown preview. Free of the `vscode` module so that it is
 * testable in plain Node.
 */
import * as path from 'path';
import { DIAGNOSTIC_DOCS, DOCUMENTED_CODES } from '@ospo-notes/engine';
import { l10n } from './l10n';

/** The `source` of the server's diagnostics. */
export const DIAGNOSTIC_SOURCE = 'ospo-notes';

export interface ProblemDocItem {
  /** The problem code, shown as the item's label. */
  code: string;
  /** The code's one-line title. */
  title: string;
  /** Why the item is offered first (a problem at the cursor, or in the note), if it is. */
  reason?: string;
}

/** A problem the editor shows, as far as this module needs it. */
export interface ShownProblem {
  code: string | undefined;
  source: string | undefined;
  /** Whether its range holds the cursor. */
  atCursor: boolean;
}

function isDocumented(code: string): boolean {
  return Object.prototype.hasOwnProperty.call(DIAGNOSTIC_DOCS, code);
}

/**
 * Every documented code, the ones of the active note's problems first: those at the cursor, then the rest of
 * the note's, each once, in the order shown; then the others in the catalog's order.
 */
export function problemDocItems(problems: readonly ShownProblem[] = []): ProblemDocItem[] {
  const ours = problems.filter((p): p is ShownProblem & { code: string } => p.source === DIAGNOSTIC_SOURCE && typeof p.code === 'string' && isDocumented(p.code));
  const first = new Map<string, string>();
  for (const p of ours) if (p.atCursor && !first.has(p.code)) first.set(p.code, l10n.t('at the cursor'));
  for (const p of ours) if (!first.has(p.code)) first.set(p.code, l10n.t('in this note'));
  const items: ProblemDocItem[] = [];
  const titleOf = (code: string): string => (DIAGNOSTIC_DOCS as Record<string, { title: string }>)[code].title;
  for (const [code, reason] of first) items.push({ code, title: titleOf(code), reason });
  for (const code of DOCUMENTED_CODES) if (!first.has(code)) items.push({ code, title: titleOf(code) });
  return items;
}

/**
 * The page of `code` inside the extension folder `extensionRoot`, or undefined for a code that has none (a
 * command argument is not trusted to name a file).
 */
export function problemDocPath(extensionRoot: string, code: string): string | undefined {
  if (!isDocumented(code)) return undefined;
  return path.join(extensionRoot, 'docs', 'diagnostics', `${code}.md`);
}

/** The argument of the command when a caller names the code: a string, or `{ code }`. */
export function codeArgument(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object' && typeof (arg as { code?: unknown }).code === 'string') return (arg as { code: string }).code;
  return undefined;
}
