/**
 * "Copy block reference": the block under the cursor, the `^id` that names it (its own, or a fresh one and the
 * edit that writes it), and the `[[Note#^id]]` text. Free of the `vscode` module so that it is testable in plain
 * Node.
 *
 * Which block a line belongs to comes from markdown-it's block tokens, configured as the engine's parser is, and
 * follows the engine's rule of what an id names (R4.8): in a quote or callout the whole outermost quote, in a
 * table the table, in a list the innermost list item, else the paragraph. Before any id is written, the edited
 * text is parsed again with the engine's `parseNote`, and the id must come back naming a block that contains the
 * cursor line; otherwise nothing is written, so the copied reference always resolves.
 */
import MarkdownIt from 'markdown-it';
import type { TextEdit } from 'vscode-languageserver-types';
import type { FileLookup } from '../../server/out/core/fileLookup';
import { frontmatterEnd } from '../../server/out/core/frontmatter';
import type { BlockKind, NoteModel } from '../../server/out/core/model';
import { stem } from '../../server/out/core/paths';
import { parseNote } from '../../server/out/core/parser';
import { headingLinkText, matchHeadingChain } from '../../server/out/core/resolve';
import { splitLines } from '../../server/out/core/text';
import { blockIdInsertEdit, freshBlockId, shortestLinkPath } from '../../server/out/core/features/completion';

type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];

// The engine parser's block configuration: the same lines make the same blocks.
const md = new MarkdownIt('commonmark', { html: true }).enable(['table', 'strikethrough']);
md.core.ruler.disable(['inline', 'text_join'], true);

/** The block a new `^id` on `line` would name. */
export interface BlockAtLine {
  kind: BlockKind;
  /** First and last (inclusive) lines of the named block, as the parser reports them for its id. */
  startLine: number;
  endLine: number;
  /**
   * The line whose end takes an id for paragraphs, headings and list items (the last line of the paragraph the
   * cursor is in); quotes, callouts and tables take it on a line of their own after `endLine`.
   */
  idLine: number;
}

