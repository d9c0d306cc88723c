/**
 * The note model: what the parser extracts from one markdown file.
 *
 * Plain data only (no functions, no editor types) so that it can be produced by the parser, cached on disk,
 * sent to a worker, and consumed by the index, the language server, the checker and the preview alike. What is
 * kept packed to save memory (the block map) is read through the accessor functions at the end of this file.
 *
 * Positions follow the Language Server Protocol: 0-based line, 0-based UTF-16 code-unit character (which is
 * exactly a JavaScript string index within the line).
 */

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** How a link is written: `[[wiki]]` or `[text](markdown)`, or a reference definition `[label]: dest`. */
export type LinkSyntax = 'wiki' | 'markdown' | 'definition';

/**
 * One link or embed in a note body.
 *
 * The link text is split as Obsidian splits it (R2.2): display text after the first `|` (or `\|` in tables),
 * linkpath before the first `#`, subpath after it. For markdown links the destination is percent-decoded first
 * (R6.2), and `display` is the bracketed text.
 */
export interface Link {
  syntax: LinkSyntax;
  /** `![[…]]` or `![…](…)`. */
  embed: boolean;
  /** The linkpath as it is looked up (decoded; `\` of `\|` dropped; surrounding spaces trimmed). `''` = this note. */
  path: string;
  /**
   * Everything after the first `#` of the link text, decoded, without that `#`: `Heading`, `A#B` (a heading
   * chain), `^blockid`, `page=3`. Undefined when the link has no `#`.
   */
  subpath?: string;
  /** Display text (wiki: after `|`, may be `''`; markdown: the bracketed text). Undefined when absent. */
  display?: string;
  /**
   * Markdown links only: the destination has a URI scheme (`https:`, `mailto:`, `obsidian:`…) and is not a
   * vault path (R6.5). Wiki-links are never external (R2.7).
   */
  external?: boolean;
  /** Markdown links only: the destination as written (before decoding), for diagnostics such as R6.5. */
  destination?: string;
  /**
   * The link's own text holds a Templater tag (`[[<% tp.file.title %>]]`) or a core Templates tag
   * (`[[{{date}}]]`): a placeholder that is filled in when the template is applied, so it is not reported as
   * broken. Absent otherwise.
   */
  placeholder?: true;
  // Where the link and its parts stand, as plain numbers on the link (read them as ranges with linkRange,
  // linkPathRange, linkSubpathRange and linkDisplayRange). A vault has a dozen links per note: four `Range`s
  // and their `Position`s per link took more memory than the links themselves.
  /** The whole link as written, `!` and brackets included: from `line`:`character` to `endLine`:`endCharacter`. */
  line: number;
  character: number;
  endLine: number;
  endCharacter: number;
  /**
   * Where the linkpath text stands, on line `pathLine` (empty at the subpath's `#` when `path` is `''`). A
   * linkpath never spans lines; the subpath follows it on the same line.
   */
  pathLine: number;
  pathStart: number;
  pathEnd: number;
  /** Where the subpath text stands (after the `#`), on `pathLine`; present with `subpath`. */
  subpathStart?: number;
  subpathEnd?: number;
  /** Where the display text stands; present with `display` (a markdown link's text may span lines). */
  displayLine?: number;
  displayCharacter?: number;
  displayEndLine?: number;
  displayEndCharacter?: number;
}

/** The whole link as written, `!` and brackets included (a new object). */
export function linkRange(link: Link): Range {
  return { start: { line: link.line, character: link.character }, end: { line: link.endLine, character: link.endCharacter } };
}

/** A link's start against `p` (negative: the link starts before it), read from the link without building a range. */
export function compareLinkStart(link: Link, p: Position): number {
  return link.line - p.line || link.character - p.character;
}

/** Two links in document order (by where they start), for sorting. */
export function compareLinkStarts(a: Link, b: Link): number {
  return a.line - b.line || a.character - b.character;
}

/** A link's end against `p` (positive: the link ends after it), read from the link without building a range. */
export function compareLinkEnd(link: Link, p: Position): number {
  return link.endLine - p.line || link.endCharacter - p.character;
}

/** Where the linkpath text stands (empty at the subpath's `#` when the path is `''`; a new object). */
export function linkPathRange(link: Link): Range {
  return { start: { line: link.pathLine, character: link.pathStart }, end: { line: link.pathLine, character: link.pathEnd } };
}

/** Where the subpath text stands, after the `#` (undefined when the link has none; a new object). */
export function linkSubpathRange(link: Link): Range | undefined {
  if (link.subpathStart === undefined || link.subpathEnd === undefined) return undefined;
  return { start: { line: link.pathLine, character: link.subpathStart }, end: { line: link.pathLine, character: link.subpathEnd } };
}

/** Where the display text stands (undefined when the link has none; a new object). */
export function linkDisplayRange(link: Link): Range | undefined {
  if (link.displayLine === undefined) return undefined;
  return { start: { line: link.displayLine, character: link.displayCharacter! }, end: { line: link.displayEndLine!, character: link.displayEndCharacter! } };
}

