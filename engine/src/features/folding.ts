/**
 * Folding ranges: the frontmatter, each heading's section, callouts, and multi-line code, HTML, math and comment
 * blocks.
 *
 * The note's text is needed next to its model: a section folds up to its last non-blank line, so that the blank
 * lines separating it from the next heading stay visible when it is folded, and comments are told from code by
 * their first characters.
 */
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver-types';
import type { NoteModel } from '../model';
import { splitLines } from '../syntax/text';

export function provideFoldingRanges(note: NoteModel, text: string): FoldingRange[] {
  const lines = splitLines(text);
  const blank = (line: number): boolean => (lines[line] ?? '').trim() === '';
  /** The last non-blank line in `start..end`, never before `start`. */
  const lastContent = (start: number, end: number): number => {
    let l = Math.min(end, lines.length - 1);
    while (l > start && blank(l)) l--;
    return l;
  };
  const byStart = new Map<number, FoldingRange>();
  // Two ranges cannot start on the same line (the editor shows one fold marker per line): keep the larger.
  const add = (startLine: number, endLine: number, kind?: string): void => {
    if (endLine <= startLine) return;
    const existing = byStart.get(startLine);
    if (existing && existing.endLine >= endLine) return;
    byStart.set(startLine, kind === undefined ? { startLine, endLine } : { startLine, endLine, kind });
  };

  if (note.frontmatter) add(note.frontmatter.range.start.line, note.frontmatter.range.end.line);
  for (const h of note.headings) add(h.line, lastContent(h.line, h.sectionEndLine));
  for (const c of note.callouts) add(c.line, lastContent(c.line, c.endLine));
  for (const r of note.opaque) {
    if (r.end.line <= r.start.line) continue;
    const opening = (lines[r.start.line] ?? '').slice(r.start.character).trimStart();
    const comment = opening.startsWith('%%') || opening.startsWith('<!--');
    add(r.start.line, lastContent(r.start.line, r.end.line), comment ? FoldingRangeKind.Comment : undefined);
  }
  return [...byStart.values()].sort((a, b) => a.startLine - b.startLine);
}
