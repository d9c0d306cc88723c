/**
 * Problems in a note, each with a stable `code` (the checker's output, the Problems panel and quick fixes key on
 * it), and the rules of the file itself and of its links (registered in rules.ts). Computed from the index's
 * resolutions; no rule of link syntax or resolution lives here.
 */
import type { Link, NoteModel, Range } from '../model';
import { linkPathRange, linkRange, linkSubpathRange } from '../model';
import type { LinkTarget } from '../vault/links';
import type { VaultIndex } from '../vault/vault';
import { dirname, isNotePath, stem } from '../vault/paths';
import { isAttachmentPath } from '../vault/membership';
import { FileLookup } from '../vault/fileLookup';
import { isRelativeLinkpath, resolveLinkpath } from '../vault/resolve';
import type { Visibility } from '../vault/visibility';
import { runSteps } from '../syntax/steps';
import { type DiagnosticRule } from './rule';
import type { FrontmatterSchema } from './frontmatterSchema';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export type DiagnosticCode =
  | 'unresolved-link'
  | 'missing-attachment'
  | 'missing-embed'
  | 'missing-heading'
  | 'missing-block'
  | 'ambiguous-link'
  | 'missing-scheme'
  | 'link-outside-vault'
  | 'duplicate-block-id'
  | 'yaml-syntax'
  | 'empty-link'
  | 'heading-slug-fragment'
  | 'invalid-utf8'
  | 'binary-file'
  | 'file-too-large'
  | 'unreadable-file'
  | 'too-many-links'
  | 'private-link'
  | 'mojibake'
  | 'property-wrong-type'
  | 'property-value-not-allowed'
  | 'property-missing'
  | 'property-unknown'
  | 'property-deprecated'
  | 'property-invalid'
  | 'schema-invalid';

export interface RelatedInformation {
  path: string;
  range: Range;
  message: string;
}

export interface NoteDiagnostic {
  path: string;
  range: Range;
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  related?: RelatedInformation[];
  /** Machine-readable detail for quick fixes: suggested link targets, the alias a link used, … */
  data?: {
    suggestions?: string[];
    aliasOf?: string;
    candidates?: string[];
    /**
     * Frontmatter: the property a problem is about, its allowed values (as YAML), and whether a lone value is to
     * be written as a list.
     */
    key?: string;
    asList?: boolean;
    allowed?: string[];
    /** `mojibake`: the text that replaces the damaged run; `property-deprecated`: the key to write instead. */
    replacement?: string;
    /** `private-link`: the notes from the public note to the private one. */
    chain?: string[];
  };
}

export interface DiagnosticOptions {
  /** Severity of links whose target (note, attachment, heading or block) does not exist; `off` hides them. */
  unresolvedLinkSeverity?: Severity | 'off';
  /**
   * Vault paths of symlinks whose real path leaves the vault: they are not indexed, and a link that would reach
   * one says so instead of "not found".
   */
  outside?: FileLookup;
  /** What a note without a `visibility` counts as (`ospoNotes.visibility.default`); `private` when absent. */
  defaultVisibility?: Visibility;
  /** Severity of a public note's links to private notes (`private-link`); `warning` when absent, `error` for `check --public`. */
  privateLinkSeverity?: Severity;
  /** The vault's frontmatter schema (the default OSPO one when absent). */
  frontmatterSchema?: FrontmatterSchema;
  /** Severity of a frontmatter key the schema does not name; `off` (the default) says nothing. */
  unknownPropertySeverity?: Severity | 'off';
}

type LinkOptions = Required<Pick<DiagnosticOptions, 'unresolvedLinkSeverity' | 'outside'>>;

const DEFAULTS: LinkOptions = { unresolvedLinkSeverity: 'warning', outside: new FileLookup() };