/** An ATX (`## x`) or setext (`x\n---`) heading. */
export interface Heading {
  level: number;
  /** The heading text as written (inline markdown kept, closing `#`s and surrounding spaces removed). */
  text: string;
  /** The heading's line (for setext headings: the first text line). */
  line: number;
  /** Range of the heading text. */
  textRange: Range;
  /**
   * Last line (inclusive) of the heading's section: the line before the next heading of the same or a higher
   * level, or the last line of the note (R5.1).
   */
  sectionEndLine: number;
}

/** What a block id names (R4.8). */
export type BlockKind = 'paragraph' | 'heading' | 'list-item' | 'list' | 'quote' | 'callout' | 'table' | 'code' | 'other';

/** A `^blockid` marker and the block it names. */
export interface BlockId {
  /** The id without `^`, as written. Lookups are case-insensitive (R4.7). */
  id: string;
  /** Range of `^id` in the source. */
  range: Range;
  kind: BlockKind;
  /** First and last (inclusive) source line of the named block. */
  startLine: number;
  endLine: number;
}

/**
 * One block a `^id` can name (R4.8), from the parser: the note's block map. Paragraphs and headings outside
 * lists and quotes, list items, whole top-level lists, quotes and callouts (named whole), tables. Code and HTML
 * blocks are never id-able and appear only when an existing `^id` line after them names them. The map is the one
 * answer to "which block does an id name" for resolution, completion, block search and the client.
 */
export interface Block {
  kind: BlockKind;
  /** First and last (inclusive) source line. */
  startLine: number;
  endLine: number;
  /**
   * Where a new id goes: at the end of this line for paragraphs, headings and list items (a list item's own
   * text), on a line of its own after it for lists, quotes, callouts and tables.
   */
  idLine: number;
  /** The id naming this block (the first, when several do), without `^`. */
  id?: string;
}

export interface Tag {
  /** Tag name without `#`, as written (`inbox/to-read`). Comparisons fold case (R8.4). */
  name: string;
  range: Range;
  /** From the frontmatter `tags:`/`tag:` property rather than body text. */
  inFrontmatter: boolean;
}

/** A `> [!type]± title` callout (R9). */
export interface Callout {
  /** Type as written, e.g. `info`, `FAQ`. */
  type: string;
  /** `+` expanded, `-` collapsed, `''` not foldable. */
  fold: '' | '+' | '-';
  /** Title text, `''` when absent (the renderer then shows the type in title case). */
  title: string;
  /** The header line. */
  line: number;
  /** Last line (inclusive) of the callout's blockquote. */
  endLine: number;
  /** 1 for a top-level callout, 2 for `> > [!x]`, … */
  depth: number;
}

export interface YamlError {
  message: string;
  /** Position of the error in the file (not in the YAML text). */
  range: Range;
}

/**
 * One value of the frontmatter as written, with its exact range: what checks, hover and completion point at.
 * Types are those of YAML 1.2's core schema (no dates: `2024-01-15` is a string).
 */
export interface FrontmatterValue {
  /** The value's text in the file: quotes and brackets included; for an alias (`*a`), the alias. */
  range: Range;
  kind: 'scalar' | 'list' | 'map';
  /** A scalar's text as typed, quotes removed and escapes decoded: `1e3` stays `1e3`, `0x1F` stays `0x1F`. */
  text?: string;
  /** A scalar's type in the core schema (a quoted or `!!str` scalar is a string whatever it looks like). */
  type?: 'string' | 'number' | 'boolean' | 'null';
  /** How a scalar is written; a block scalar is `|` or `>`. */
  style?: 'plain' | 'single-quoted' | 'double-quoted' | 'block';
  /** A list's items, in order. */
  items?: FrontmatterValue[];
  /** A map's entries, in order. */
  entries?: FrontmatterEntry[];
}

/** A `key: value` pair of the frontmatter. `key:` with nothing after it has a null scalar value. */
export interface FrontmatterEntry {
  key: string;
  /** The key's name as written (quotes included). */
  range: Range;
  value: FrontmatterValue;
}

/** The frontmatter block at the very top of a note (R1.8, R7). */
export interface Frontmatter {
  /** From the opening `---` line to the closing `---` line inclusive. */
  range: Range;
  /**
   * Parsed YAML (core schema: strings, numbers, booleans, null, lists, maps), or undefined when it failed to
   * parse or is not a mapping. Read a scalar's text as typed from {@link keys}.
   */
  data?: Record<string, unknown>;
  error?: YamlError;
  /**
   * Each top-level key with the range of its name and its value as written, for checks, hover and completion;
   * present (as far as the YAML could be read) even when it has an error.
   */
  keys: FrontmatterEntry[];
}

