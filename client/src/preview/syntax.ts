/**
 * Parse-time half of the preview plugin: markdown-it rules that turn Obsidian syntax into tokens.
 *
 * VS Code tokenizes a document once per version, with an empty `env`, and renders the cached tokens with an
 * `env` that names the document. So nothing here may depend on which file is being parsed or on the vault:
 * these rules only record *what is written* (using the engine to read it), and every resolution happens at render
 * time (see render.ts).
 *
 * Reading the source with the engine: before markdown-it's block parser runs, the source is parsed once with the
 * engine's `parseNote`, the same parser behind the index and the diagnostics. Its model says where `%%comments%%`
 * and `^blockid` markers are (R1.6, R4.8, R4.9) and which blockquotes are callouts (R9); comments and markers are
 * then cut out of the source (line breaks kept, so every token's line map stays that of the file), and callouts
 * are rebuilt from the blockquote tokens. Wiki-link text is split by the engine's `parseLinkSource`.
 */
import type MarkdownIt from 'markdown-it';
import {
  fileKind,
  type Link,
  type NoteModel,
  parseLinkSource,
  parseNote,
  type Range,
  splitLines,
} from '@ospo-notes/engine';
import { calloutKind } from './callouts';

type Md = MarkdownIt;
type Token = MarkdownIt.Token;
type StateCore = MarkdownIt.StateCore;
type StateInline = MarkdownIt.StateInline;

/** Token types this plugin emits. */
export const T = {
  wikilink: 'ospo_wikilink',
  anchor: 'ospo_anchor',
  calloutOpen: 'ospo_callout_open',
  calloutClose: 'ospo_callout_close',
  calloutTitleOpen: 'ospo_callout_title_open',
  calloutTitleClose: 'ospo_callout_title_close',
  calloutContentOpen: 'ospo_callout_content_open',
  calloutContentClose: 'ospo_callout_content_close',
  markOpen: 'mark_open',
  markClose: 'mark_close',
} as const;

/** Set in the `env` of the parse of embedded content: it gets no line anchors and no raw HTML (see render.ts). */
export const EMBED_PARSE = Symbol('ospo.embedParse');

/** Set in the `env` of a parse whose source the engine has already parsed: its model, so it is not parsed twice. */
export const KNOWN_MODEL = Symbol('ospo.knownModel');

/** What one parse of a source knew: the engine's model of the source as written, and its lines. */
export interface ParseInfo {
  readonly model: NoteModel;
  readonly lines: readonly string[];
  readonly embedded: boolean;
}

/** A wiki-link, wiki-embed or markdown embed found by the parse, as the engine reads it. */
export interface LinkMeta {
  readonly link: Link;
  /** The source text of the link (shown as is when there is no vault to resolve it in). */
  readonly source: string;
  /** Note and PDF embeds are blocks; images, audio, video and plain links stay in the line. */
  readonly layout: 'block' | 'inline';
  /** The parse the link belongs to; set once the inline pass is done. */
  doc?: ParseInfo;
  /** The paragraph the embed stands alone in: hidden, its attributes (line data) move onto the embed. */
  wrapper?: Token;
}

export interface CalloutMeta {
  /** The type as written. */
  readonly type: string;
  readonly fold: '' | '+' | '-';
  /** Set when the header has no title: the renderer writes the default one. */
  readonly untitled: boolean;
}

function layoutOf(link: Link): 'block' | 'inline' {
  if (!link.embed) return 'inline';
  const kind = fileKind(link.path);
  return kind === 'image' || kind === 'audio' || kind === 'video' ? 'inline' : 'block';
}

