/**
 * Hover on a link: a markdown preview of what it points at (the note's opening, the heading's section, the block,
 * an image), always headed by the target's vault path, its links rendered as working links. A link's problem is
 * the diagnostics' to show (the editor puts them, with their quick fixes, in the same hover): the hover explains
 * only an unresolved link that no diagnostic reports.
 *
 * Previews are note text rendered as markdown, so nothing is escaped. What is guarded against is a cut: an
 * excerpt that ends inside a fenced code block gets its fence closed, so the rest of the hover is not swallowed
 * into the code block.
 */
import { MarkupKind, type Hover } from 'vscode-languageserver-types';
import type { Link, NoteModel, Position, Range } from '../model';
import { linkRange } from '../model';
import { resolveLink, type LinkTarget } from '../vault/links';
import { escapeLinkText } from '../vault/linkWriter';
import { noteDiagnostics } from '../diagnostics/rules';
import { extname, isNotePath, stem } from '../vault/paths';
import { fileKind } from '../vault/membership';
import { comparePositions, splitLines } from '../syntax/text';
import type { FeatureContext } from './context';
import { resolvedLinkAt } from './definition';
import { declaredVisibility, noteVisibility } from '../vault/visibility';
import { provideFrontmatterHover } from './frontmatterHover';
import { provideTagHover } from './tags';

export interface HoverOptions {
  /** The URI of a vault file, for images shown in the hover (the server knows the vault's location). */
  toUri(path: string): string;
  /** Longest preview in lines (default 20). */
  maxLines?: number;
  /** Longest preview in characters (default 1500); the cut falls at a line boundary. */
  maxChars?: number;
}

const SEPARATOR = '\n\n---\n\n';

/** Text put in place of a one-line range of a previewed excerpt. */
export interface TextReplacement {
  range: Range;
  text: string;
}

export function provideHover(ctx: FeatureContext, path: string, position: Position, options: HoverOptions): Hover | undefined {
  const key = provideFrontmatterHover(ctx, path, position);
  if (key) return key;
  const tag = provideTagHover(ctx, path, position);
  if (tag) return tag;
  const at = resolvedLinkAt(ctx, path, position);
  if (!at) return undefined;
  const t = at.target;
  // External URLs are the editor's business: its markdown support already previews them.
  if (t.status === 'external') return undefined;

  const sections: string[] = [];
  if (t.target !== undefined) sections.push(targetTitle(t) + visibilityOf(ctx, path, t.target));
  if (t.status === 'resolved' && t.target !== undefined) {
    const preview = isNotePath(t.target) ? notePreview(ctx, t, options) : attachmentPreview(t.target, options);
    if (preview) sections.push(preview);
  }
  // A problem the diagnostics report on this link is shown by the editor in this same hover, with its quick
  // fixes: it is not repeated here. Only an unresolved link nothing reports (its severity set to off) is
  // explained here.
  if (t.status !== 'resolved' && linkProblems(ctx, path, at.link).length === 0) sections.push(fallbackProblem(t, at.link));
  if (sections.length === 0) return undefined;

  return { contents: { kind: MarkupKind.Markdown, value: sections.join(SEPARATOR) }, range: linkRange(at.link) };
}

/** `` `folder/Note.md` › Heading `` or `` › ^blockid ``. */
function targetTitle(t: LinkTarget): string {
  let title = inlineCode(t.target!);
  if (t.heading) title += ` › ${t.heading.text}`;
  else if (t.block) title += ` › ^${t.block.id}`;
  return title;
}

/**
 * ` · public note` or ` · private note` for a note that declares its visibility. A note that declares none has
 * the default's, said only when hovered from a public note, where it decides whether the link leaks: a vault that
 * does not use visibility sees nothing.
 */
