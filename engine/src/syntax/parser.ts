/**
 * The note parser: markdown text → NoteModel.
 *
 * Two layers, as in CommonMark itself:
 *  1. Blocks come from markdown-it's block parser (CommonMark-correct: fences, indented code that is code and
 *     indented list continuations that are not, HTML blocks, lists, quotes, GFM tables, setext headings). Its
 *     token `map`s give the source lines of every block; nothing here decides block structure by counting spaces.
 *  2. Inside each inline-bearing block (paragraph, heading, table row) the source lines are scanned for the inline
 *     syntax Obsidian adds. The same scan first masks what is opaque by CommonMark's own inline rules (code spans by
 *     backtick-run matching, backslash escapes) and by Obsidian's (math, `%%comments%%`, HTML comments), so links,
 *     tags and block ids are found only in live text.
 * Positions are computed from the original source lines, so every range is exact (LSP positions).
 */
import MarkdownIt from 'markdown-it';
import { runStepsInSlices } from './steps';
import { linkRange, packBlocks, type Block, type BlockId, type BlockKind, type Callout, type FrontmatterEntry, type FrontmatterValue, type Heading, type Link, type NoteModel, type PackedBlocks, type Range, type ReadProblem, type Tag } from '../model';
import { frontmatterEnd, frontmatterEntry, parseFrontmatter, tagsOfValue, textList } from './frontmatter';
import { LineMap, ownString, range, splitLines } from './text';
import { hasUriScheme, percentDecode } from './destinations';
import { blockIdEndingBlock, trailingBlockId } from './blockIds';
import { findEncodingDamage } from './mojibake';
import { hasTemplateTag } from './templateTags';

type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];

/**
 * How deep lists and quotes may nest (in markdown-it token levels: a list level is 2, a quote level 1). markdown-it
 * itself, past its `maxNesting`, skips the rest of the innermost container's lines up to the end of the document,
 * so everything after a deeply nested list would vanish (links unchecked, headings missing). Instead, no container
 * opens past this level: deeper `-` and `>` markers stay the text of a paragraph, whose links and tags are still
 * found, and the document after them is parsed normally. Containers recurse in markdown-it, so the cap also keeps
 * a note of 10,000 nested quotes from exhausting the stack.
 */
export const MAX_CONTAINER_LEVEL = 100;

type MarkdownItInstance = InstanceType<typeof MarkdownIt>;
type BlockRule = (state: { level: number }, startLine: number, endLine: number, silent: boolean) => boolean;

/**
 * Makes a markdown-it instance open no list or quote past `maxLevel` (see {@link MAX_CONTAINER_LEVEL}) and raises
 * its `maxNesting` above that, so that its skip-the-rest branch is never taken. For every markdown-it that parses
 * notes: the engine's and the preview's.
 */
export function capContainerNesting(md: MarkdownItInstance, maxLevel = MAX_CONTAINER_LEVEL): void {
  const ruler = md.block.ruler as unknown as { __rules__: Array<{ name: string; fn: BlockRule; alt: string[] }>; at(name: string, fn: BlockRule, options: { alt: string[] }): void };
  for (const name of ['blockquote', 'list']) {
    const rule = ruler.__rules__.find((r) => r.name === name);
    if (!rule || (rule.fn as { capped?: boolean }).capped) continue;
    const inner = rule.fn;
    const capped: BlockRule = (state, startLine, endLine, silent) => state.level < maxLevel && inner(state, startLine, endLine, silent);
    (capped as { capped?: boolean }).capped = true;
    ruler.at(name, capped, { alt: rule.alt.slice() });
  }
  // A container's content sits at most three levels deeper than the container (list, item, paragraph).
  const options = md.options as { maxNesting?: number };
  options.maxNesting = Math.max(options.maxNesting ?? 0, maxLevel + 10);
}

const md = new MarkdownIt('commonmark', { html: true }).enable(['table', 'strikethrough']);
// Only the block structure is needed: inline syntax is scanned on the source lines (see above).
md.core.ruler.disable(['inline', 'text_join'], true);
capContainerNesting(md);

/** An inline-bearing block and the containers it sits in. */
interface InlineUnit {
  kind: 'paragraph' | 'heading' | 'table-row';
  startLine: number;
  /** Exclusive. */
  endLine: number;
  /** The block a trailing `^id` on this unit names. */
  blockKind: BlockKind;
  blockStart: number;
  blockEnd: number;
  /** For a paragraph that is only `^id`: the preceding sibling block, which such an id names (R4.8). */
  previous?: { kind: BlockKind; start: number; end: number };
  /** Where a new id for the named block goes (see Block.idLine). */
  idLine: number;
  /** Set when the unit is a lone `^id` naming the block before it: it is no block of its own. */
  namesPrevious?: boolean;
  /**
   * A row of a table inside a list item: an id line after such a table would end the list and name the list
   * instead, so the table is not offered an id (the list item is).
   */
  tableInListItem?: boolean;
}

/**
 * An inline unit with every field set, in one order: units are a note's most numerous parse objects (one per
 * paragraph, heading and table row; 280,000 in a note of list items), and fields added later or by spreading
 * gave each an out-of-object property store besides.
 */
function inlineUnit(
  kind: InlineUnit['kind'],
  startLine: number,
  endLine: number,
  named: Pick<InlineUnit, 'blockKind' | 'blockStart' | 'blockEnd' | 'idLine'>,
  previous: InlineUnit['previous'],
  tableInListItem: boolean,
): InlineUnit {
  return { kind, startLine, endLine, blockKind: named.blockKind, blockStart: named.blockStart, blockEnd: named.blockEnd, previous, idLine: named.idLine, namesPrevious: false, tableInListItem };
}

/** A half-open span of a document, in (line, character) form. */
interface Span {
  sl: number;
  sc: number;
  el: number;
  ec: number;
}

/**
 * Links whose own text holds a Templater tag (`[[<% tp.date.now() %>]]`, `![<%* tR += caption %>](x.png)`) or a
 * tag of Obsidian's core Templates plugin (`[[{{date}}]]`, `[[{{date:YYYY-MM}}]]`, syntax/templateTags.ts) are
 * placeholders, filled in when the template is applied. Only those: a note that merely contains a tag elsewhere,
 * or mentions the syntax in a sentence, has its other links checked like any note's.
 */
function markPlaceholders(links: Link[], lines: string[]): void {
  for (const link of links) {
    const written =
      link.line === link.endLine
        ? lines[link.line].slice(link.character, link.endCharacter)
        : [lines[link.line].slice(link.character), ...lines.slice(link.line + 1, link.endLine), lines[link.endLine].slice(0, link.endCharacter)].join('\n');
    if (hasTemplaterTag(written) || hasTemplateTag(written)) link.placeholder = true;
  }
}

/**
 * Whether text holds a Templater command tag, `<% … %>`, `<%* … %>`, `<%- … -%>` (the community Templater
 * plugin's syntax): a `<%` with a `%>` after it. Two searches, where a lazy regex would rescan from every `<%`.
 */
function hasTemplaterTag(text: string): boolean {
  const open = text.indexOf('<%');
  return open >= 0 && text.indexOf('%>', open + 2) >= 0;
}

/**
 * At most this many links of one note are modelled; the rest are counted and reported once (`too-many-links`).
 * A real index note has a few thousand links, while a 10 MB note of links has over half a million: modelling,
 * resolving and checking them all costs seconds and hundreds of megabytes on every re-parse, for a note no one
 * can read. The links are kept in document order, so the note's first ones still resolve and are checked. Above
 * the 20,000 problems the editor is sent per note, so that a big real note meets that limit first.
 */
export const MAX_NOTE_LINKS = 25000;

/** Where the scanners put links: a note, or the one-link sink of {@link parseLinkSource}. */
type LinkSink = Pick<NoteModel, 'links' | 'omittedLinks'>;

/** Where the first link over the limit stands, per note being parsed (several may be parsed in slices at once). */
const firstOmittedLink = new WeakMap<LinkSink, Range>();

/** Stands for a link over the limit once the first one has been seen: counted, never looked at. */
const COUNTED_LINK = {} as Link;

/** Whether text[from, to) holds a line break (a loop: `indexOf` would read on to the next one, wherever it is). */
function hasLineBreak(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 10) return true;
  return false;
}