/** Installs the parse rules; `links` receives the metadata of every link token. */
export function installSyntax(md: Md, links: WeakMap<Token, LinkMeta>, onParse: () => void): void {
  const parses = new WeakMap<StateCore, ParseInfo>();

  md.core.ruler.after('normalize', 'ospo_source', (state) => {
    const env = (state.env ?? {}) as Record<symbol, unknown>;
    const embedded = Boolean(env[EMBED_PARSE]);
    const lines = splitLines(state.src);
    let model = env[KNOWN_MODEL] as NoteModel | undefined;
    if (!model || model.lineCount !== lines.length) {
      onParse();
      model = parseNote('', state.src);
    }
    parses.set(state, { model, lines, embedded });
    state.src = cutRanges(lines, hiddenRanges(model, lines, embedded)).join('\n');
  });

  md.core.ruler.after('block', 'ospo_blocks', (state) => {
    const info = parses.get(state);
    if (!info) return;
    state.tokens = rebuildCallouts(state, info.model);
    if (!info.embedded) state.tokens = addLineAnchors(state, info.model);
  });

  md.core.ruler.after('inline', 'ospo_links', (state) => {
    const info = parses.get(state);
    if (info) finishLinks(state.tokens, links, info);
  });

  md.inline.ruler.before('link', 'ospo_wikilink', (state, silent) => wikiLinkRule(state, silent, links));

  // Markdown image syntax can embed any vault file (R5.6): the image rule is wrapped to learn the exact source of
  // each image, so that the engine (not markdown-it's URL normalisation) reads its destination.
  // `__rules__` is markdown-it's own list of rules; its type declarations leave it out.
  const rules = (md.inline.ruler as unknown as { __rules__: Array<{ name: string; fn: MarkdownIt.ParserInline.RuleInline }> }).__rules__;
  const image = rules.find((r) => r.name === 'image')?.fn;
  if (image) {
    md.inline.ruler.at('image', (state, silent) => {
      const start = state.pos;
      const before = state.tokens.length;
      if (!image(state, silent)) return false;
      const token = state.tokens.length > before ? state.tokens[state.tokens.length - 1] : undefined;
      if (!silent && token?.type === 'image') {
        const source = state.src.slice(start, state.pos);
        const link = parseLinkSource(source);
        if (link && link.embed && !link.external && link.path !== '') links.set(token, { link, source, layout: layoutOf(link) });
      }
      return true;
    });
  }

  // Markdown links to vault files (`[Component](Component)`, R3/R6) resolve as the index resolves them, not as
  // URLs relative to the previewed document: the link rule is wrapped to learn each link's exact source, and the
  // renderer rewrites the href of the ones the engine finds in the vault.
  const link = rules.find((r) => r.name === 'link')?.fn;
  if (link) {
    md.inline.ruler.at('link', (state, silent) => {
      const start = state.pos;
      const before = state.tokens.length;
      if (!link(state, silent)) return false;
      // Pending text before the link is pushed first: the link's own token is the first `link_open` after it.
      const token = state.tokens.slice(before).find((t) => t.type === 'link_open');
      if (!silent && token) {
        const parsed = parseLinkSource(state.src.slice(start, state.pos));
        if (parsed && !parsed.embed && !parsed.external && parsed.syntax !== 'wiki') links.set(token, { link: parsed, source: state.src.slice(start, state.pos), layout: 'inline' });
      }
      return true;
    });
  }

  md.inline.ruler.before('emphasis', 'ospo_highlight', highlightTokenize);
  md.inline.ruler2.before('emphasis', 'ospo_highlight', highlightPostProcess);
}

// ---------------------------------------------------------------------------------------------------------------
// Source cuts

/**
 * What Obsidian's reading view hides in a note: `%%comments%%` (R1.6) and `^blockid` markers (R4.9), and for
 * embedded content also HTML comments (raw HTML is shown as text there, see render.ts). Source ranges of the
 * engine's model.
 */
export function hiddenRanges(model: NoteModel, lines: readonly string[], embedded: boolean): Range[] {
  const cuts: Range[] = [];
  for (const r of model.opaque) {
    const text = lines[r.start.line]?.slice(r.start.character) ?? '';
    if (text.startsWith('%%') || (embedded && text.trimStart().startsWith('<!--'))) cuts.push(r);
  }
  for (const b of model.blockIds) cuts.push(b.range);
  return cuts;
}

