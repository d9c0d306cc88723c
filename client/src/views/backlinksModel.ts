/**
 * The Backlinks view's tree, without `vscode`: the server's `ospo/backlinks` answer turned into plain nodes (label,
 * highlight, description, what a click opens, which actions apply), so the shape a user sees is unit-tested.
 * `backlinks.ts` turns these nodes into VS Code tree items.
 *
 * Linked mentions: note → (the whole note's links directly, then one group per target heading or block) → context
 * lines. Unlinked mentions: note → lines. Texts go through `l10n.t` (client/src/l10n.ts: `vscode.l10n.t` in the
 * editor, English in tests).
 */
import { l10n } from '../l10n';
import type { BacklinkOccurrenceInfo, BacklinksAnswer, LinkingNoteInfo, MentioningNoteInfo, TextRange, UnlinkedMentionInfo } from '../protocol';

export type BacklinkNodeKind = 'section' | 'note' | 'group' | 'line' | 'more';

/** Context values the manifest's menus match (`view == ospoNotes.backlinks && viewItem == …`). */
export const CONTEXT = {
  linkedSection: 'ospoNotes.backlinks.linkedSection',
  unlinkedSection: 'ospoNotes.backlinks.unlinkedSection',
  linkingNote: 'ospoNotes.backlinks.linkingNote',
  mentioningNote: 'ospoNotes.backlinks.mentioningNote',
  group: 'ospoNotes.backlinks.group',
  link: 'ospoNotes.backlinks.link',
  mention: 'ospoNotes.backlinks.mention',
  more: 'ospoNotes.backlinks.more',
} as const;

export interface BacklinkNode {
  kind: BacklinkNodeKind;
  /** Stable within one answer: VS Code keeps expansion state by id. */
  id: string;
  label: string;
  /** Ranges of `label` to highlight (the link or the mention). */
  highlights?: Array<[number, number]>;
  description?: string;
  tooltip?: string;
  contextValue: string;
  /** A codicon name. */
  icon?: string;
  /** A note's file (for its icon and for the actions). */
  uri?: string;
  /** What a click opens: this note at this range. */
  open?: { uri: string; range: TextRange };
  /** An unlinked mention: what "Link Mention" sends (the note mentioned, the note holding it, the mention). */
  mention?: { target: string; source: string; range: TextRange; text: string };
  /** An unlinked mention's note: what "Link All Mentions in Note" sends. */
  mentionsIn?: { target: string; source: string };
  children: BacklinkNode[];
  expanded?: boolean;
}

/** The file name of a vault path without `.md`. */
export function noteName(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base.toLowerCase().endsWith('.md') ? base.slice(0, -3) : base;
}

function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** The view's description: how many links and mentions. */
export function backlinksSummary(answer: BacklinksAnswer): string {
  const unlinked = answer.unlinked.count + answer.unlinked.more;
  return l10n.t('{0} linked · {1} unlinked', answer.linked.count, unlinked);
}

/**
 * The tree for one answer: two sections, or none when nothing links to or mentions the note (and no name of it was
 * too short to search, which the unlinked section's tooltip says).
 */
export function backlinksTree(answer: BacklinksAnswer): BacklinkNode[] {
  if (answer.linked.count === 0 && answer.unlinked.count === 0 && answer.unlinked.more === 0 && answer.unlinked.skippedTerms.length === 0) return [];
  const linked: BacklinkNode = {
    kind: 'section',
    id: 'linked',
    label: l10n.t('Linked mentions'),
    description: String(answer.linked.count),
    contextValue: CONTEXT.linkedSection,
    children: answer.linked.notes.map((n) => linkingNoteNode(n)),
    expanded: true,
  };
  const total = answer.unlinked.count + answer.unlinked.more;
  const unlinked: BacklinkNode = {
    kind: 'section',
    id: 'unlinked',
    label: l10n.t('Unlinked mentions'),
    description: String(total),
    tooltip: [
      answer.unlinked.terms.length > 0 ? l10n.t('Plain-text occurrences of: {0}', answer.unlinked.terms.join(', ')) : undefined,
      answer.unlinked.skippedTerms.length > 0 ? l10n.t('Not searched, too short: {0}', answer.unlinked.skippedTerms.join(', ')) : undefined,
    ]
      .filter((s): s is string => s !== undefined)
      .join('\n') || undefined,
    contextValue: CONTEXT.unlinkedSection,
    children: answer.unlinked.notes.map((n) => mentioningNoteNode(answer.uri, n)),
    expanded: true,
  };
  if (answer.unlinked.more > 0) {
    unlinked.children.push({ kind: 'more', id: 'unlinked/more', label: l10n.t('{0} more mentions not shown', answer.unlinked.more), contextValue: CONTEXT.more, icon: 'ellipsis', children: [] });
  }
  return [linked, unlinked];
}