function addLink(sink: LinkSink, link: Link): void {
  if (sink.links.length < MAX_NOTE_LINKS) {
    sink.links.push(link);
    return;
  }
  if (!sink.omittedLinks) firstOmittedLink.set(sink, linkRange(link));
  sink.omittedLinks = (sink.omittedLinks ?? 0) + 1;
}

/** The one problem of a note over {@link MAX_NOTE_LINKS}, at its first link that is not modelled. */
function tooManyLinks(sink: LinkSink): ReadProblem {
  const omitted = sink.omittedLinks ?? 0;
  const at = firstOmittedLink.get(sink) ?? range(0, 0, 0, 0);
  return {
    code: 'too-many-links',
    message: `This note has ${MAX_NOTE_LINKS + omitted} links, over the limit of ${MAX_NOTE_LINKS} per note: the ${omitted} from line ${at.start.line + 1} on are not indexed or checked.`,
    range: { start: at.start, end: at.start },
  };
}

/**
 * Parses one note. `windowLines` sets the size of the block parser's windows (see {@link blockTokenWindows}); only
 * tests change it, to show that where the windows are cut changes nothing.
 */
export function parseNote(path: string, text: string, windowLines = BLOCK_WINDOW_LINES): NoteModel {
  const steps = parseSteps(path, text, windowLines);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** {@link parseNote} as steps (yielding between block windows and runs of units), for callers that drive their own steps. */
export function parseNoteSteps(path: string, text: string): Generator<void, NoteModel> {
  return parseSteps(path, text, BLOCK_WINDOW_LINES);
}

/**
 * {@link parseNote}, giving the event loop a turn (`pause`, by default one turn) whenever it has worked about
 * `sliceMs` without one: a 10 MB note takes seconds to parse, and a server must answer requests meanwhile. The
 * result is the same model.
 */
export function parseNoteInSlices(path: string, text: string, sliceMs = 20, pause: () => Promise<void> = nextTurn): Promise<NoteModel> {
  return runStepsInSlices(parseSteps(path, text, BLOCK_WINDOW_LINES), sliceMs, pause);
}

function nextTurn(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

/** The block map of a note still being parsed (shared: nothing writes into an empty array). */
const NO_BLOCKS: PackedBlocks = new Int32Array(0);

/** Inline units scanned between two chances to yield. */
const UNITS_PER_STEP = 500;

/** The parse, as steps: it yields between block windows and between runs of units, never inside one. */
function* parseSteps(path: string, text: string, windowLines: number): Generator<void, NoteModel> {
  const lines = splitLines(text);
  const note: NoteModel = {
    path,
    lineCount: lines.length,
    aliases: [],
    headings: [],
    blockIds: [],
    packedBlocks: NO_BLOCKS,
    links: [],
    tags: [],
    callouts: [],
    opaque: [],
    readProblems: [],
  };

  // Frontmatter lines are blanked for the block parser so that line numbers stay those of the file.
  const fmEnd = frontmatterEnd(lines);
  let body = lines;
  if (fmEnd > 0) {
    readFrontmatter(note, lines, fmEnd);
    body = lines.slice();
    for (let i = 0; i <= fmEnd; i++) body[i] = '';
  }

  const codeLines = new Uint8Array(lines.length);
  const units: InlineUnit[] = [];
  const leafLines = new Uint8Array(lines.length);
  const containers: Block[] = [];
  const collector = new BlockCollector(note, lines, units, codeLines, leafLines, containers);
  yield;
  for (const window of blockTokenWindows(body, windowLines)) {
    collector.add(window.tokens, window.continuesList);
    yield;
  }

  const comments = findPercentComments(lines, units);
  for (const c of comments) note.opaque.push(range(c.sl, c.sc, c.el, c.ec));
  if (comments.length > 0) {
    note.headings = note.headings.filter((h) => !insideSpans(comments, h.line, h.textRange.start.character));
    note.callouts = note.callouts.filter((c) => !insideSpans(comments, c.line, 0));
  }

  // Units and comments are both in document order: one moving cursor hands each unit its comments, so a note
  // with many comments stays linear.
  let firstComment = 0;
  for (let u = 0; u < units.length; u++) {
    while (firstComment < comments.length && comments[firstComment].el < units[u].startLine) firstComment++;
    let last = firstComment;
    while (last < comments.length && comments[last].sl < units[u].endLine) last++;
    scanUnit(note, units[u], unitText(lines, units[u]), firstComment === last ? NO_SPANS : comments.slice(firstComment, last));
    if (u % UNITS_PER_STEP === UNITS_PER_STEP - 1) yield;
  }
  findDefinitions(note, lines, leafLines, codeLines, fmEnd, comments);
  // A placeholder link holds `<%` or `{{`, which then appear in the note's text: most notes have neither.
  if (text.includes('<%') || text.includes('{{')) markPlaceholders(note.links, lines);
  if (note.omittedLinks) note.readProblems.push(tooManyLinks(note));
  const blocks = yield* blockMap(units, containers, note.blockIds);

  computeSections(note.headings, lines.length);
  note.opaque.sort((a, b) => a.start.line - b.start.line || a.start.character - b.start.character);
  const damage = findEncodingDamage(text, note.opaque);
  if (damage.length > 0) note.encodingDamage = damage;
  return fitArrays(note, blocks);
}

/**
 * The model's lists copied to their exact length. A list grown by `push` keeps room for more (a list of one
 * item has room for 17), and models are kept for as long as the vault is open: at 10,000 notes the spare room is
 * some 14 MB. A copy of a list takes only what it holds.
 */
function fitArrays(note: NoteModel, blocks: readonly Block[]): NoteModel {
  const fit = <T>(list: T[]): T[] => (list.length === 0 ? [] : list.slice());
  note.aliases = fit(note.aliases);
  note.headings = fit(note.headings);
  note.blockIds = fit(note.blockIds);
  note.packedBlocks = packBlocks(blocks, note.blockIds);
  note.links = fit(note.links);
  note.tags = fit(note.tags);
  note.callouts = fit(note.callouts);
  note.opaque = fit(note.opaque);
  note.readProblems = fit(note.readProblems);
  if (note.frontmatter) note.frontmatter.keys = fitEntries(note.frontmatter.keys, fit);
  return note;
}

function fitEntries(entries: FrontmatterEntry[], fit: <T>(list: T[]) => T[]): FrontmatterEntry[] {
  for (const e of entries) fitValue(e.value, fit);
  return fit(entries);
}

function fitValue(value: FrontmatterValue, fit: <T>(list: T[]) => T[]): void {
  // Values nest at most MAX_VALUE_DEPTH deep (frontmatter.ts): the recursion is bounded.
  if (value.items) {
    for (const item of value.items) fitValue(item, fit);
    value.items = fit(value.items);
  }
  if (value.entries) value.entries = fitEntries(value.entries, fit);
}

/**
 * The link that `source` spells, when `source` is exactly one wiki-link or inline markdown link, embeds included
 * (`![[Note#^id|alias]]`, `![alt](x.pdf#page=2)`), split exactly as inside a note; undefined otherwise. For
 * renderers that delimit links in their own parse (the preview's markdown-it plugin), so that what they resolve is
 * what the index and the diagnostics resolve. Ranges are relative to `source`.
 */
export function parseLinkSource(source: string): Link | undefined {
  const lines = splitLines(source);
  const text = lines.join('\n');
  const map = new LineMap(0, lines);
  const bang = text.startsWith('!') ? 1 : 0;
  if (text.startsWith('[[', bang)) {
    const inner = text.slice(bang + 2, -2);
    if (!text.endsWith(']]') || text.length < bang + 4 || inner.includes('[[') || inner.includes(']]')) return undefined;
    return wikiLink(map, text, bang, text.length, bang === 1);
  }
  const opaque = new Uint8Array(text.length);
  const { spans, escaped } = codeSpans(text, opaque, undefined, SLOT_ESCAPED_FIRST);
  for (const [s, e] of spans) opaque.fill(1, s, e);
  const sink: LinkSink = { links: [] };
  findMarkdownLinks(sink, map, text, opaque, escaped, new Uint8Array(text.length));
  const link = sink.links[0];
  const whole = link && sink.links.length === 1 && link.line === 0 && link.character === 0 && map.offset({ line: link.endLine, character: link.endCharacter }) === text.length;
  return whole ? link : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Frontmatter

function readFrontmatter(note: NoteModel, lines: string[], fmEnd: number): void {
  const fm = parseFrontmatter(lines, fmEnd);
  note.frontmatter = fm;
  if (!fm.data) return;
  // Values are read as typed: `title: 2024-01-15` is the title `2024-01-15`, `aliases: [1e3]` the alias `1e3`.
  const title = frontmatterEntry(fm, 'title')?.value;
  if (title?.kind === 'scalar' && title.type !== 'null' && title.text!.trim()) note.title = title.text!.trim();
  note.aliases = [...textList(frontmatterEntry(fm, 'aliases')?.value), ...textList(frontmatterEntry(fm, 'alias')?.value)];
  for (const key of ['tags', 'tag']) {
    for (const { name, range } of tagsOfValue(frontmatterEntry(fm, key)?.value)) note.tags.push({ name, range, inFrontmatter: true });
  }
  // Only quoted links in property values are links (R7.5); unquoted `[[x]]` is a YAML flow sequence.
  for (let i = 1; i < fmEnd; i++) {
    for (const [start, end, embed] of quotedWikiLinks(lines[i])) {
      const link = wikiLink(new LineMap(i, [lines[i]]), lines[i], start, end, embed);
      if (link) addLink(note, link);
    }
  }
}

/**
 * `"[[…]]"` and `'[[…]]'` (optionally `![[…]]`) in a frontmatter line: the link text runs to the first `]]`, which
 * the same quote must follow. Offsets of the `[[` and after the `]]`. The next `]]` is remembered across
 * candidates, so a line of unclosed `"[[` stays linear.
 */
function quotedWikiLinks(line: string): Array<[number, number, boolean]> {
  const out: Array<[number, number, boolean]> = [];
  let closeFrom = -1;
  let close = -1;
  for (let q = 0; q < line.length; q++) {
    const quote = line[q];
    if (quote !== '"' && quote !== "'") continue;
    const embed = line[q + 1] === '!';
    const open = q + 1 + (embed ? 1 : 0);
    if (!line.startsWith('[[', open)) continue;
    if (!(closeFrom >= 0 && open + 2 >= closeFrom && (close < 0 || open + 2 <= close))) {
      closeFrom = open + 2;
      close = line.indexOf(']]', closeFrom);
    }
    if (close < 0) break;
    if (line[close + 2] !== quote) continue;
    out.push([open, close + 2, embed]);
    q = close + 2;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Blocks

const BLOCK_KIND_OF_OPEN: Record<string, BlockKind> = {
  paragraph_open: 'paragraph',
  heading_open: 'heading',
  bullet_list_open: 'list',
  ordered_list_open: 'list',
  blockquote_open: 'quote',
  table_open: 'table',
  fence: 'code',
  code_block: 'code',
  html_block: 'other',
  hr: 'other',
};

/** Lines per window of the block parse (see {@link blockTokenWindows}). */
const BLOCK_WINDOW_LINES = 2000;

type StateBlockClass = new (src: string, md: MarkdownItInstance, env: object, tokens: Token[]) => { lineMax: number };

/**
 * markdown-it's block tokens of `src`, a window of about {@link BLOCK_WINDOW_LINES} lines at a time: together they
 * are the token list of one whole-document parse. A whole 10 MB list of 280,000 items is 1.4 million tokens,
 * 265 MB alive at once; a window's tokens are garbage once collected.
 *
 * Each window is block-parsed up to its last line, and handed out only up to the start of its last top-level
 * block, which the next window parses again from its first line: every block before it ended before the window
 * did, so it is what the whole-document parse makes of it (block rules only read forward, and at the start of a
 * top-level block the parser's state is the initial one). When the window is one top-level list, it is cut
 * before the list's last item instead, and the next window's list, which starts at that item with the same
 * marker, is the same list going on (`continuesList`). Anything else that fills a window (a fence, a table, one
 * huge item) is parsed again in a window twice as long.
 */
function* blockTokenWindows(lines: string[], windowLines: number): Generator<{ tokens: Token[]; continuesList: boolean }> {
  const State = (md.block as unknown as { State: StateBlockClass }).State;
  const tokenize = (md.block as unknown as { tokenize(state: unknown, start: number, end: number): void }).tokenize.bind(md.block);
  const lineMax = lines.length;
  let start = 0;
  let size = windowLines;
  let continuesList = false;
  while (start < lineMax) {
    const end = Math.min(start + size, lineMax);
    // Each window is parsed on its own lines (what md.parse does with the block rules alone: the core's normalize
    // step, then the block parser), so a window costs its size, and its lines are numbered from `start`.
    const src = lines.slice(start, end).join('\n').replace(/\0/g, '\uFFFD');
    const tokens: Token[] = [];
    if (src !== '') {
      const state = new State(src, md, {}, tokens);
      tokenize(state, 0, state.lineMax);
    }
    for (const t of tokens) {
      if (t.map) {
        t.map[0] += start;
        t.map[1] += start;
      }
    }
    if (end >= lineMax) {
      yield { tokens, continuesList };
      return;
    }
    let lastTop = -1;
    for (let i = tokens.length - 1; i >= 0 && lastTop < 0; i--) if (tokens[i].level === 0 && tokens[i].nesting !== -1) lastTop = i;
    if (lastTop < 0) {
      // Only blank lines.
      start = end;
      continue;
    }
    let cut = lastTop;
    let endsInList = false;
    if (lastTop === 0 && (tokens[0].type === 'bullet_list_open' || tokens[0].type === 'ordered_list_open')) {
      for (let i = tokens.length - 1; i > 1 && !endsInList; i--) {
        if (tokens[i].level === 1 && tokens[i].type === 'list_item_open') {
          cut = i;
          endsInList = true;
        }
      }
    }
    if (cut === 0) {
      size *= 2;
      continue;
    }
    yield { tokens: cut === tokens.length ? tokens : tokens.slice(0, cut), continuesList };
    continuesList = endsInList;
    start = tokens[cut].map![0];
    size = windowLines;
  }
}

/** An open list or quote while blocks are collected; `map` is its open token's (the last one, for a list continued across windows). */
interface OpenContainer {
  type: string;
  start: number;
  end: number;
  callout: boolean;
  map: [number, number];
}

/**
 * Turns block tokens into the note's headings, callouts, opaque code blocks, inline units and top-level
 * containers. Fed window by window (see {@link blockTokenWindows}): what it keeps between windows (the open
 * containers, the previous block per depth, an open table) is exactly what a single pass over the whole token
 * list would keep at the same point.
 */
class BlockCollector {
  /** Open containers, innermost last. */
  private readonly stack: OpenContainer[] = [];
  /** Previous finished block per container depth, for ids standing alone after a block. */
  private readonly previousAtDepth: Array<{ kind: BlockKind; start: number; end: number } | undefined> = [];
  private table: { start: number; end: number } | undefined;

  constructor(
    private readonly note: NoteModel,
    private readonly lines: string[],
    private readonly units: InlineUnit[],
    private readonly codeLines: Uint8Array,
    private readonly leafLines: Uint8Array,
    private readonly containers: Block[],
  ) {}

  /**
   * Adds one window of tokens. `continuesList`: its first token opens the top-level list the previous window left
   * open (the window was cut between two of its items); that list goes on, with this window's extent.
   */
  add(tokens: Token[], continuesList: boolean): void {
    const { note, lines, units, codeLines, leafLines, containers, stack, previousAtDepth } = this;
    let first = 0;
    if (continuesList && stack.length === 1 && tokens[0]?.map) {
      stack[0].map = tokens[0].map;
      first = 1;
    }
    let table = this.table;
    for (let i = first; i < tokens.length; i++) {
      const t = tokens[i];
      const map = t.map;
      const depth = stack.length;
      if (t.nesting === 1 && map) {
        const kind = BLOCK_KIND_OF_OPEN[t.type];
        if (t.type === 'blockquote_open' || t.type === 'list_item_open' || t.type === 'bullet_list_open' || t.type === 'ordered_list_open') {
          let callout = false;
          if (t.type === 'blockquote_open') {
            const quoteDepth = stack.filter((s) => s.type === 'blockquote_open').length + 1;
            callout = readCallout(note, lines, map[0], map[1] - 1, quoteDepth);
          }
          // markdown-it counts the blank lines after a list item in its map; a block's range ends at its last text.
          stack.push({ type: t.type, start: map[0], end: lastTextLine(lines, map[0], map[1] - 1), callout, map });
          previousAtDepth[stack.length] = undefined;
          continue;
        }
        if (t.type === 'table_open') {
          table = { start: map[0], end: map[1] - 1 };
          for (let l = map[0]; l < map[1]; l++) leafLines[l] = 1;
          continue;
        }
        if (t.type === 'tr_open') {
          const tableInListItem = stack.some((s) => s.type === 'list_item_open');
          units.push(inlineUnit('table-row', map[0], map[1], namedBlock(stack, 'table', table!.start, table!.end, table!.end), undefined, tableInListItem));
          continue;
        }
        if (t.type === 'paragraph_open' || t.type === 'heading_open') {
          for (let l = map[0]; l < map[1]; l++) leafLines[l] = 1;
          const isHeading = t.type === 'heading_open';
          const endLine = isHeading && tokens[i + 1]?.map ? tokens[i + 1].map![1] : map[1];
          // The id ends the text: for a setext heading that is the line before its underline.
          const named = namedBlock(stack, kind ?? 'paragraph', map[0], map[1] - 1, Math.max(map[0], endLine - 1));
          units.push(inlineUnit(isHeading ? 'heading' : 'paragraph', map[0], endLine, named, isHeading ? undefined : previousAtDepth[depth], false));
          if (isHeading) readHeading(note, lines, t, tokens[i + 1]);
          continue;
        }
      } else if (t.nesting === 0 && map) {
        if (t.type === 'fence' || t.type === 'code_block' || t.type === 'html_block') {
          for (let l = map[0]; l < map[1]; l++) {
            codeLines[l] = 1;
            leafLines[l] = 1;
          }
          const last = Math.min(map[1], lines.length) - 1;
          note.opaque.push(range(map[0], 0, last, lines[last].length));
        } else if (t.type === 'hr') {
          leafLines[map[0]] = 1;
        } else {
          continue;
        }
        previousAtDepth[depth] = { kind: BLOCK_KIND_OF_OPEN[t.type] ?? 'other', start: map[0], end: map[1] - 1 };
      } else if (t.nesting === -1) {
        if (t.type === 'table_close' && table) {
          previousAtDepth[depth] = { kind: 'table', ...table };
          table = undefined;
        } else if (t.type === 'paragraph_close' || t.type === 'heading_close') {
          const open = findOpen(tokens, i);
          if (open?.map) previousAtDepth[depth] = { kind: t.type === 'heading_close' ? 'heading' : 'paragraph', start: open.map[0], end: open.map[1] - 1 };
        } else if (stack.length > 0 && t.type === stack[stack.length - 1].type.replace('_open', '_close')) {
          const closed = stack.pop()!;
          // A list continued across windows ends where its last window's list ends.
          if (closed.type !== 'list_item_open' && closed.type !== 'blockquote_open') closed.end = lastTextLine(lines, closed.start, closed.map[1] - 1);
          const kind: BlockKind = closed.type === 'blockquote_open' ? (closed.callout ? 'callout' : 'quote') : closed.type === 'list_item_open' ? 'list-item' : 'list';
          previousAtDepth[stack.length] = { kind, start: closed.start, end: closed.end };
          // Outside any container, a quote is id-able whole, and a list by an id on its own line after it (R4.8).
          if (stack.length === 0 && kind !== 'list-item') containers.push({ kind, startLine: closed.start, endLine: closed.end, idLine: closed.end });
        }
      }
    }
    this.table = table;
  }
}

/** The last line in `first..last` that is not blank (`first` when all are). */
function lastTextLine(lines: string[], first: number, last: number): number {
  let l = Math.min(last, lines.length - 1);
  while (l > first && lines[l].trim() === '') l--;
  return l;
}

function findOpen(tokens: Token[], closeIndex: number): Token | undefined {
  const level = tokens[closeIndex].level;
  for (let j = closeIndex - 1; j >= 0; j--) {
    if (tokens[j].level === level && tokens[j].nesting === 1) return tokens[j];
  }
  return undefined;
}

/**
 * Which block a `^id` at the end of this unit names (R4.8): a quote or callout is named whole ("we do not
 * support links to specific parts of quotations, callouts, and tables"); inside a list, the list item; a table as
 * a whole; otherwise the paragraph or heading itself.
 */
function namedBlock(
  stack: OpenContainer[],
  kind: BlockKind,
  start: number,
  end: number,
  textEnd: number,
): Pick<InlineUnit, 'blockKind' | 'blockStart' | 'blockEnd' | 'idLine'> {
  const quote = stack.find((s) => s.type === 'blockquote_open');
  if (quote) return { blockKind: quote.callout ? 'callout' : 'quote', blockStart: quote.start, blockEnd: quote.end, idLine: quote.end };
  if (kind === 'table') return { blockKind: 'table', blockStart: start, blockEnd: end, idLine: end };
  for (let i = stack.length - 1; i >= 0; i--) {
    if (stack[i].type === 'list_item_open') return { blockKind: 'list-item', blockStart: stack[i].start, blockEnd: stack[i].end, idLine: textEnd };
  }
  return { blockKind: kind, blockStart: start, blockEnd: end, idLine: textEnd };
}

/**
 * The block map (see Block): the block each inline unit's trailing id would name, the top-level quotes and lists,
 * and whatever block an existing id names (a code block named by an id line after it). A list item's id line is
 * the end of its first paragraph, its own text; a lone `^id` paragraph is not a block of its own. Ids are
 * attached by the block they name, so the map and {@link findBlockId} cannot disagree.
 */
function* blockMap(units: InlineUnit[], containers: Block[], blockIds: BlockId[]): Generator<void, Block[]> {
  // Blocks are told apart by kind and lines. Keyed by start line, then a short list per line: a string key per
  // block cost most of the parse of a note of 280,000 list items.
  const byStart = new Map<number, Block | Block[]>();
  const all: Block[] = [];
  const same = (k: Block, b: Block): boolean => k.kind === b.kind && k.endLine === b.endLine;
  const add = (b: Block): Block => {
    const atLine = byStart.get(b.startLine);
    const known = atLine === undefined ? undefined : Array.isArray(atLine) ? atLine.find((k) => same(k, b)) : same(atLine, b) ? atLine : undefined;
    if (known) return known;
    if (atLine === undefined) byStart.set(b.startLine, b);
    else if (Array.isArray(atLine)) atLine.push(b);
    else byStart.set(b.startLine, [atLine, b]);
    all.push(b);
    return b;
  };
  for (let i = 0; i < units.length; i++) {
    const u = units[i];
    if (!u.namesPrevious && !(u.tableInListItem && u.blockKind === 'table')) add({ kind: u.blockKind, startLine: u.blockStart, endLine: u.blockEnd, idLine: u.idLine });
    if (i % (UNITS_PER_STEP * 10) === UNITS_PER_STEP * 10 - 1) yield;
  }
  for (const c of containers) add(c);
  for (const b of blockIds) {
    const block = add({ kind: b.kind, startLine: b.startLine, endLine: b.endLine, idLine: b.endLine });
    block.id ??= b.id;
  }
  // Outer before inner; a list before its only item, which spans the same lines.
  const outerFirst = (b: Block): number => (b.kind === 'list' ? 0 : 1);
  return all.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine || outerFirst(a) - outerFirst(b));
}

const ATX_PREFIX = /^ {0,3}#{1,6}(?=[ \t]|$)[ \t]*/;

function readHeading(note: NoteModel, lines: string[], open: Token, inline: Token | undefined): void {
  if (!open.map || !inline) return;
  const level = Number(open.tag.slice(1));
  const content = inline.content;
  const line = open.map[0];
  const src = lines[line];
  let start: number;
  let endLine = line;
  let end: number;
  if (open.markup.startsWith('#')) {
    const prefix = ATX_PREFIX.exec(src);
    start = prefix ? prefix[0].length : 0;
    const at = content ? src.indexOf(content, start) : -1;
    if (at >= 0) start = at;
    end = start + content.length;
  } else {
    // Setext: the text may run over several lines; the range covers them all.
    start = src.length - src.trimStart().length;
    endLine = Math.max(line, open.map[1] - 2);
    end = lines[endLine].trimEnd().length;
  }
  // `## Heading ^id` gives the heading block an id; the id is not part of the heading's text (links to the
  // heading are written without it).
  let text = content.includes('\n') ? content.split('\n').map((s) => s.trim()).filter((s) => s !== '').join(' ') : content.trim();
  const id = trailingBlockId(text);
  if (id && id.caret > 0 && /\s/.test(text[id.caret - 1])) {
    text = text.slice(0, id.caret).trimEnd();
    if (endLine === line) end = start + text.length;
  }
  note.headings.push({
    level,
    text: ownString(text),
    line,
    textRange: range(line, start, endLine, end),
    sectionEndLine: line,
  });
}

/** A section ends before the next heading of the same or a higher level (R5.1); one pass with a stack. */
function computeSections(headings: Heading[], lineCount: number): void {
  const open: Heading[] = [];
  for (const h of headings) {
    while (open.length > 0 && open[open.length - 1].level >= h.level) open.pop()!.sectionEndLine = h.line - 1;
    open.push(h);
  }
  for (const h of open) h.sectionEndLine = lineCount - 1;
}

/** The title is taken greedily and its trailing blanks cut by hand: a lazy title before `[ \t]*$` backtracks. */
const CALLOUT_HEAD = /^\[!([^\]\s]+)\]([+-]?)(?:[ \t]+(.*))?$/;

function readCallout(note: NoteModel, lines: string[], first: number, last: number, depth: number): boolean {
  let rest = lines[first];
  for (let d = 0; d < depth; d++) {
    const m = /^[ \t]{0,3}>[ \t]?/.exec(rest);
    if (!m) return false;
    rest = rest.slice(m[0].length);
  }
  const m = CALLOUT_HEAD.exec(rest);
  if (!m) return false;
  const title = m[3] ?? '';
  let titleEnd = title.length;
  while (titleEnd > 0 && (title[titleEnd - 1] === ' ' || title[titleEnd - 1] === '\t')) titleEnd--;
  note.callouts.push({ type: ownString(m[1]), fold: m[2] as Callout['fold'], title: ownString(title.slice(0, titleEnd)), line: first, endLine: last, depth });
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// `%%comments%%` (R1.6): they may span blocks, so their markers are paired over the whole document, in document
// order. A `%%` inside a code block or a code span is code, not a marker.

function findPercentComments(lines: string[], units: InlineUnit[]): Span[] {
  const markers: Array<{ l: number; c: number }> = [];
  for (let u = 0; u < units.length; u++) {
    // Most units have no `%%`: their text is not even joined.
    let marked = false;
    for (let l = units[u].startLine; l < units[u].endLine && !marked; l++) marked = lines[l].includes('%%');
    if (!marked) continue;
    const { text, map } = unitText(lines, units[u]);
    if (!text.includes('%%')) continue;
    const { spans } = codeSpans(text, scratch(SLOT_OPAQUE, text.length), undefined, SLOT_ESCAPED);
    let span = 0;
    let at = text.indexOf('%%');
    while (at >= 0) {
      while (span < spans.length && spans[span][1] <= at) span++;
      const inCode = span < spans.length && spans[span][0] <= at;
      if (!inCode && !isEscaped(text, at)) {
        const p = map.position(at);
        markers.push({ l: p.line, c: p.character });
        at = text.indexOf('%%', at + 2);
      } else {
        at = text.indexOf('%%', at + 1);
      }
    }
  }
  const spans: Span[] = [];
  for (let i = 0; i + 1 < markers.length; i += 2) {
    spans.push({ sl: markers[i].l, sc: markers[i].c, el: markers[i + 1].l, ec: markers[i + 1].c + 2 });
  }
  // An unclosed `%%` hides the rest of the note in Obsidian's editor as well.
  if (markers.length % 2 === 1) {
    const open = markers[markers.length - 1];
    spans.push({ sl: open.l, sc: open.c, el: lines.length - 1, ec: lines[lines.length - 1].length });
  }
  return spans;
}

const NO_SPANS: Span[] = [];

interface UnitText {
  text: string;
  map: LineMap;
}

function unitText(lines: string[], unit: InlineUnit): UnitText {
  const unitLines = lines.slice(unit.startLine, unit.endLine);
  return { text: unitLines.join('\n'), map: new LineMap(unit.startLine, unitLines) };
}

/** Whether a position lies in one of `spans` (in document order, disjoint): a binary search. */
function insideSpans(spans: Span[], line: number, character: number): boolean {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = spans[mid];
    if (line < s.sl || (line === s.sl && character < s.sc)) hi = mid - 1;
    else if (line > s.el || (line === s.el && character >= s.ec)) lo = mid + 1;
    else return true;
  }
  return false;
}

/** The items whose offset lies in none of `spans`; items and spans both in document order, spans disjoint. */
function outsideSpans<T>(items: T[], offsetOf: (item: T) => number, spans: Array<[number, number]>): T[] {
  const out: T[] = [];
  let s = 0;
  for (const item of items) {
    const at = offsetOf(item);
    while (s < spans.length && spans[s][1] <= at) s++;
    if (s >= spans.length || spans[s][0] > at) out.push(item);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Inline scanning of one unit

const ASCII_PUNCT = /[!-\/:-@\[-`{-~]/;

function scanUnit(note: NoteModel, unit: InlineUnit, { text, map }: UnitText, comments: Span[]): void {
  if (!/\S/.test(text)) return;
  const n = text.length;
  const opaque = scratch(SLOT_OPAQUE, n);

  // %% comments that reach into this unit.
  for (const c of comments) {
    if (c.el < unit.startLine || c.sl >= unit.endLine) continue;
    const from = c.sl < unit.startLine ? 0 : map.offset({ line: c.sl, character: c.sc });
    const to = c.el >= unit.endLine ? n : map.offset({ line: c.el, character: c.ec });
    opaque.fill(1, from, to);
  }

  // Wiki-links are found before code spans so that backticks inside `[[…]]` stay link text (R1.3), but a `[[`
  // that itself sits in a code span is not a link.
  const candidates = findWikiCandidates(text, opaque);
  let accepted = candidates;
  const linkMask = scratch(SLOT_LINKS, n);
  if (candidates.length > 0) {
    const firstPass = codeSpans(text, opaque, undefined, SLOT_ESCAPED_FIRST);
    if (firstPass.spans.length > 0) accepted = outsideSpans(candidates, (c) => c.start, firstPass.spans);
    for (const c of accepted) linkMask.fill(1, c.start, c.end);
  }
  const { spans: code, escaped } = codeSpans(text, opaque, linkMask, SLOT_ESCAPED);
  for (const [s, e] of code) {
    opaque.fill(1, s, e);
    note.opaque.push(map.range(s, e));
  }
  for (const [s, e] of mathAndHtmlComments(text, opaque, linkMask)) {
    opaque.fill(1, s, e);
    note.opaque.push(map.range(s, e));
  }

  const taken = scratch(SLOT_TAKEN, n);
  for (const c of accepted) {
    if (opaque[c.start]) continue;
    const embed = c.start > 0 && text[c.start - 1] === '!' && !escaped[c.start - 1] && !opaque[c.start - 1];
    // Over the limit a link is only counted (wikiLink refuses a link text with a line break).
    const overLimit = note.links.length >= MAX_NOTE_LINKS && note.omittedLinks !== undefined;
    const link = overLimit ? (hasLineBreak(text, c.start, c.end) ? undefined : COUNTED_LINK) : wikiLink(map, text, c.start, c.end, embed);
    if (link) {
      addLink(note, link);
      taken.fill(1, embed ? c.start - 1 : c.start, c.end);
    }
  }
  if (text.includes('](')) findMarkdownLinks(note, map, text, opaque, escaped, taken);
  findTags(note, map, text, opaque, escaped, taken);
  findBlockId(note, map, text, opaque, escaped, unit);
}

/**
 * Per-character flags for the unit being scanned. Units are scanned one at a time, so a few buffers are reused
 * for all of them (zeroed per use) instead of allocating several typed arrays for every paragraph of a vault.
 * A unit longer than {@link SCRATCH_KEPT_BYTES} (a pasted megabyte on one line) gets buffers of its own, given back
 * with it: kept, five buffers the size of the longest unit ever seen would hold tens of megabytes for good.
 */
const SLOT_OPAQUE = 0;
const SLOT_LINKS = 1;
const SLOT_TAKEN = 2;
const SLOT_ESCAPED = 3;
const SLOT_ESCAPED_FIRST = 4;
const scratchBuffers: Uint8Array[] = [0, 1, 2, 3, 4].map(() => new Uint8Array(4096));

const SCRATCH_KEPT_BYTES = 256 * 1024;

function scratch(slot: number, n: number): Uint8Array {
  if (n > SCRATCH_KEPT_BYTES) return new Uint8Array(n);
  let buf = scratchBuffers[slot];
  if (buf.length < n) {
    buf = new Uint8Array(Math.min(SCRATCH_KEPT_BYTES, Math.max(n, buf.length * 2)));
    scratchBuffers[slot] = buf;
  }
  const view = buf.subarray(0, n);
  view.fill(0);
  return view;
}

interface Candidate {
  /** Offset of the first `[`. */
  start: number;
  /** Offset just after the closing `]]`. */
  end: number;
}

/** `[[…]]` on one line; for nested brackets the innermost pair is the link and a single `]` does not end it (R2.3). */
function findWikiCandidates(text: string, opaque: Uint8Array): Candidate[] {
  const out: Candidate[] = [];
  let i = text.indexOf('[[');
  while (i >= 0) {
    if (opaque[i] || isEscaped(text, i)) {
      i = text.indexOf('[[', i + 1);
      continue;
    }
    let j = i + 2;
    let start = i;
    let found = -1;
    while (j < text.length) {
      const ch = text[j];
      if (ch === '\n') break;
      if (ch === '[' && text[j + 1] === '[') {
        start = j; // a later `[[` before any `]]`: the inner pair is the link
        j += 2;
        continue;
      }
      if (ch === ']' && text[j + 1] === ']') {
        found = j;
        break;
      }
      j++;
    }
    if (found >= 0) {
      // `[[[x]]]`-style runs: the link starts at the last `[[` of the run.
      while (text[start + 2] === '[') start++;
      out.push({ start, end: found + 2 });
      i = text.indexOf('[[', found + 2);
    } else {
      i = text.indexOf('[[', Math.max(j, i + 2));
    }
  }
  return out;
}

function isEscaped(text: string, at: number): boolean {
  let n = 0;
  for (let k = at - 1; k >= 0 && text[k] === '\\'; k--) n++;
  return n % 2 === 1;
}

/**
 * CommonMark code spans (a backtick run closes only at a run of the same length) and backslash escapes, which
 * are processed in one left-to-right pass because each disables the other: an escaped backtick opens no span, and
 * a backslash inside a span is literal. `skip` marks text already claimed by wiki-links.
 */
function codeSpans(text: string, opaque: Uint8Array, skip: Uint8Array | undefined, slot: number): { spans: Array<[number, number]>; escaped: Uint8Array } {
  const spans: Array<[number, number]> = [];
  const escaped = scratch(slot, text.length);
  if (text.indexOf('`') < 0 && text.indexOf('\\') < 0) return { spans, escaped };
  const n = text.length;
  // Backtick runs outside escapes, in order; pairing them is then a linear walk (each run is looked at by at most
  // one pending opener of its length), which keeps long notes with stray backticks linear.
  const runs: Array<[number, number]> = [];
  let i = 0;
  while (i < n) {
    if (opaque[i] || (skip && skip[i])) {
      runs.push([i, -1]); // a barrier: spans never cross opaque text or wiki-links
      while (i < n && (opaque[i] || (skip && skip[i]))) i++;
      continue;
    }
    const ch = text.charCodeAt(i);
    if (ch === 92 /* \\ */ && i + 1 < n && ASCII_PUNCT.test(text[i + 1])) {
      escaped[i] = 1;
      escaped[i + 1] = 1;
      i += 2;
      continue;
    }
    if (ch === 96 /* ` */) {
      let k = i;
      while (k < n && text.charCodeAt(k) === 96) k++;
      runs.push([i, k - i]);
      i = k;
      continue;
    }
    i++;
  }
  // The next run of the same length before a barrier, for every run (right to left), so that an opener that
  // never closes costs nothing: a note of stray backticks of many lengths stays linear.
  const nextSame = new Int32Array(runs.length).fill(-1);
  let after = new Map<number, number>();
  for (let q = runs.length - 1; q >= 0; q--) {
    const len = runs[q][1];
    if (len < 0) {
      if (after.size > 0) after = new Map();
      continue;
    }
    nextSame[q] = after.get(len) ?? -1;
    after.set(len, q);
  }
  // Backslashes inside a code span are literal: escapes found there are undone below.
  let r = 0;
  while (r < runs.length) {
    const [start, len] = runs[r];
    if (len < 0) {
      r++;
      continue;
    }
    const close = nextSame[r];
    if (close < 0) {
      r++;
      continue;
    }
    const end = runs[close][0] + len;
    spans.push([start, end]);
    escaped.fill(0, start, end);
    r = close + 1;
  }
  return { spans, escaped };
}

/** `$$…$$`, `$…$` (R1.4) and `<!-- … -->` (R1.5) inside a unit. */
function mathAndHtmlComments(text: string, opaque: Uint8Array, skip: Uint8Array): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  if (text.indexOf('$') < 0 && text.indexOf('<!--') < 0) return out;
  const n = text.length;
  // `$`s from which a search for a closing `$` already ran to the end of its line: a later search that reaches
  // one of them (or starts there) would read the same characters and fail the same way, so it stops.
  const noClose = new Uint8Array(n);
  let i = 0;
  while (i < n) {
    if (opaque[i] || skip[i]) {
      i++;
      continue;
    }
    const ch = text[i];
    if (ch === '\\') {
      i += 2;
      continue;
    }
    if (ch === '<' && text.startsWith('<!--', i)) {
      const close = text.indexOf('-->', i + 4);
      const end = close >= 0 ? close + 3 : n;
      out.push([i, end]);
      i = end;
      continue;
    }
    if (ch === '$') {
      if (text[i + 1] === '$') {
        const close = text.indexOf('$$', i + 2);
        if (close >= 0) {
          out.push([i, close + 2]);
          i = close + 2;
          continue;
        }
        i += 2;
        continue;
      }
      // Inline math: the opening `$` is followed by a non-space, the closing one preceded by a non-space and not
      // followed by a digit (so that "$5 and $10" stays text), on the same line.
      if (i + 1 < n && !/\s/.test(text[i + 1]) && !noClose[i]) {
        let j = i + 1;
        let close = -1;
        const visited: number[] = [i];
        while (j < n && text[j] !== '\n') {
          if (text[j] === '\\') {
            j += 2;
            continue;
          }
          if (text[j] === '$') {
            if (noClose[j]) break;
            if (!/\s/.test(text[j - 1]) && !/[0-9]/.test(text[j + 1] ?? '')) {
              close = j;
              break;
            }
            visited.push(j);
          }
          j++;
        }
        if (close < 0) for (const v of visited) noClose[v] = 1;
        if (close >= 0) {
          out.push([i, close + 1]);
          i = close + 1;
          continue;
        }
      }
    }
    i++;
  }
  return out;
}

/**
 * Splits `[[linktext|display]]` (R2.1–R2.4): display after the first `|` (or `\|`, the table form, whose
 * backslash is dropped); linkpath before the first `#`; the rest is the subpath.
 */
function wikiLink(map: LineMap, text: string, start: number, end: number, embed: boolean): Link | undefined {
  const innerStart = start + 2;
  const innerEnd = end - 2;
  const inner = text.slice(innerStart, innerEnd);
  if (inner.includes('\n')) return undefined;
  let pipe = inner.indexOf('|');
  let targetEnd = pipe;
  if (pipe > 0 && inner[pipe - 1] === '\\') targetEnd = pipe - 1;
  if (pipe < 0) {
    pipe = inner.length;
    targetEnd = inner.length;
  }
  const target = inner.slice(0, targetEnd);
  const hash = target.indexOf('#');
  const rawPath = hash >= 0 ? target.slice(0, hash) : target;
  const lead = rawPath.length - rawPath.trimStart().length;
  const path = ownString(rawPath.trim());
  const pathStart = innerStart + lead;
  // A wiki-link never spans lines: every part is on the line of its first bracket.
  const first = embed ? start - 1 : start;
  const at = map.position(first);
  const col = (offset: number): number => at.character + offset - first;
  const pathAt = path ? pathStart : innerStart + (hash >= 0 ? hash : 0);
  const link: Link = {
    syntax: 'wiki',
    embed,
    path,
    line: at.line,
    character: at.character,
    endLine: at.line,
    endCharacter: col(end),
    pathLine: at.line,
    pathStart: col(pathAt),
    pathEnd: col(path ? pathStart + path.length : pathAt),
  };
  if (hash >= 0) {
    link.subpath = ownString(target.slice(hash + 1));
    link.subpathStart = col(innerStart + hash + 1);
    link.subpathEnd = col(innerStart + targetEnd);
  }
  if (pipe < inner.length) {
    link.display = ownString(inner.slice(pipe + 1));
    link.displayLine = at.line;
    link.displayCharacter = col(innerStart + pipe + 1);
    link.displayEndLine = at.line;
    link.displayEndCharacter = col(innerEnd);
  }
  return link;
}

/**
 * `[text](dest)` and `![alt](dest)` with `<…>` destinations and balanced parentheses (R6.2).
 *
 * Linear in the unit's length however many candidates fail: brackets are paired once with a stack, the
 * destinations of all candidates are found in one shared pass, and titles are closed from precomputed positions,
 * so no candidate rescans text that an earlier one already read.
 */
function findMarkdownLinks(note: LinkSink, map: LineMap, text: string, opaque: Uint8Array, escaped: Uint8Array, taken: Uint8Array): void {
  const n = text.length;
  const closeOf = matchBrackets(text, opaque, escaped);
  const destinations = new Destinations(text);
  // Every `[` whose `]` is followed by `(`: its destination starts after the `(` and any spaces or tabs.
  for (let i = text.indexOf('['); i >= 0; i = text.indexOf('[', i + 1)) {
    const j = closeOf[i] - 1;
    if (j >= 0 && text.charCodeAt(j + 1) === 40 /* ( */) destinations.want(j + 2);
  }
  destinations.run();
  let i = text.indexOf('[');
  while (i >= 0 && i < n) {
    const j = closeOf[i] - 1;
    if (opaque[i] || escaped[i] || taken[i] || j < 0 || text.charCodeAt(j + 1) !== 40) {
      i = text.indexOf('[', i + 1);
      continue;
    }
    const dest = destinations.at(j + 2);
    if (!dest) {
      i = text.indexOf('[', i + 1);
      continue;
    }
    const embed = i > 0 && text[i - 1] === '!' && !escaped[i - 1] && !opaque[i - 1];
    const start = embed ? i - 1 : i;
    addLink(note, markdownLink(map, text, start, dest.end, embed, i + 1, j, dest.start, dest.endOfDest));
    taken.fill(1, start, dest.end);
    i = text.indexOf('[', dest.end);
  }
}

/**
 * For each live `[`, 1 + the offset of the `]` that closes it with brackets balanced in between (0: none), live
 * meaning neither opaque nor escaped. One pass with a stack gives exactly what a depth-counting scan from each
 * `[` would.
 */
function matchBrackets(text: string, opaque: Uint8Array, escaped: Uint8Array): Int32Array {
  const closeOf = new Int32Array(text.length);
  const open: number[] = [];
  for (let k = 0; k < text.length; k++) {
    const ch = text.charCodeAt(k);
    if ((ch !== 91 && ch !== 93) || opaque[k] || escaped[k]) continue;
    if (ch === 91 /* [ */) open.push(k);
    else if (open.length > 0) closeOf[open.pop()!] = k + 1;
  }
  return closeOf;
}

interface Destination {
  /** Offset of the destination text (inside `<…>` when angled). */
  start: number;
  endOfDest: number;
  /** Offset after the closing `)`. */
  end: number;
}

/** How an unangled destination that starts at a given offset ends. */
interface BareEnd {
  endOfDest: number;
  /** Unbalanced `(` left open at `endOfDest` (a destination needs 0). */
  depth: number;
}

/**
 * The destinations of all candidate links of one unit (CommonMark's link destination, then an optional title and
 * `)`). A bare destination ends at the first space or control character, or at a `)` that would unbalance its
 * parentheses; which of those comes first is found for all starting offsets in one left-to-right pass (a start
 * is pending until the parenthesis depth drops below its own), because a backslash escape always begins at the
 * same offsets whichever candidate the scan starts from (every start follows a `(` or a space).
 */
class Destinations {
  private readonly starts: number[] = [];
  private readonly bare = new Map<number, BareEnd>();
  private readonly tails = new Map<number, number>();
  /** Per title delimiter, the next offset holding it outside backslash escapes (-1: none); built on first use. */
  private nextTitleClose?: Record<string, Int32Array>;

  constructor(private readonly text: string) {}

  /** Registers a candidate whose destination text starts at `from` (before leading spaces). */
  want(from: number): void {
    const start = this.skipSpaces(from);
    if (this.text.charCodeAt(start) !== 60 /* < */) this.starts.push(start);
  }

  run(): void {
    const { text, starts, bare } = this;
    if (starts.length === 0) return;
    starts.sort((a, b) => a - b);
    const n = text.length;
    const pending: Array<{ start: number; depth: number }> = [];
    let next = 0;
    let depth = 0;
    const settle = (end: number): void => {
      for (const p of pending) bare.set(p.start, { endOfDest: end, depth: depth - p.depth });
      pending.length = 0;
    };
    let j = starts[0];
    while (true) {
      while (next < starts.length && starts[next] <= j) {
        if (starts[next] === j) pending.push({ start: j, depth });
        next++;
      }
      if (j >= n) {
        settle(n);
        break;
      }
      if (pending.length === 0) {
        if (next >= starts.length) break;
        // Nothing pending: jump to the next start (escapes never straddle it, see above).
        j = starts[next];
        depth = 0;
        continue;
      }
      const ch = text.charCodeAt(j);
      if (ch === 92 /* \ */ && j + 1 < n && ASCII_PUNCT.test(text[j + 1])) {
        j += 2;
        continue;
      }
      if (ch === 32 || ch === 9 || ch === 10 || ch < 0x20) {
        settle(j);
      } else if (ch === 40 /* ( */) {
        depth++;
      } else if (ch === 41 /* ) */) {
        while (pending.length > 0 && pending[pending.length - 1].depth === depth) {
          bare.set(pending.pop()!.start, { endOfDest: j, depth: 0 });
        }
        depth--;
      }
      j++;
    }
  }

  /** The destination of the candidate whose `(` is just before `from`, or undefined when it has none. */
  at(from: number): Destination | undefined {
    const text = this.text;
    const n = text.length;
    const start0 = this.skipSpaces(from);
    let start: number;
    let endOfDest: number;
    let i: number;
    if (text[start0] === '<') {
      // A `<…>` destination stops at the first `<`, `>` or newline, so scans of different candidates never overlap.
      start = start0 + 1;
      let j = start;
      while (j < n && text[j] !== '>' && text[j] !== '\n' && text[j] !== '<') {
        if (text[j] === '\\') j++;
        j++;
      }
      if (text[j] !== '>') return undefined;
      endOfDest = j;
      i = j + 1;
    } else {
      const found = this.bare.get(start0);
      if (!found || found.depth !== 0) return undefined;
      start = start0;
      endOfDest = found.endOfDest;
      i = endOfDest;
    }
    let end = this.tails.get(i);
    if (end === undefined) this.tails.set(i, (end = this.titleAndClose(i)));
    return end < 0 ? undefined : { start, endOfDest, end };
  }

  private skipSpaces(from: number): number {
    let i = from;
    while (i < this.text.length && (this.text[i] === ' ' || this.text[i] === '\t')) i++;
    return i;
  }

  /** After a destination ending at `i`: an optional title, then `)`. The offset after `)`, or -1. */
  private titleAndClose(i: number): number {
    const text = this.text;
    const n = text.length;
    let k = i;
    while (k < n && /[ \t\n]/.test(text[k])) k++;
    if (k < n && (text[k] === '"' || text[k] === "'" || text[k] === '(') && k > i) {
      const m = this.titleClose(text[k] === '(' ? ')' : text[k], k + 1);
      if (m < 0) return -1;
      k = m + 1;
      while (k < n && /[ \t\n]/.test(text[k])) k++;
    }
    return text[k] === ')' ? k + 1 : -1;
  }

  /**
   * The first `close` at or after `from` that no backslash escapes. `from` follows a title's opening delimiter,
   * which follows whitespace, so it is where an escape can begin whichever scan reaches it.
   */
  private titleClose(close: string, from: number): number {
    if (!this.nextTitleClose) {
      const text = this.text;
      const n = text.length;
      const live = new Uint8Array(n);
      for (let m = 0; m < n; m++) {
        live[m] = 1;
        if (text.charCodeAt(m) === 92) m++;
      }
      const table: Record<string, Int32Array> = {};
      for (const c of ['"', "'", ')']) {
        const next = new Int32Array(n + 1);
        next[n] = -1;
        for (let m = n - 1; m >= 0; m--) next[m] = live[m] && text[m] === c ? m : next[m + 1];
        table[c] = next;
      }
      this.nextTitleClose = table;
    }
    return this.nextTitleClose[close][from];
  }
}

function unescapeDestination(s: string): string {
  return s.replace(/\\([!-\/:-@\[-`{-~])/g, '$1');
}

function markdownLink(
  map: LineMap,
  text: string,
  start: number,
  end: number,
  embed: boolean,
  labelStart: number,
  labelEnd: number,
  destStart: number,
  destEnd: number,
): Link {
  const destination = ownString(text.slice(destStart, destEnd));
  const from = map.position(start);
  const to = map.position(Math.max(start, end));
  const label = map.position(labelStart);
  const labelTo = map.position(Math.max(labelStart, labelEnd));
  // A destination never spans lines (no line break inside `<…>`, no whitespace in a bare one).
  const dest = map.position(destStart);
  const link: Link = {
    syntax: 'markdown',
    embed,
    path: '',
    display: ownString(text.slice(labelStart, labelEnd)),
    destination,
    line: from.line,
    character: from.character,
    endLine: to.line,
    endCharacter: to.character,
    pathLine: dest.line,
    pathStart: dest.character,
    pathEnd: dest.character + Math.max(0, destEnd - destStart),
    displayLine: label.line,
    displayCharacter: label.character,
    displayEndLine: labelTo.line,
    displayEndCharacter: labelTo.character,
  };
  fillDestination(link, destination, dest.character);
  return link;
}

/** Splits a markdown destination into decoded path and fragment (R6.2–R6.5). Shared by links and definitions. */
/**
 * Splits a markdown destination into decoded path and fragment (R6.2–R6.5). Shared by links and definitions;
 * `column` is where the destination starts on the link's `pathLine`.
 */
function fillDestination(link: Link, destination: string, column: number): void {
  if (hasUriScheme(destination)) {
    link.external = true;
    link.path = ownString(destination);
    return;
  }
  const hash = destination.indexOf('#');
  const rawPath = hash >= 0 ? destination.slice(0, hash) : destination;
  link.path = ownString(percentDecode(unescapeDestination(rawPath)).trim());
  link.pathStart = column;
  link.pathEnd = column + rawPath.length;
  if (hash >= 0) {
    link.subpath = ownString(percentDecode(unescapeDestination(destination.slice(hash + 1))));
    link.subpathStart = column + hash + 1;
    link.subpathEnd = column + destination.length;
  }
}

/**
 * Tags (R8): `#` at a line start or after whitespace, then letters, digits, `_`, `-`, `/` and other non-punctuation
 * characters (emoji included); at least one character that is not a digit.
 */
const TAG = /(^|[\s])#([^\s!-,.:-@\[-\^`{-~\u2000-\u206F\u2E00-\u2E7F]+)/gu;

function findTags(note: NoteModel, map: LineMap, text: string, opaque: Uint8Array, escaped: Uint8Array, taken: Uint8Array): void {
  if (!text.includes('#')) return;
  TAG.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TAG.exec(text))) {
    const hash = m.index + m[1].length;
    if (opaque[hash] || escaped[hash] || taken[hash]) continue;
    let name = m[2];
    // A tag stops at the first opaque character (a `%%` or a code span glued to it).
    for (let k = 0; k < name.length; k++) {
      if (opaque[hash + 1 + k]) {
        name = name.slice(0, k);
        break;
      }
    }
    let last = name.length;
    while (last > 0 && name.charCodeAt(last - 1) === 47 /* / */) last--;
    name = name.slice(0, last);
    if (!name || /^[0-9/]+$/.test(name)) continue;
    note.tags.push({ name: ownString(name), range: map.range(hash, hash + 1 + name.length), inFrontmatter: false } satisfies Tag);
  }
}

function findBlockId(note: NoteModel, map: LineMap, text: string, opaque: Uint8Array, escaped: Uint8Array, unit: InlineUnit): void {
  const lastLineStart = text.lastIndexOf('\n') + 1;
  const lastLine = text.slice(lastLineStart);
  if (!lastLine.includes('^')) return;
  const m = blockIdEndingBlock(lastLine);
  if (!m) return;
  const caret = lastLineStart + m.caret;
  if (opaque[caret] || escaped[caret]) return;
  const id = m.id;
  let kind = unit.blockKind;
  let startLine = unit.blockStart;
  let endLine = unit.blockEnd;
  // An id alone in its own paragraph names the block before it (lists, quotes, tables…).
  const alone = text.trim() === `^${id}`;
  if (alone && unit.kind === 'paragraph' && unit.blockKind === 'paragraph' && unit.previous) {
    ({ kind, start: startLine, end: endLine } = unit.previous);
    unit.namesPrevious = true;
  }
  const block: BlockId = { id: ownString(id), range: map.range(caret, caret + 1 + id.length), kind, startLine, endLine };
  note.blockIds.push(block);
}

// ---------------------------------------------------------------------------------------------------------------
// Link reference definitions (R6.7): the block parser consumes them without tokens, so they are read from the
// lines that no leaf block claimed.

const DEFINITION = /^([ \t>]*)\[((?:[^\]\\\n]|\\.)+)\]:[ \t]*(<[^>\n]*>|\S+)(?:[ \t]+(?:"[^"]*"|'[^']*'|\([^)]*\)))?[ \t]*$/;

function findDefinitions(note: NoteModel, lines: string[], leafLines: Uint8Array, codeLines: Uint8Array, fmEnd: number, comments: Span[]): void {
  for (let l = fmEnd + 1; l < lines.length; l++) {
    if (leafLines[l] || codeLines[l]) continue;
    const line = lines[l];
    if (!line.includes(']:')) continue;
    const m = DEFINITION.exec(line);
    if (!m || m[2].startsWith('^')) continue;
    const labelStart = m[1].length + 1;
    if (insideSpans(comments, l, labelStart)) continue;
    let destStart = line.indexOf(m[3], labelStart + m[2].length + 2);
    let destination = ownString(m[3]);
    if (destination.startsWith('<')) {
      destination = destination.slice(1, -1);
      destStart += 1;
    }
    const link: Link = {
      syntax: 'definition',
      embed: false,
      path: '',
      display: ownString(m[2]),
      destination,
      line: l,
      character: m[1].length,
      endLine: l,
      endCharacter: line.trimEnd().length,
      pathLine: l,
      pathStart: destStart,
      pathEnd: destStart + destination.length,
      displayLine: l,
      displayCharacter: labelStart,
      displayEndLine: l,
      displayEndCharacter: labelStart + m[2].length,
    };
    fillDestination(link, destination, destStart);
    addLink(note, link);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Table rows, for writers

/**
 * How far around a line `isTableRow` reads (lines each way, characters in all): a run of non-blank lines longer
 * than this is read in part, so a request on a huge paragraph stays cheap.
 */
const TABLE_WINDOW_LINES = 2000;
const TABLE_WINDOW_CHARS = 256 * 1024;

/**
 * Whether line `line` of `lines` belongs to a GFM table, as this parser's block parser reads it: what a writer
 * asks before putting a `|` into that line, since inside a table row the alias separator must be `\|` (R2.4).
 * Reads only the run of non-blank lines around the line (a table never spans a blank line), so it works on live
 * text while the note's model may lag one edit behind.
 */
export function isTableRow(lines: readonly string[], line: number): boolean {
  if (line < 0 || line >= lines.length || !lines[line].includes('|')) return false;
  let chars = lines[line].length;
  let start = line;
  while (start > 0 && line - start < TABLE_WINDOW_LINES && chars < TABLE_WINDOW_CHARS && lines[start - 1].trim() !== '') chars += lines[--start].length;
  let end = line;
  while (end + 1 < lines.length && end - line < TABLE_WINDOW_LINES && chars < TABLE_WINDOW_CHARS && lines[end + 1].trim() !== '') chars += lines[++end].length;
  const at = line - start;
  for (const t of md.parse(lines.slice(start, end + 1).join('\n'), {})) {
    if (t.type === 'table_open' && t.map && t.map[0] <= at && at < t.map[1]) return true;
  }
  return false;
}
