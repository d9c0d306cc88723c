/**
 * Writing block ids (R4.7, R4.8): where a new `^id` goes for a block of the note model's block map, the checked
 * edit of the add-block-id command, and fresh ids in Obsidian's style. With the link writer (`linkWriter.ts`),
 * the one place that writes link targets into notes.
 */
import { randomBytes } from 'node:crypto';
import { TextEdit } from 'vscode-languageserver-types';
import type { Block, BlockKind } from '../model';
import { noteBlocks } from '../model';
import { isValidBlockId } from '../syntax/blockIds';
import { parseNote } from '../syntax/parser';
import { range, splitLines } from '../syntax/text';

/**
 * Arguments of the add-block-id command (`ADD_BLOCK_ID_COMMAND`): write ` ^id` for the block whose last line is
 * `line` in the note at `path` (vault-relative). `kind` says where the id goes (see {@link blockIdInsertEdit}); `lineText` is that line
 * as it was when the item was offered, so the server can refuse to write into a line that changed meanwhile.
 */
export interface AddBlockIdArgs {
  path: string;
  line: number;
  id: string;
  kind?: BlockKind;
  lineText?: string;
}

/**
 * Where a new `^id` goes for a block ending at `block.endLine` (R4.8):
 * - paragraphs, list items and headings: at the end of the block's last line, after one space (trailing blanks
 *   replaced), so the id names that block;
 * - whole lists, quotes, callouts, tables and any other block (code, HTML): on a line of its own after a blank
 *   line (and followed by a blank line when text follows), so the id names the whole block; an id inside a quote
 *   or table would name no part of it anyway ("we do not support links to specific parts of quotations,
 *   callouts, and tables"), and one after a closing fence would break the fence.
 * `idLine` is the block's {@link Block.idLine} in the note's block map.
 */
export function blockIdInsertEdit(text: string, block: { idLine: number; kind: BlockKind }, id: string): TextEdit {
  const lines = splitLines(text);
  const endLine = Math.max(0, Math.min(block.idLine, lines.length - 1));
  const line = lines[endLine];
  const kind = block.kind;
  if (kind !== 'paragraph' && kind !== 'list-item' && kind !== 'heading') {
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    const next = lines[endLine + 1];
    const after = next !== undefined && next.trim() !== '' ? eol : '';
    return TextEdit.insert({ line: endLine, character: line.length }, `${eol}${eol}^${id}${after}`);
  }
  const end = line.replace(/\s+$/, '').length;
  return TextEdit.replace(range(endLine, end, endLine, line.length), ` ^${id}`);
}

/**
 * The edit the add-block-id command makes, or undefined when it must not be made: the line is gone or has
 * changed since the item was offered, the id is not a valid block id, the note already uses it, or the line is
 * not where an id goes for an id-able block of the note's block map (code and HTML never are), or that block
 * already has an id (a second one would take its place and break the links to the first).
 */
export function addBlockIdEdit(text: string, args: AddBlockIdArgs): TextEdit | undefined {
  const lines = splitLines(text);
  if (!Number.isInteger(args.line) || args.line < 0 || args.line >= lines.length) return undefined;
  if (args.lineText !== undefined && lines[args.line] !== args.lineText) return undefined;
  if (typeof args.id !== 'string' || !isValidBlockId(args.id)) return undefined;
  const note = parseNote(args.path, text);
  const want = args.id.toLowerCase();
  if (note.blockIds.some((b) => b.id.toLowerCase() === want)) return undefined;
  const block = idableBlockAt(noteBlocks(note), args.line, args.kind);
  if (!block || block.id !== undefined) return undefined;
  return blockIdInsertEdit(text, block, args.id);
}

/** Block kinds a new id may be written for (R4.8); never code or HTML. */
export const IDABLE_BLOCK_KINDS: ReadonlySet<BlockKind> = new Set<BlockKind>(['paragraph', 'heading', 'list-item', 'list', 'quote', 'callout', 'table']);

/** The innermost id-able block whose id goes on `line` (of `kind`, when given). */
function idableBlockAt(blocks: readonly Block[], line: number, kind?: BlockKind): Block | undefined {
  for (let i = blocks.length - 1; i >= 0; i--) {
    const b = blocks[i];
    if (b.idLine === line && IDABLE_BLOCK_KINDS.has(b.kind) && (kind === undefined || b.kind === kind)) return b;
  }
  return undefined;
}

/**
 * A new block id in Obsidian's style (6 lower-case hex digits, `^37066d`) that is not in `existing` (compared
 * case-insensitively, as ids are looked up, R4.7). With a seed the sequence is reproducible.
 */
export function freshBlockId(existing: ReadonlySet<string>, seed?: number): string {
  const taken = new Set([...existing].map((s) => s.toLowerCase()));
  const next = seed === undefined ? () => randomBytes(3).readUIntBE(0, 3) : mulberry32(seed);
  for (;;) {
    const id = (next() & 0xffffff).toString(16).padStart(6, '0');
    if (!taken.has(id)) return id;
  }
}

/** A source of seeds for {@link freshBlockId}: reproducible from one seed, or none (random ids). */
export function blockIdSeeds(seed: number | undefined): () => number | undefined {
  if (seed === undefined) return () => undefined;
  const next = mulberry32(seed);
  return () => next();
}

/** A small seeded PRNG returning 32-bit unsigned integers. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

