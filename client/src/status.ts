/**
 * What the status bar item and the "Check vault" command say, as pure functions of what the server reported.
 * Free of the `vscode` module so that it is testable in plain Node; its texts go through `l10n.t` (English in
 * plain Node, `vscode.l10n.t` in the editor).
 */
import { l10n } from './l10n';
import type { IndexStatus, VaultCheck } from './protocol';

export interface StatusView {
  /** Status bar text, with codicons (`$(book)`). */
  text: string;
  tooltip: string;
  /** Some vault is still being indexed (or the server is starting). */
  busy: boolean;
  /** Shown only once the server reports a vault: a code repository with a README gets no status item. */
  visible: boolean;
}

/** Digits grouped the same way on every machine (`1,234`), so texts are stable in tests and screenshots. */
export function formatCount(n: number): string {
  return Math.max(0, Math.round(n)).toLocaleString('en-US');
}

/**
 * `1 note`, `2 notes`: one message for one and one for the rest, so that a translation can word each (a
 * language with more plural forms words the second generally).
 */
const COUNTED = {
  note: (n: string, one: boolean) => (one ? l10n.t('{0} note', n) : l10n.t('{0} notes', n)),
  attachment: (n: string, one: boolean) => (one ? l10n.t('{0} attachment', n) : l10n.t('{0} attachments', n)),
  problem: (n: string, one: boolean) => (one ? l10n.t('{0} problem', n) : l10n.t('{0} problems', n)),
  vault: (n: string, one: boolean) => (one ? l10n.t('{0} vault', n) : l10n.t('{0} vaults', n)),
  error: (n: string, one: boolean) => (one ? l10n.t('{0} error', n) : l10n.t('{0} errors', n)),
  warning: (n: string, one: boolean) => (one ? l10n.t('{0} warning', n) : l10n.t('{0} warnings', n)),
  hint: (n: string, one: boolean) => (one ? l10n.t('{0} hint', n) : l10n.t('{0} hints', n)),
} as const;

export type Counted = keyof typeof COUNTED;

/** `n` and the word for what is counted: `1 note`, `1,234 notes`. */
export function counted(n: number, what: Counted): string {
  return COUNTED[what](formatCount(n), n === 1);
}

/**
 * The status bar item for the server's last report. `problems` is the number of problems the Problems panel
 * shows for the extension's diagnostics (see {@link ProblemCounter}); the server's own per-vault figure counts
 * notes with problems, which the tooltip gives.
 */
export function statusView(status: IndexStatus | undefined, problems: number): StatusView {
  if (!status) return { text: '$(sync~spin) OSPO Notes', tooltip: l10n.t('OSPO Notes: starting the language server…'), busy: true, visible: false };
  const vaults = status.vaults.filter((v) => v.vault);
  if (vaults.length === 0) return { text: '$(book) OSPO Notes', tooltip: l10n.t('OSPO Notes: no open folder is a vault.'), busy: false, visible: false };
  const lines = vaults.map((v) =>
    v.ready
      ? l10n.t('{0}: {1}, {2}, {3} with problems', v.name, counted(v.notes, 'note'), counted(v.files - v.notes, 'attachment'), counted(v.problems, 'note'))
      : l10n.t('{0}: indexing…', v.name),
  );
  const indexing = vaults.filter((v) => !v.ready).length;
  if (indexing > 0) {
    return {
      text: vaults.length === 1 ? `$(sync~spin) ${l10n.t('Indexing notes…')}` : `$(sync~spin) ${l10n.t('Indexing {0}…', counted(indexing, 'vault'))}`,
      tooltip: ['OSPO Notes', ...lines].join('\n'),
      busy: true,
      visible: true,
    };
  }
  const notes = vaults.reduce((n, v) => n + v.notes, 0);
  return {
    text: `$(book) ${counted(notes, 'note')} · ${counted(problems, 'problem')}`,
    tooltip: ['OSPO Notes', ...lines, '', l10n.t('Click to check the vault.')].join('\n'),
    busy: false,
    visible: true,
  };
}

/** The folders the server serves quietly (not vaults): what "Treat this Folder as a Vault" offers. */
export function quietFolders(status: IndexStatus | undefined): IndexStatus['vaults'] {
  return status ? status.vaults.filter((v) => !v.vault) : [];
}

/**
 * Counts the problems the Problems panel lists for the extension's diagnostics, kept per document as the server
 * publishes them (a publish replaces that document's list), so the total is always current without walking
 * every diagnostic again.
 */
export class ProblemCounter {
  private readonly perDocument = new Map<string, number>();
  private sum = 0;

  get total(): number {
    return this.sum;
  }

  /** Records a document's count; returns whether the total changed. */
  set(uri: string, count: number): boolean {
    const before = this.perDocument.get(uri) ?? 0;
    if (count > 0) this.perDocument.set(uri, count);
    else this.perDocument.delete(uri);
    this.sum += count - before;
    return count !== before;
  }

  clear(): void {
    this.perDocument.clear();
    this.sum = 0;
  }
}

/**
 * How many of a document's diagnostics the Problems panel lists: all but hints, which it does not show (the
 * caller says what a hint is, as LSP and VS Code number severities differently).
 */
export function visibleProblemCount<T>(diagnostics: readonly T[], isHint: (d: T) => boolean): number {
  let n = 0;
  for (const d of diagnostics) if (!isHint(d)) n++;
  return n;
}

/** The message after "Check vault". `notes` is the total note count, when known. */
export function checkSummary(results: readonly VaultCheck[], notes?: number): string {
  if (results.length === 0) return l10n.t('OSPO Notes: the vault is still being indexed. Try again when the status bar shows the note count.');
  const sum = (f: (r: VaultCheck) => number): number => results.reduce((n, r) => n + f(r), 0);
  const errors = sum((r) => r.errors);
  const warnings = sum((r) => r.warnings);
  const information = sum((r) => r.information);
  const hints = sum((r) => r.hints);
  const notesWithProblems = sum((r) => r.notesWithProblems);
  const scope = notes !== undefined ? counted(notes, 'note') : results.length === 1 ? l10n.t('the vault') : counted(results.length, 'vault');
  if (errors + warnings + information + hints === 0) return l10n.t('OSPO Notes: no problems in {0}.', scope);
  const parts: string[] = [];
  if (errors) parts.push(counted(errors, 'error'));
  if (warnings) parts.push(counted(warnings, 'warning'));
  if (information) parts.push(l10n.t('{0} info', formatCount(information)));
  if (hints) parts.push(counted(hints, 'hint'));
  return l10n.t('OSPO Notes: {0} in {1} (checked {2}).', parts.join(', '), counted(notesWithProblems, 'note'), scope) + quietNote(results);
}

function quietNote(results: readonly VaultCheck[]): string {
  if (!results.some((r) => r.vault === false)) return '';
  return ' ' + l10n.t('Outside a vault the Problems panel lists open notes only; "OSPO Notes: Treat this Folder as a Vault" lists every note.');
}
