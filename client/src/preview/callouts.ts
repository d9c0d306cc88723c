/**
 * Callout presentation (R9): which of Obsidian's built-in types a written type stands for, its icon and its
 * default title. Detection of callouts is the engine's (`NoteModel.callouts`), so the preview and the index agree
 * on what is a callout; this module only decides how one looks.
 */

/** The built-in types; every alias Obsidian documents maps onto one of them (R9.4). */
export type CalloutKind =
  | 'note'
  | 'abstract'
  | 'info'
  | 'todo'
  | 'tip'
  | 'success'
  | 'question'
  | 'warning'
  | 'failure'
  | 'danger'
  | 'bug'
  | 'example'
  | 'quote';

const KIND_OF_TYPE: ReadonlyMap<string, CalloutKind> = new Map<string, CalloutKind>([
  ['note', 'note'],
  ['abstract', 'abstract'],
  ['summary', 'abstract'],
  ['tldr', 'abstract'],
  ['info', 'info'],
  ['todo', 'todo'],
  ['tip', 'tip'],
  ['hint', 'tip'],
  ['important', 'tip'],
  ['success', 'success'],
  ['check', 'success'],
  ['done', 'success'],
  ['question', 'question'],
  ['help', 'question'],
  ['faq', 'question'],
  ['warning', 'warning'],
  ['caution', 'warning'],
  ['attention', 'warning'],
  ['failure', 'failure'],
  ['fail', 'failure'],
  ['missing', 'failure'],
  ['danger', 'danger'],
  ['error', 'danger'],
  ['bug', 'bug'],
  ['example', 'example'],
  ['quote', 'quote'],
  ['cite', 'quote'],
]);

/**
 * Icons are text glyphs rather than an icon font or SVG sprites: the preview webview loads no fonts of ours,
 * and a glyph still reads correctly when the stylesheet is missing (exported HTML, other hosts). U+FE0E asks for
 * the text presentation where a glyph also exists as a colour emoji, so the icon takes the callout's colour.
 */
const ICONS: Readonly<Record<CalloutKind, string>> = {
  note: '\u270E',
  abstract: '\u2630',
  info: '\u2139\uFE0E',
  todo: '\u2611\uFE0E',
  tip: '\u2726',
  success: '\u2714\uFE0E',
  question: '?',
  warning: '\u26A0\uFE0E',
  failure: '\u2718',
  danger: '\u26A1\uFE0E',
  bug: '\u2731',
  example: '\u2261',
  quote: '\u275D',
};

/** The built-in type a written type stands for; types are case-insensitive and unknown ones look like `note`. */
export function calloutKind(type: string): CalloutKind {
  return KIND_OF_TYPE.get(type.toLowerCase()) ?? 'note';
}

export function calloutIcon(kind: CalloutKind): string {
  return ICONS[kind];
}

/** The title shown when the header has none: the type as written, in title case (`faq` → `Faq`). */
export function defaultCalloutTitle(type: string): string {
  const lower = type.toLowerCase();
  return lower.charAt(0).toUpperCase() + lower.slice(1);
}
