/**
 * "Copy block reference": the block under the cursor, the `^id` that names it (its own, or a fresh one and the
 * edit that writes it), and the `[[Note#^id]]` text. Free of the `vscode` module so that it is testable in plain
 * Node.
 *
 * Which block a line belongs to is the engine's block map (`NoteModel.blocks`, R4.8): in a quote or callout the
 * whole outermost quote, in a table the table, in a list the innermost list item, else the paragraph or heading;
 * code and HTML are never id-able. Before any id is written, the edited text is parsed again, and the id must come
 * back naming a block that contains the cursor line; otherwise nothing is written, so the copied reference always
 * resolves.
 */
import type { TextEdit } from 'vscode-languageserver-types';
import { l10n } from './l10n';
import {
  type Block,
  blockIdInsertEdit,
  type BlockKind,
  DEFAULT_LINK_FORMAT,
  FileLookup,
  freshBlockId,
  headingLinkText,
  matchHeadingChain,
  type LinkFormat,
  type NoteModel,
  noteBlocks,
  parseNote,
  splitLines,
  writeLink,
} from '@ospo-notes/engine';

/** The block a new `^id` for `line` would name: an entry of the block map. */
export type BlockAtLine = Block;

/** Kinds the cursor can reference (a whole list is named by an id after it; the cursor is in one of its items). */
const REFERENCED_KINDS: ReadonlySet<BlockKind> = new Set<BlockKind>(['paragraph', 'heading', 'list-item', 'quote', 'callout', 'table']);

/** The paragraph, heading, list item, quote or table that `line` is part of; undefined elsewhere (code, blanks). */
export function blockAtLine(text: string, line: number, note: NoteModel = parseNote('', text)): BlockAtLine | undefined {
  const lines = splitLines(text);
  if (line < 0 || line >= lines.length || lines[line].trim() === '') return undefined;
  // The map lists outer blocks before the blocks they contain: the last one holding the line is the innermost.
  let found: Block | undefined;
  for (const b of noteBlocks(note)) {
    if (b.startLine > line) break;
    if (line <= b.endLine && REFERENCED_KINDS.has(b.kind)) found = b;
  }
  return found;
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

  const block = blockAtLine(text, line, note);
  if (!block) return { ok: false, reason: l10n.t('Put the cursor in a paragraph, list item, heading, quote or table to reference it.') };
  if (block.id !== undefined) return { ok: true, subpath: `^${block.id}` };

  if (block.kind === 'heading') {
    const heading = note.headings.find((h) => h.line === block.startLine);
    const linkText = heading ? headingLinkText(heading.text) : '';
    if (heading && linkText !== '' && matchHeadingChain(linkText, note.headings).heading?.line === heading.line) {
      return { ok: true, subpath: linkText };
    }
  }

  const id = freshBlockId(new Set(note.blockIds.map((b) => b.id)), seed);
  const edit = blockIdInsertEdit(text, block, id);
  if (!namesLine(parseNote(path, applyEdit(text, edit)), id, line)) {
    return { ok: false, reason: l10n.t('A block id here would not name the block under the cursor; put the cursor in a paragraph or list item.') };
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
 * The link to `subpath` of the note at vault path `path`, written by the engine's link writer in the vault's
 * `format` (`[[Note#^id]]`, `[Note](Note.md#^id)`). The reference is pasted anywhere, so it is written as from
 * the vault root (a relative path is then the vault path). `files` is the vault's file list; without it the
 * note's bare name is used.
 */
export function blockReferenceText(files: FileLookup | undefined, path: string, subpath: string, format: LinkFormat = DEFAULT_LINK_FORMAT): string {
  return writeLink(files ?? new FileLookup(), { from: '', target: path, subpath }, format);
}
