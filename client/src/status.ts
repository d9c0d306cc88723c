/**
 * What the status bar item and the "Check vault" command say, as pure functions of what the server reported.
 * Free of the `vscode` module so that it is testable in plain Node.
 */
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

/** `1 note`, `2 notes`; `plural` defaults to the word with an `s`. */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${formatCount(n)} ${n === 1 ? singular : plural}`;
}

/**
 * The status bar item for the server's last report. `problems` is the number of problems the Problems panel
 * shows for the extension's diagnostics (see {@link ProblemCounter}); the server's own per-vault figure counts
 * notes with problems, which the tooltip gives.
 */
export function statusView(status: IndexStatus | undefined, problems: number): StatusView {
  if (!status) return { text: '$(sync~spin) OSPO Notes', tooltip: 'OSPO Notes: starting the language server…', busy: true, visible: false };
  const vaults = status.vaults.filter((v) => v.vault);
  if (vaults.length === 0) return { text: '$(book) OSPO Notes', tooltip: 'OSPO Notes: no open folder is a vault.', busy: false, visible: false };
  const lines = vaults.map((v) =>
    v.ready
      ? `${v.name}: ${counted(v.notes, 'note')}, ${counted(v.files - v.notes, 'attachment')}, ${counted(v.problems, 'note')} with problems`
      : `${v.name}: indexing…`,
  );
  const indexing = vaults.filter((v) => !v.ready).length;
  if (indexing > 0) {
    return {
      text: vaults.length === 1 ? '$(sync~spin) Indexing notes…' : `$(sync~spin) Indexing ${counted(indexing, 'vault')}…`,
      tooltip: ['OSPO Notes', ...lines].join('\n'),
      busy: true,
      visible: true,
    };
  }
  const notes = vaults.reduce((n, v) => n + v.notes, 0);
  return {
    text: `$(book) ${counted(notes, 'note')} · ${counted(problems, 'problem')}`,
    tooltip: ['OSPO Notes', ...lines, '', 'Click to check the vault.'].join('\n'),
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
  if (results.length === 0) return 'OSPO Notes: the vault is still being indexed. Try again when the status bar shows the note count.';
  const sum = (f: (r: VaultCheck) => number): number => results.reduce((n, r) => n + f(r), 0);
  const errors = sum((r) => r.errors);
  const warnings = sum((r) => r.warnings);
  const information = sum((r) => r.information);
  const hints = sum((r) => r.hints);
  const notesWithProblems = sum((r) => r.notesWithProblems);
  const scope = notes !== undefined ? counted(notes, 'note') : results.length === 1 ? 'the vault' : counted(results.length, 'vault');
  if (errors + warnings + information + hints === 0) return `OSPO Notes: no problems in ${scope}.`;
  const parts: string[] = [];
  if (errors) parts.push(counted(errors, 'error'));
  if (warnings) parts.push(counted(warnings, 'warning'));
  if (information) parts.push(`${formatCount(information)} info`);
  if (hints) parts.push(counted(hints, 'hint'));
  return `OSPO Notes: ${parts.join(', ')} in ${counted(notesWithProblems, 'note')} (checked ${scope}).${quietNote(results)}`;
}

function quietNote(results: readonly VaultCheck[]): string {
  if (!results.some((r) => r.vault === false)) return '';
  return ' Outside a vault the Problems panel lists open notes only; "OSPO Notes: Treat this Folder as a Vault" lists every note.';
}