function visibilityOf(ctx: FeatureContext, source: string, target: string): string {
  const note = ctx.index.note(target);
  if (!note) return '';
  const declared = declaredVisibility(note);
  if (declared === undefined) {
    const from = ctx.index.note(source);
    if (!from || noteVisibility(from, ctx.defaultVisibility) !== 'public') return '';
  }
  const visibility = noteVisibility(note, ctx.defaultVisibility);
  return ` · ${visibility} note${declared === undefined ? ` (by default: no \`visibility\`)` : ''}`;
}

function notePreview(ctx: FeatureContext, t: LinkTarget, options: HoverOptions): string {
  const target = t.target!;
  const note = ctx.index.note(target);
  const text = ctx.getText(target);
  if (!note || text === undefined) return '*The note could not be read.*';
  const lines = splitLines(text);
  let from: number;
  let to: number;
  if (t.block) {
    from = t.block.startLine;
    to = t.block.endLine;
  } else if (t.heading) {
    from = t.heading.line;
    to = t.heading.sectionEndLine;
  } else {
    from = note.frontmatter ? note.frontmatter.range.end.line + 1 : 0;
    to = lines.length - 1;
  }
  const body = excerpt(lines, from, to, note, options.maxLines ?? 20, options.maxChars ?? 1500, previewLinks(ctx, target, note, lines, from, to, options));
  return body === '' ? '*Empty.*' : body;
}

/**
 * The links of a previewed excerpt as markdown the hover renders as working links: a resolved wiki-link or vault
 * markdown link becomes a link to the file's URI (with `#L<line>` for a heading or block, as document links
 * write it), an image embed the image, an unresolved link its text, plainly. External links stay as written.
 */
function previewLinks(ctx: FeatureContext, path: string, note: NoteModel, lines: readonly string[], from: number, to: number, options: HoverOptions): TextReplacement[] {
  const out: TextReplacement[] = [];
  const targets = ctx.index.linkTargets(path);
  for (let i = 0; i < note.links.length; i++) {
    const link = note.links[i];
    const { start, end } = linkRange(link);
    if (start.line !== end.line || start.line < from || start.line > to) continue;
    if (link.syntax !== 'wiki' && link.syntax !== 'markdown') continue;
    const t = targets[i] ?? resolveLink(link, path, ctx.index);
    if (t.status === 'external' || link.external) continue;
    const inTable = lines[start.line].includes('|');
    const shown = escapeLinkText(linkLabel(link, t.target), inTable);
    if (t.target === undefined) {
      out.push({ range: linkRange(link), text: shown });
      continue;
    }
    const line = t.block ? t.block.startLine : t.heading ? t.heading.line : undefined;
    const uri = imageDestination(options.toUri(t.target)) + (line === undefined ? '' : `#L${line + 1}`);
    const image = link.embed && fileKind(t.target) === 'image';
    out.push({ range: linkRange(link), text: image ? `![${shown}](${uri})` : `[${shown}](${uri})` });
  }
  return out;
}

/** What a link shows: its display text, else what Obsidian shows for it (`Note`, `Note > Heading`). */
function linkLabel(link: Link, target: string | undefined): string {
  if (link.display !== undefined && link.display.trim() !== '') return link.display;
  const name = link.path !== '' ? link.path.replace(/\.md$/i, '') : target !== undefined ? stem(target) : '';
  if (link.subpath === undefined || link.subpath === '') return name;
  const sub = link.subpath.startsWith('^') ? link.subpath : link.subpath.split('#').filter((s) => s !== '').pop() ?? '';
  return name === '' ? sub : `${name} > ${sub}`;
}

function attachmentPreview(target: string, options: HoverOptions): string {
  const ext = extname(target);
  if (fileKind(target) === 'image') return `![${escapeAlt(stem(target))}](${imageDestination(options.toUri(target))})`;
  return ext ? `${ext.toUpperCase()} file` : 'File';
}

/**
 * The problems the diagnostics report on this link (they decide what "unresolved" means and suggest fixes);
 * computed for the hovered note only.
 */
function linkProblems(ctx: FeatureContext, path: string, link: Link): string[] {
  const written = linkRange(link);
  return (ctx.problems?.(path) ?? noteDiagnostics(ctx.index, path, { outside: ctx.outside?.(), frontmatterSchema: ctx.frontmatterSchema?.(), defaultVisibility: ctx.defaultVisibility }))
    .filter((d) => comparePositions(written.start, d.range.start) <= 0 && comparePositions(d.range.end, written.end) <= 0)
    .map((d) => d.message);
}

function fallbackProblem(t: LinkTarget, link: Link): string {
  switch (t.status) {
    case 'empty':
      return 'Empty link: it points nowhere.';
    case 'outside-vault':
      return `Link '${link.path}' points outside the vault.`;
    case 'missing-heading':
      return `No heading '${t.failedSegment ?? link.subpath ?? ''}' in '${t.target !== undefined ? stem(t.target) : link.path}'.`;
    case 'missing-block':
      return `No block '${link.subpath ?? ''}' in '${t.target !== undefined ? stem(t.target) : link.path}'.`;
    default:
      return `'${link.path}' not found in the vault.`;
  }
}