/** The lines with the ranges cut out: characters within lines only, never a line break, so lines keep their numbers. */
export function cutRanges(lines: readonly string[], cuts: readonly Range[]): string[] {
  const out = lines.slice();
  if (cuts.length === 0) return out;
  const perLine = new Map<number, Array<[number, number]>>();
  for (const r of cuts) {
    for (let l = r.start.line; l <= r.end.line && l < lines.length; l++) {
      const from = l === r.start.line ? r.start.character : 0;
      const to = l === r.end.line ? r.end.character : lines[l].length;
      if (to <= from) continue;
      let list = perLine.get(l);
      if (!list) perLine.set(l, (list = []));
      list.push([from, to]);
    }
  }
  for (const [l, spans] of perLine) {
    spans.sort((a, b) => a[0] - b[0]);
    let text = '';
    let at = 0;
    for (const [from, to] of spans) {
      if (from > at) text += out[l].slice(at, from);
      at = Math.max(at, to);
    }
    out[l] = text + out[l].slice(at);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Callouts (R9)

/**
 * Turns each blockquote that the engine found to be a callout into callout tokens: the header line of its first
 * paragraph becomes the title (parsed as inline markdown by the inline pass that follows), the rest stays as the
 * body. One pass over the tokens, building a new list.
 */
function rebuildCallouts(state: StateCore, model: NoteModel): Token[] {
  if (model.callouts.length === 0) return state.tokens;
  const byLine = new Map<string, (typeof model.callouts)[number]>();
  for (const c of model.callouts) byLine.set(`${c.line}:${c.depth}`, c);

  const tokens = state.tokens;
  const out: Token[] = [];
  const open: Array<Token | undefined> = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type === 'blockquote_open') {
      const callout = t.map ? byLine.get(`${t.map[0]}:${open.length + 1}`) : undefined;
      const para = tokens[i + 1];
      const inline = tokens[i + 2];
      const usable = callout && para?.type === 'paragraph_open' && para.map?.[0] === t.map![0] && inline?.type === 'inline' && inline.content.startsWith('[!');
      if (!usable) {
        open.push(undefined);
        out.push(t);
        continue;
      }
      const newline = inline.content.indexOf('\n');
      const header = newline < 0 ? inline.content : inline.content.slice(0, newline);
      const close = header.indexOf(']');
      const title = header.slice(close + 1 + callout.fold.length).trim();
      const tag = callout.fold ? 'details' : 'div';
      const meta: CalloutMeta = { type: callout.type, fold: callout.fold, untitled: title === '' };

      t.type = T.calloutOpen;
      t.tag = tag;
      t.meta = meta as unknown as Record<string, unknown>;
      t.attrJoin('class', `ospo-callout ospo-callout-${calloutKind(callout.type)}`);
      t.attrSet('data-callout', callout.type.toLowerCase());
      if (callout.fold === '+') t.attrSet('open', '');
      out.push(t);
      open.push(t);

      out.push(blockToken(state, T.calloutTitleOpen, tag === 'details' ? 'summary' : 'div', 1, meta, t.level + 1));
      if (title) {
        const titleInline = blockToken(state, 'inline', '', 0, undefined, t.level + 2);
        titleInline.content = title;
        titleInline.map = [t.map![0], t.map![0] + 1];
        titleInline.children = [];
        out.push(titleInline);
      }
      out.push(blockToken(state, T.calloutTitleClose, tag === 'details' ? 'summary' : 'div', -1, meta, t.level + 1));
      out.push(blockToken(state, T.calloutContentOpen, 'div', 1, meta, t.level + 1));

      // The header paragraph keeps only its body lines, if any.
      if (newline >= 0) {
        inline.content = inline.content.slice(newline + 1);
        para.map = [para.map![0] + 1, para.map![1]];
        inline.map = para.map;
        out.push(para, inline, tokens[i + 3]);
      }
      i += 3;
      continue;
    }
    if (t.type === 'blockquote_close') {
      const callout = open.pop();
      if (callout) {
        out.push(blockToken(state, T.calloutContentClose, 'div', -1, callout.meta, t.level + 1));
        t.type = T.calloutClose;
        t.tag = callout.tag;
        t.meta = callout.meta;
      }
    }
    out.push(t);
  }
  return out;
}

function blockToken(state: StateCore, type: string, tag: string, nesting: -1 | 0 | 1, meta: unknown, level: number): Token {
  const token = new state.Token(type, tag, nesting);
  token.block = true;
  token.meta = (meta ?? null) as Record<string, unknown> | null;
  token.level = level;
  return token;
}

// ---------------------------------------------------------------------------------------------------------------
// Line anchors

/**
 * An empty element with id `L<line>` (1-based) at every heading and every block with a `^id`, the places wiki-links
 * point at. Links to them carry that fragment (see render.ts): VS Code resolves `#L<line>` itself when it opens the
 * note in an editor, and when it opens the note in the preview it scrolls to the element with that id. The
 * token gets the heading's or block's line map, so VS Code's own line data lands on it as on any block.
 */
function addLineAnchors(state: StateCore, model: NoteModel): Token[] {
  const wanted = new Set<number>();
  for (const h of model.headings) wanted.add(h.line);
  for (const b of model.blockIds) wanted.add(b.startLine);
  if (wanted.size === 0) return state.tokens;
  const out: Token[] = [];
  for (const t of state.tokens) {
    const line = t.map && t.nesting !== -1 && t.type !== 'inline' ? t.map[0] : -1;
    const anchor = wanted.has(line) ? anchorToken(state, line, t.level) : undefined;
    if (anchor) wanted.delete(line);
    // Inside a list item the anchor goes into the item: a list holds nothing but items.
    if (anchor && t.type !== 'list_item_open') out.push(anchor);
    out.push(t);
    if (anchor && t.type === 'list_item_open') out.push(anchor);
  }
  return out;
}