/** One parsed note. */
export interface NoteModel {
  /** Vault-relative path with `/` separators, e.g. `public/tech/OpenSource.md`. */
  path: string;
  /** Number of lines (a trailing newline starts a last, empty line). */
  lineCount: number;
  frontmatter?: Frontmatter;
  /** `title` from the frontmatter, when it is a string. */
  title?: string;
  /** `aliases` (and the deprecated `alias`) from the frontmatter (R7.3, R7.4). */
  aliases: string[];
  headings: Heading[];
  blockIds: BlockId[];
  /**
   * The block map, in document order (outer blocks before the blocks they contain), packed: read it with
   * {@link noteBlocks}, {@link blockCount} and {@link blockAt}, write it with {@link packBlocks}.
   */
  packedBlocks: PackedBlocks;
  links: Link[];
  /**
   * How many links the note has beyond the per-note limit (`MAX_NOTE_LINKS` in the parser): counted, not
   * modelled, and reported as a `too-many-links` problem. Absent when every link is in `links`.
   */
  omittedLinks?: number;
  tags: Tag[];
  callouts: Callout[];
  /**
   * Source ranges where markdown syntax is not parsed (fenced and indented code, inline code, math, HTML,
   * `%%comments%%`), in document order. Completion and the grammar use them to stay quiet inside code.
   */
  opaque: Range[];
  /** Problems found while reading and parsing (invalid UTF-8, binary content, file too large, too many links…), shown as diagnostics. */
  readProblems: ReadProblem[];
  /** Runs of UTF-8 text once decoded as Windows-1252 or Latin-1 (`cafÃ©`), in document order; absent when none. */
  encodingDamage?: EncodingDamage[];
}

/** One run of encoding damage (syntax/mojibake.ts): what is written, and the text it stood for. */
export interface EncodingDamage {
  /** The damaged characters, within one line. */
  range: Range;
  /** The text as written (`ðŸ“–`). */
  damaged: string;
  /** The text it stood for (`📖`). */
  restored: string;
  /** What replaces the run: `restored`, less a byte order mark that has no place inside text. */
  replacement: string;
}

export interface ReadProblem {
  code: 'invalid-utf8' | 'binary-file' | 'file-too-large' | 'too-many-links' | 'unreadable-file';
  message: string;
  range: Range;
}

/**
 * A note's block map as plain numbers, {@link BLOCK_FIELDS} per block: the kind's place in {@link BLOCK_KINDS}
 * plus 16 × (1 + the place in the note's `blockIds` of the id naming the block, 0 when none), then the start, end
 * and id lines. A vault has a score of blocks per note (225,000 at 10,000 notes): as objects they took some
 * 15 MB, as 32-bit integers a quarter of that (a note of 280,000 list items: 4.5 MB, against 9 MB as a list of
 * numbers), and the few features that read them build the objects on demand. A typed array is copied whole
 * between threads and written to the model cache as one run (modelCodec.ts).
 */
export type PackedBlocks = Int32Array;

const BLOCK_FIELDS = 4;
const BLOCK_KINDS: readonly BlockKind[] = ['paragraph', 'heading', 'list-item', 'list', 'quote', 'callout', 'table', 'code', 'other'];
const KIND_CODES: ReadonlyMap<BlockKind, number> = new Map(BLOCK_KINDS.map((k, i) => [k, i]));
const ID_UNIT = 16;

/** The packed form of `blocks`, whose ids are those of `blockIds` (a block's id is the first of them naming it). */
export function packBlocks(blocks: readonly Block[], blockIds: readonly BlockId[]): PackedBlocks {
  const idAt = new Map<string, number>();
  for (let i = blockIds.length - 1; i >= 0; i--) idAt.set(blockIds[i].id, i);
  const out = new Int32Array(blocks.length * BLOCK_FIELDS);
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    const id = b.id === undefined ? undefined : idAt.get(b.id);
    if (b.id !== undefined && id === undefined) throw new Error(`block id ${b.id} is not one of the note's block ids`);
    out[i * BLOCK_FIELDS] = KIND_CODES.get(b.kind)! + ID_UNIT * (id === undefined ? 0 : id + 1);
    out[i * BLOCK_FIELDS + 1] = b.startLine;
    out[i * BLOCK_FIELDS + 2] = b.endLine;
    out[i * BLOCK_FIELDS + 3] = b.idLine;
  }
  return out;
}

/** How many blocks the note's block map has. */
export function blockCount(note: NoteModel): number {
  return note.packedBlocks.length / BLOCK_FIELDS;
}

/** The `i`-th block of the note's block map (a new object: changing it changes nothing in the model). */
export function blockAt(note: NoteModel, i: number): Block {
  const p = note.packedBlocks;
  const head = p[i * BLOCK_FIELDS];
  const id = Math.floor(head / ID_UNIT);
  const block: Block = { kind: BLOCK_KINDS[head % ID_UNIT], startLine: p[i * BLOCK_FIELDS + 1], endLine: p[i * BLOCK_FIELDS + 2], idLine: p[i * BLOCK_FIELDS + 3] };
  if (id > 0) block.id = note.blockIds[id - 1].id;
  return block;
}

/** The note's block map, in document order (outer blocks before the blocks they contain). */
export function noteBlocks(note: NoteModel): Block[] {
  const n = blockCount(note);
  const out = new Array<Block>(n);
  for (let i = 0; i < n; i++) out[i] = blockAt(note, i);
  return out;
}