/**
 * Lines `from..to` of a note as a preview: block id markers removed (Obsidian hides them), blank lines at both
 * ends dropped, at most `maxLines` lines and about `maxChars` characters, cut at a line boundary (only a single
 * line longer than the limit is cut inside), and any code fence left open by the cut closed again.
 */
export function excerpt(lines: readonly string[], from: number, to: number, note: NoteModel, maxLines: number, maxChars: number, replacements: readonly TextReplacement[] = []): string {
  const first = Math.max(0, from);
  const last = Math.min(to, lines.length - 1);
  const out: string[] = [];
  for (let l = first; l <= last; l++) out.push(lines[l]);
  // Markers are removed (and links replaced) right to left so that the earlier ranges on the same line stay valid.
  const edits: Array<TextReplacement & { marker: boolean }> = note.blockIds
    .filter((b) => b.range.start.line >= first && b.range.start.line <= last && b.range.start.line === b.range.end.line)
    .map((b) => ({ range: b.range, text: '', marker: true }));
  for (const r of replacements) if (r.range.start.line >= first && r.range.start.line <= last && r.range.start.line === r.range.end.line) edits.push({ ...r, marker: false });
  edits.sort((a, b) => a.range.start.line - b.range.start.line || b.range.start.character - a.range.start.character);
  for (const e of edits) {
    const i = e.range.start.line - first;
    const line = out[i];
    out[i] = e.marker
      ? (line.slice(0, e.range.start.character).trimEnd() + line.slice(e.range.end.character)).trimEnd()
      : line.slice(0, e.range.start.character) + e.text + line.slice(e.range.end.character);
  }
  while (out.length > 0 && out[0].trim() === '') out.shift();
  while (out.length > 0 && out[out.length - 1].trim() === '') out.pop();

  const kept: string[] = [];
  let chars = 0;
  let truncated = false;
  for (const line of out) {
    if (kept.length >= maxLines) {
      truncated = true;
      break;
    }
    if (chars + line.length > maxChars) {
      if (kept.length === 0) kept.push(cutAt(line, maxChars));
      truncated = true;
      break;
    }
    kept.push(line);
    chars += line.length + 1;
  }
  // A cut can leave blank lines at the end again.
  while (kept.length > 0 && kept[kept.length - 1].trim() === '') kept.pop();
  const closing = openFence(kept);
  if (closing !== undefined) kept.push(closing);
  if (truncated) kept.push('', '…');
  return kept.join('\n');
}

/** Cuts a string at `n` UTF-16 units without splitting a surrogate pair. */
function cutAt(s: string, n: number): string {
  let end = Math.min(n, s.length);
  const code = s.charCodeAt(end - 1);
  if (end < s.length && code >= 0xd800 && code <= 0xdbff) end--;
  return s.slice(0, end);
}

/** A fence line, possibly inside blockquotes (callouts): quote prefix, fence run, rest of the line. */
const FENCE_LINE = /^((?:[ \t]{0,3}>[ \t]?)*)[ \t]{0,3}(`{3,}|~{3,})(.*)$/;

/**
 * The line that closes a fenced code block still open at the end of `lines` (CommonMark: same character, at
 * least as long as the opening run), or undefined when every fence is closed.
 */
export function openFence(lines: readonly string[]): string | undefined {
  let open: { char: string; length: number; prefix: string } | undefined;
  for (const line of lines) {
    const m = FENCE_LINE.exec(line);
    if (!m) continue;
    const run = m[2];
    if (!open) {
      // A backtick fence's info string cannot contain backticks (that would be inline code).
      if (run[0] === '`' && m[3].includes('`')) continue;
      open = { char: run[0], length: run.length, prefix: m[1] };
    } else if (run[0] === open.char && run.length >= open.length && m[3].trim() === '') {
      open = undefined;
    }
  }
  return open ? open.prefix + open.char.repeat(open.length) : undefined;
}

/** Inline code that survives backticks in the text: the delimiter is one backtick longer than any run inside. */
function inlineCode(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function escapeAlt(text: string): string {
  return text.replace(/[\\[\]]/g, '\\$&');
}

/** Keeps a URI a single markdown link destination: spaces and parentheses would end or unbalance it. */
function imageDestination(uri: string): string {
  return uri.replace(/ /g, '%20').replace(/\(/g, '%28').replace(/\)/g, '%29');
}