/** A scheme-less destination that looks like a web address: `github.com/x`, `www.example.org` (R6.5). */
const DOMAIN_LIKE = /^(?:www\.)?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.(?:com|org|net|io|dev|edu|gov|int|eu|ch|uk|de|fr|info|co|app|ai|me|blog|ly|so|gg|xyz|[a-z]{2})(?:[/:?#]|$)/i;

export function looksLikeWebAddress(destination: string): boolean {
  if (!DOMAIN_LIKE.test(destination)) return false;
  // `notes.md`, `image.png`: a file name with an extension, not a domain.
  const first = destination.split(/[/?#]/)[0];
  return !/\.(md|png|jpe?g|gif|svg|webp|pdf|canvas|base|txt|csv|json|ya?ml|html?)$/i.test(first) || destination.includes('/');
}

/** An unresolved markdown link that is a web address without its scheme (`missing-scheme`), not a missing note. */
export function missesScheme(link: Link): boolean {
  return link.syntax !== 'wiki' && link.destination !== undefined && looksLikeWebAddress(link.destination);
}

function linkOptions(options: DiagnosticOptions): LinkOptions {
  return {
    unresolvedLinkSeverity: options.unresolvedLinkSeverity ?? DEFAULTS.unresolvedLinkSeverity,
    outside: options.outside ?? DEFAULTS.outside,
  };
}

/** What reading the file found: invalid UTF-8, a binary or too large file, an unreadable one. */
export const readProblemsRule: DiagnosticRule = {
  id: 'read-problems',
  codes: ['invalid-utf8', 'binary-file', 'file-too-large', 'unreadable-file', 'too-many-links'],
  dependsOn: [],
  check(ctx, path) {
    const note = ctx.index.note(path);
    if (!note) return [];
    return note.readProblems.map((p) => ({ path, range: p.range, severity: p.code === 'unreadable-file' ? 'error' : 'warning', code: p.code, message: p.message }));
  },
};

/** The frontmatter's YAML syntax errors, at their position. */
export const yamlSyntaxRule: DiagnosticRule = {
  id: 'yaml-syntax',
  codes: ['yaml-syntax'],
  dependsOn: [],
  check(ctx, path) {
    const error = ctx.index.note(path)?.frontmatter?.error;
    return error ? [{ path, range: error.range, severity: 'error', code: 'yaml-syntax', message: error.message }] : [];
  },
};

/** Links whose target, heading or block does not exist, is ambiguous, outside the vault, or written oddly. */
export const linksRule: DiagnosticRule = {
  id: 'links',
  codes: ['unresolved-link', 'missing-attachment', 'missing-embed', 'missing-heading', 'missing-block', 'ambiguous-link', 'missing-scheme', 'link-outside-vault', 'empty-link', 'heading-slug-fragment'],
  // A link's result (and its "did you mean") is recomputed by the index whenever anything it reads changed: the
  // notes named in `resolutions` are exactly those whose link problems can differ.
  dependsOn: ['resolutions'],
  check(ctx, path) {
    return runSteps(linksRule.checkSteps!(ctx, path));
  },
  *checkSteps(ctx, path) {
    const note = ctx.index.note(path);
    if (!note) return [];
    const opts = linkOptions(ctx.options);
    const out: NoteDiagnostic[] = [];
    const targets = ctx.index.linkTargets(path);
    const unresolved: UnresolvedMemo = new Map();
    for (let i = 0; i < note.links.length; i++) {
      if (i % LINKS_PER_STEP === LINKS_PER_STEP - 1) yield;
      // A link holding a Templater or core Templates tag is a placeholder (see Link.placeholder); the note's other links are checked.
      if (note.links[i].placeholder) continue;
      const d = linkDiagnostic(ctx.index, note, note.links[i], targets[i], opts, unresolved);
      if (d) out.push(d);
    }
    return out;
  },
};

/** Links checked between two chances to yield (a few milliseconds of work at most, "did you mean" included). */
const LINKS_PER_STEP = 256;

/** A block id used twice in one note: links reach only the first. */
export const duplicateBlockIdsRule: DiagnosticRule = {
  id: 'duplicate-block-ids',
  codes: ['duplicate-block-id'],
  dependsOn: [],
  check(ctx, path) {
    const note = ctx.index.note(path);
    const out: NoteDiagnostic[] = [];
    if (note) duplicateBlockIds(note, out);
    return out;
  },
};

function linkDiagnostic(index: VaultIndex, note: NoteModel, link: Link, t: LinkTarget | undefined, opts: LinkOptions, unresolved?: UnresolvedMemo): NoteDiagnostic | undefined {
  if (!t) return undefined;
  const path = note.path;
  const missing = opts.unresolvedLinkSeverity;
  const written = linkText(link);
  switch (t.status) {
    case 'external':
    case 'resolved':
      break;
    case 'empty':
      return { path, range: linkRange(link), severity: 'warning', code: 'empty-link', message: 'Empty link: it points nowhere.' };
    case 'outside-vault':
      return { path, range: linkPathRange(link), severity: 'warning', code: 'link-outside-vault', message: `Link '${written}' points outside the vault; only files inside the vault can be linked.` };
    case 'unresolved': {
      if (missesScheme(link)) {
        return {
          path,
          range: linkPathRange(link),
          severity: 'warning',
          code: 'missing-scheme',
          message: `'${link.destination}' looks like a web address but has no scheme, so it is read as a vault path that does not exist. Write 'https://${link.destination}'.`,
        };
      }
      if (opts.outside.size > 0 && leadsOutside(link.path, path, opts.outside, unresolved)) {
        return { path, range: linkPathRange(link), severity: 'warning', code: 'link-outside-vault', message: `Link '${written}' leads to a symlink that points outside the vault; it is not read.` };
      }
      if (missing === 'off') return undefined;
      return unresolvedDiagnostic(index, note, link, missing, unresolved);
    }
    case 'missing-heading':
    case 'missing-block': {
      if (missing === 'off') return undefined;
      const target = stem(t.target!);
      const d: NoteDiagnostic = {
        path,
        range: linkSubpathRange(link) ?? linkRange(link),
        severity: missing,
        code: t.status,
        message: t.status === 'missing-heading' ? `No heading '${t.failedSegment ?? link.subpath ?? ''}' in '${target}'.` : `No block '${link.subpath}' in '${target}'.`,
      };
      if (t.status === 'missing-heading') d.related = [{ path: t.target!, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, message: `'${target}' has no such heading` }];
      return d;
    }
  }
  if (t.headingTier === 'github-slug') {
    return {
      path,
      range: linkSubpathRange(link) ?? linkRange(link),
      severity: 'information',
      code: 'heading-slug-fragment',
      message: `'#${link.subpath}' matches heading '${t.heading!.text}' only as a GitHub-style slug; Obsidian matches heading text: '#${encodeURI(t.heading!.text)}'.`,
    };
  }
  const r = t.resolution;
  if (r && r.candidates.length > 1 && (r.rule === 'same-folder' || r.rule === 'shortest')) {
    const others = r.candidates.slice(1);
    const why = r.rule === 'same-folder' ? 'it is in the same folder' : 'it has the shortest path';
    return {
      path,
      range: linkPathRange(link),
      severity: 'information',
      code: 'ambiguous-link',
      message: `'${link.path}' matches ${r.candidates.length} files: ${r.candidates.join(', ')}. It resolves to '${r.target}' because ${why}; write a longer path to choose explicitly.`,
      related: others.map((p) => ({ path: p, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, message: 'also matches' })),
      data: { candidates: r.candidates },
    };
  }
  return undefined;
}

/**
 * What an unresolved link's problem says depends only on the linkpath and whether it embeds: a note that links
 * 10,000 times to names that do not exist asks for suggestions once per name, not once per link. `outside`: per
 * linkpath, whether it leads to a symlink out of the vault.
 */
type UnresolvedMemo = Map<string, Pick<NoteDiagnostic, 'code' | 'message' | 'data'>> & { outside?: Map<string, boolean> };

/** Whether `linkpath`, written in the note at `source`, names a symlink leading out of the vault (memoised per note). */
function leadsOutside(linkpath: string, source: string, outside: FileLookup, memo?: UnresolvedMemo): boolean {
  const known = memo?.outside?.get(linkpath);
  if (known !== undefined) return known;
  // Across checks too, while the set of symlinks leading out stays the same: a note of 25,000 unresolved links is
  // checked again after every edit. Only a relative linkpath's answer depends on the note's folder.
  let kept = outsideAnswers.get(outside);
  if (!kept || kept.version !== outside.version || kept.answers.size >= MAX_OUTSIDE_ANSWERS) outsideAnswers.set(outside, (kept = { version: outside.version, answers: new Map() }));
  const key = isRelativeLinkpath(linkpath) ? `${dirname(source)}\u0000${linkpath}` : linkpath;
  let found = kept.answers.get(key);
  if (found === undefined) kept.answers.set(key, (found = resolveLinkpath(linkpath, source, outside).target !== undefined));
  if (memo) (memo.outside ??= new Map()).set(linkpath, found);
  return found;
}

/** Per set of symlinks leading out of the vault, at its version, whether a linkpath resolves to one of them. */
const outsideAnswers = new WeakMap<FileLookup, { version: number; answers: Map<string, boolean> }>();
/** The answers kept are dropped past this many (a vault of generated names would otherwise grow them for good). */
const MAX_OUTSIDE_ANSWERS = 100_000;

function unresolvedDiagnostic(index: VaultIndex, note: NoteModel, link: Link, severity: Severity, memo?: UnresolvedMemo): NoteDiagnostic {
  const key = `${link.embed ? '!' : ''}${link.path}`;
  const said = memo?.get(key) ?? unresolvedProblem(index, link);
  memo?.set(key, said);
  return { path: note.path, range: link.path ? linkPathRange(link) : linkRange(link), severity, ...said };
}

function unresolvedProblem(index: VaultIndex, link: Link): Pick<NoteDiagnostic, 'code' | 'message' | 'data'> {
  const linkpath = link.path;
  // The accepted attachment formats of R3.9 (membership.ts).
  const isAttachment = isAttachmentPath(linkpath);
  const code = link.embed ? 'missing-embed' : isAttachment ? 'missing-attachment' : 'unresolved-link';
  const what = link.embed ? 'Embedded file' : isAttachment ? 'Attachment' : 'Note';
  let message = `${what} '${linkpath}' not found in the vault.`;
  const data: NoteDiagnostic['data'] = {};
  // Aliases and titles do not resolve links (R3.7), but they tell what the writer meant.
  const aliasOf = [...index.notesWithAlias(linkpath)].sort()[0];
  const titleOf = aliasOf ? undefined : [...index.notesWithTitle(linkpath)].sort()[0];
  if (aliasOf) {
    const name = stem(aliasOf);
    message += ` '${linkpath}' is an alias of '${name}'; aliases do not resolve links: write [[${name}|${linkpath}]].`;
    data.aliasOf = aliasOf;
    data.suggestions = [aliasOf];
  } else if (titleOf) {
    const name = stem(titleOf);
    message += ` '${linkpath}' is the title of '${name}': did you mean [[${name}|${linkpath}]]?`;
    data.suggestions = [titleOf];
  } else {
    const similar = index.similarNames(linkpath);
    if (similar.length > 0) {
      // Same-named files in different folders are told apart by their paths.
      const names = similar.map((p) => (isNotePath(p) ? stem(p) : p.slice(p.lastIndexOf('/') + 1)));
      const shown = names.map((n, i) => (names.indexOf(n) !== names.lastIndexOf(n) ? similar[i].replace(/\.md$/i, '') : n));
      message += ` Did you mean ${shown.map((n) => `'${n}'`).join(', ')}?`;
      data.suggestions = similar;
    }
  }
  return { code, message, data };
}


function linkText(link: Link): string {
  return link.destination ?? link.path;
}

function duplicateBlockIds(note: NoteModel, out: NoteDiagnostic[]): void {
  if (note.blockIds.length < 2) return;
  const first = new Map<string, number>();
  note.blockIds.forEach((b, i) => {
    const key = b.id.toLowerCase();
    const j = first.get(key);
    if (j === undefined) {
      first.set(key, i);
      return;
    }
    const original = note.blockIds[j];
    out.push({
      path: note.path,
      range: b.range,
      severity: 'warning',
      code: 'duplicate-block-id',
      message: `Block id '^${b.id}' is already used on line ${original.range.start.line + 1}; links to it reach only the first one.`,
      related: [{ path: note.path, range: original.range, message: 'first use' }],
    });
  });
}

/** Orders diagnostics by file, then position, then code: the checker's stable output order. */
export function compareDiagnostics(a: NoteDiagnostic, b: NoteDiagnostic): number {
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}