/** The paragraph, heading, list item, quote or table that `line` is part of; undefined elsewhere (code, blanks). */
export function blockAtLine(text: string, line: number): BlockAtLine | undefined {
  const lines = splitLines(text);
  if (line < 0 || line >= lines.length || lines[line].trim() === '') return undefined;
  const fmEnd = frontmatterEnd(lines);
  if (fmEnd > 0 && line <= fmEnd) return undefined;
  const body = fmEnd > 0 ? lines.map((l, i) => (i <= fmEnd ? '' : l)) : lines;
  const tokens: Token[] = md.parse(body.join('\n'), {});

  const stack: Array<{ type: string; start: number; end: number }> = [];
  for (const t of tokens) {
    const map = t.map;
    if (t.nesting === -1) {
      if (stack.length > 0 && t.type === stack[stack.length - 1].type.replace('_open', '_close')) stack.pop();
      continue;
    }
    if (t.nesting !== 1 || !map) continue;
    if (t.type === 'blockquote_open' || t.type === 'list_item_open' || t.type === 'bullet_list_open' || t.type === 'ordered_list_open') {
      stack.push({ type: t.type, start: map[0], end: lastTextLine(lines, map[0], map[1] - 1) });
      continue;
    }
    const inside = map[0] <= line && line < map[1];
    if (!inside) continue;
    const quote = stack.find((s) => s.type === 'blockquote_open');
    if (quote) {
      const callout = /^\s*(>\s*)+\[!/.test(lines[quote.start]);
      return { kind: callout ? 'callout' : 'quote', startLine: quote.start, endLine: quote.end, idLine: quote.end };
    }
    if (t.type === 'table_open') return { kind: 'table', startLine: map[0], endLine: map[1] - 1, idLine: map[1] - 1 };
    if (t.type !== 'paragraph_open' && t.type !== 'heading_open') continue;
    const last = lastTextLine(lines, map[0], map[1] - 1);
    const isHeading = t.type === 'heading_open';
    // A setext heading's underline is not where its id goes: the id ends the heading's text.
    const idLine = isHeading && t.markup !== '' && !t.markup.startsWith('#') ? Math.max(map[0], last - 1) : last;
    for (let i = stack.length - 1; i >= 0; i--) {
      if (stack[i].type === 'list_item_open') return { kind: 'list-item', startLine: stack[i].start, endLine: stack[i].end, idLine };
    }
    return { kind: isHeading ? 'heading' : 'paragraph', startLine: map[0], endLine: map[1] - 1, idLine };
  }
  return undefined;
}

function lastTextLine(lines: readonly string[], first: number, last: number): number {
  let l = Math.min(last, lines.length - 1);
  while (l > first && lines[l].trim() === '') l--;
  return l;
}

export type BlockReferencePlan =
  | {
      ok: true;
      /** What follows `#` in the reference: `^id`, or a heading's text for a heading. */
      subpath: string;
      /** The id written when the block had none; undefined when an existing id (or a heading) is used. */
      edit?: TextEdit;
    }
  | { ok: false; reason: string };

/**
 * How to reference the block under the cursor in the note at `path` whose buffer is `text`: its `^id` when it
 * has one, else a fresh id and the edit that writes it. A heading is referenced by its text, as Obsidian's "copy
 * link to block" does, when that text finds it (duplicates fall back to a block id). `seed` makes ids
 * reproducible in tests.
 */
export function planBlockReference(path: string, text: string, line: number, seed?: number): BlockReferencePlan {
  const note = parseNote(path, text);
  // An id on this line, also a `^id` standing alone after a list, quote or table, which names that block.
  const onLine = note.blockIds.find((b) => b.range.start.line === line);
  if (onLine) return { ok: true, subpath: `^${onLine.id}` };

  const block = blockAtLine(text, line);
  if (!block) return { ok: false, reason: 'Put the cursor in a paragraph, list item, heading, quote or table to reference it.' };
  const existing = note.blockIds.find((b) => b.startLine === block.startLine && b.endLine === block.endLine);
  if (existing) return { ok: true, subpath: `^${existing.id}` };

  if (block.kind === 'heading') {
    const heading = note.headings.find((h) => h.line === block.startLine);
    const linkText = heading ? headingLinkText(heading.text) : '';
    if (heading && linkText !== '' && matchHeadingChain(linkText, note.headings).heading?.line === heading.line) {
      return { ok: true, subpath: linkText };
    }
  }

  const id = freshBlockId(new Set(note.blockIds.map((b) => b.id)), seed);
  const edit = blockIdInsertEdit(text, { endLine: block.idLine, kind: block.kind }, id);
  if (!namesLine(parseNote(path, applyEdit(text, edit)), id, line)) {
    return { ok: false, reason: 'A block id here would not name the block under the cursor; put the cursor in a paragraph or list item.' };
  }
  return { ok: true, subpath: `^${id}`, edit };
}

function namesLine(note: NoteModel, id: string, line: number): boolean {
  const b = note.blockIds.find((x) => x.id === id);
  return b !== undefined && b.startLine <= line && line <= b.endLine;
}

/** `text` with one LSP edit applied. */
export function applyEdit(text: string, edit: TextEdit): string {
  const offset = (p: { line: number; character: number }): number => {
    let at = 0;
    for (let l = 0; l < p.line; l++) {
      const nl = text.indexOf('\n', at);
      if (nl < 0) return text.length;
      at = nl + 1;
    }
    return at + p.character;
  };
  return text.slice(0, offset(edit.range.start)) + edit.newText + text.slice(offset(edit.range.end));
}

/**
 * `[[Note#subpath]]` for the note at vault path `path`: the note's shortest unambiguous link text in the vault
 * (R3.6). `files` is the vault's file list; without it, or before the note is in it, the bare name is used.
 */
export function blockReferenceText(files: FileLookup | undefined, path: string, subpath: string): string {
  const name = files?.has(path) ? shortestLinkPath(files, path) : stem(path);
  return `[[${name}#${subpath}]]`;
}