function anchorToken(state: StateCore, line: number, level: number): Token {
  const token = blockToken(state, T.anchor, 'span', 0, undefined, level);
  token.map = [line, line + 1];
  token.attrSet('id', `L${line + 1}`);
  token.attrSet('class', 'ospo-anchor');
  return token;
}

// ---------------------------------------------------------------------------------------------------------------
// Wiki-links and embeds

/**
 * `[[…]]` and `![[…]]` on one line. The brackets are delimited as the engine delimits them (R2.3: the first `]]`
 * closes, a later `[[` makes the inner pair the link, a run of `[`s starts at its last `[[`), and the text is then
 * split by the engine. Runs before markdown-it's link rule so that `[[x]]` is never read as a bracketed link.
 */
function wikiLinkRule(state: StateInline, silent: boolean, links: WeakMap<Token, LinkMeta>): boolean {
  const src = state.src;
  const start = state.pos;
  const embed = src.charCodeAt(start) === 0x21; /* ! */
  const open = embed ? start + 1 : start;
  if (src.charCodeAt(open) !== 0x5b || src.charCodeAt(open + 1) !== 0x5b || src.charCodeAt(open + 2) === 0x5b) return false;
  let close = -1;
  for (let j = open + 2; j < state.posMax; j++) {
    const c = src.charCodeAt(j);
    if (c === 0x0a) break;
    if (c === 0x5b && src.charCodeAt(j + 1) === 0x5b) break;
    if (c === 0x5d && src.charCodeAt(j + 1) === 0x5d) {
      close = j;
      break;
    }
  }
  if (close < 0 || close + 2 > state.posMax) return false;
  const source = src.slice(start, close + 2);
  const link = parseLinkSource(source);
  if (!link) return false;
  if (!silent) {
    const token = state.push(T.wikilink, '', 0);
    token.content = source;
    links.set(token, { link, source, layout: layoutOf(link) });
  }
  state.pos = close + 2;
  return true;
}

/**
 * After the inline pass: ties each link to its parse, and hides the paragraph around a block embed that stands
 * alone in it, since a `<div>` inside a `<p>` would be split apart by the browser and leave empty paragraphs.
 */
function finishLinks(tokens: Token[], links: WeakMap<Token, LinkMeta>, info: ParseInfo): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type !== 'inline' || !t.children) continue;
    let sole: LinkMeta | undefined;
    let other = false;
    for (const c of t.children) {
      const meta = links.get(c);
      if (meta) {
        meta.doc = info;
        if (meta.layout === 'block' && !sole) {
          sole = meta;
          continue;
        }
      }
      if ((c.type === 'text' && c.content.trim() === '') || c.type === 'softbreak') continue;
      other = true;
    }
    const before = tokens[i - 1];
    const after = tokens[i + 1];
    if (sole && !other && before?.type === 'paragraph_open' && after?.type === 'paragraph_close') {
      before.hidden = true;
      after.hidden = true;
      sole.wrapper = before;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// `==highlight==` (R10.1)

const EQUALS = 0x3d;

/**
 * Each pair of `=` becomes a delimiter for markdown-it's pairing pass, so highlights nest and interleave with
 * emphasis by the same flanking rules as `~~strikethrough~~`. An odd `=` stays text.
 */
function highlightTokenize(state: StateInline, silent: boolean): boolean {
  if (silent || state.src.charCodeAt(state.pos) !== EQUALS) return false;
  const run = state.scanDelims(state.pos, true);
  if (run.length < 2) return false;
  let left = run.length;
  if (left % 2 === 1) {
    state.push('text', '', 0).content = '=';
    left--;
  }
  while (left > 0) {
    state.push('text', '', 0).content = '==';
    state.delimiters.push({ marker: EQUALS, length: 0, token: state.tokens.length - 1, end: -1, open: run.can_open, close: run.can_close });
    left -= 2;
  }
  state.pos += run.length;
  return true;
}

function highlightPostProcess(state: StateInline): boolean {
  pairHighlights(state, state.delimiters);
  for (const meta of state.tokens_meta) {
    if (meta?.delimiters) pairHighlights(state, meta.delimiters);
  }
  return false;
}

function pairHighlights(state: StateInline, delimiters: MarkdownIt.StateInline.Delimiter[]): void {
  for (const opener of delimiters) {
    if (opener.marker !== EQUALS || opener.end === -1) continue;
    const closer = delimiters[opener.end];
    retag(state.tokens[opener.token], T.markOpen, 1);
    retag(state.tokens[closer.token], T.markClose, -1);
  }
}

function retag(token: Token, type: string, nesting: -1 | 1): void {
  token.type = type;
  token.tag = 'mark';
  token.nesting = nesting;
  token.markup = '==';
  token.content = '';
}