function noteNode(uri: string, path: string, title: string | undefined, count: number, contextValue: string, idPrefix: string): BacklinkNode {
  const folder = folderOf(path);
  return {
    kind: 'note',
    id: `${idPrefix}/${path}`,
    label: noteName(path),
    description: [String(count), folder].filter((s) => s !== '').join(' · '),
    tooltip: title ? `${title}\n${path}` : path,
    contextValue,
    uri,
    open: { uri, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } },
    children: [],
    expanded: true,
  };
}

function linkingNoteNode(n: LinkingNoteInfo): BacklinkNode {
  const node = noteNode(n.uri, n.path, n.title, n.count, CONTEXT.linkingNote, 'linked');
  for (const g of n.groups) {
    const lines = g.occurrences.map((o) => linkLine(n, o));
    if (g.kind === 'note') {
      node.children.push(...lines);
      continue;
    }
    node.children.push({
      kind: 'group',
      id: `linked/${n.path}/${g.kind}/${g.label ?? ''}/${g.line ?? ''}`,
      label: g.label ?? '',
      description: g.kind === 'missing' ? l10n.t('not found') : String(g.occurrences.length),
      tooltip: g.kind === 'heading' ? l10n.t('Links to the heading “{0}”', g.label ?? '') : g.kind === 'block' ? l10n.t('Links to the block {0}', g.label ?? '') : l10n.t('Links to {0}, which the note does not have', g.label ?? ''),
      contextValue: CONTEXT.group,
      icon: g.kind === 'heading' ? 'symbol-key' : g.kind === 'block' ? 'symbol-reference' : 'warning',
      children: lines,
      expanded: true,
    });
  }
  return node;
}

function where(headingPath: string[], line: number): string {
  return headingPath.length > 0 ? headingPath.join(' › ') : l10n.t('line {0}', line + 1);
}

function linkLine(n: LinkingNoteInfo, o: BacklinkOccurrenceInfo): BacklinkNode {
  const line = o.range.start.line;
  const kind = o.embed ? l10n.t('embed') : undefined;
  return {
    kind: 'line',
    id: `linked/${n.path}/${line}:${o.range.start.character}`,
    label: o.context.text,
    highlights: [o.context.highlight],
    description: [kind, where(o.headingPath, line)].filter((s): s is string => !!s).join(' · '),
    tooltip: `${n.path}:${line + 1}`,
    contextValue: CONTEXT.link,
    icon: o.embed ? 'file-symlink-file' : 'link',
    open: { uri: n.uri, range: o.range },
    children: [],
  };
}

function mentioningNoteNode(target: string, n: MentioningNoteInfo): BacklinkNode {
  const node = noteNode(n.uri, n.path, n.title, n.count, CONTEXT.mentioningNote, 'unlinked');
  node.mentionsIn = { target, source: n.uri };
  node.children = n.mentions.map((m) => mentionLine(target, n, m));
  if (n.count > n.mentions.length) {
    node.children.push({ kind: 'more', id: `unlinked/${n.path}/more`, label: l10n.t('{0} more mentions not shown', n.count - n.mentions.length), contextValue: CONTEXT.more, icon: 'ellipsis', children: [] });
  }
  return node;
}

function mentionLine(target: string, n: MentioningNoteInfo, m: UnlinkedMentionInfo): BacklinkNode {
  const line = m.range.start.line;
  return {
    kind: 'line',
    id: `unlinked/${n.path}/${line}:${m.range.start.character}`,
    label: m.context.text,
    highlights: [m.context.highlight],
    description: where(m.headingPath, line),
    tooltip: l10n.t('“{0}” at line {1} of {2}: link it with “Link Mention”', m.text, line + 1, n.path),
    contextValue: CONTEXT.mention,
    icon: 'mention',
    open: { uri: n.uri, range: m.range },
    mention: { target, source: n.uri, range: m.range, text: m.text },
    children: [],
  };
}

/**
 * Collapses bursts of refresh triggers into one run `delayMs` after the last, and runs nothing while the view is
 * hidden: a hidden view is refreshed when it is shown again.
 */
export class RefreshScheduler {
  private timer: unknown;
  private stale = false;

  constructor(
    private readonly refresh: () => void,
    private readonly delayMs: number,
    private readonly isVisible: () => boolean,
    private readonly clock: { setTimeout(f: () => void, ms: number): unknown; clearTimeout(t: unknown): void } = {
      setTimeout: (f, ms) => setTimeout(f, ms),
      clearTimeout: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
    },
  ) {}

  /** Something the view shows may have changed. */
  trigger(): void {
    if (!this.isVisible()) {
      this.stale = true;
      return;
    }
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.stale = false;
      this.refresh();
    }, this.delayMs);
  }

  /** The view became visible: refresh now if something changed while it was hidden. */
  shown(): void {
    if (this.stale) this.trigger();
  }

  dispose(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
