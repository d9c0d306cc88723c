/**
 * What the Tags, Orphans and Placeholders views decide without the editor: when to refresh, in which order tags
 * are listed, how a vault path is shown. The VS Code wiring is in tags.ts, orphans.ts and placeholders.ts.
 */
import type { Clock } from '../previewHost';
import type { TagTreeNode } from '../protocol';

const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * Refreshes a view from the server's change notifications: a burst of changes (typing re-indexes a note on every
 * keystroke) becomes one refresh `delayMs` after the last, and a hidden view is not refreshed at all, only marked
 * stale and refreshed when it is shown again.
 */
export class LiveRefresh {
  private visible = false;
  private stale = false;
  private timer: unknown;

  constructor(
    private readonly refresh: () => void,
    private readonly delayMs: number,
    private readonly clock: Clock = realClock,
  ) {}

  /** The vault changed. */
  changed(): void {
    this.stale = true;
    if (this.visible) this.schedule();
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    if (!visible) this.cancel();
    else if (this.stale) this.schedule();
  }

  dispose(): void {
    this.cancel();
  }

  private schedule(): void {
    // Debounced: each change moves the refresh to `delayMs` after it.
    this.cancel();
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      if (!this.visible) return;
      this.stale = false;
      this.refresh();
    }, this.delayMs);
  }

  private cancel(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}

export type TagOrder = 'name' | 'count';

/** Tags in the view's order: by name (case-insensitively), or most notes first, then by name. Not in place. */
export function sortTags(nodes: readonly TagTreeNode[], order: TagOrder): TagTreeNode[] {
  const byName = (a: TagTreeNode, b: TagTreeNode): number => {
    const x = a.label.toLowerCase();
    const y = b.label.toLowerCase();
    return x < y ? -1 : x > y ? 1 : a.label < b.label ? -1 : a.label > b.label ? 1 : 0;
  };
  return [...nodes].sort(order === 'count' ? (a, b) => b.count - a.count || byName(a, b) : byName);
}

/** A vault path as a tree shows it: the file name without `.md`, and its folder (`''` at the vault root). */
export function pathParts(path: string): { name: string; folder: string } {
  const slash = path.lastIndexOf('/');
  const file = path.slice(slash + 1);
  return { name: file.replace(/\.md$/i, ''), folder: slash < 0 ? '' : path.slice(0, slash) };
}

/** How much of the text before `around` a cut quote keeps. */
const QUOTE_CONTEXT = 30;

/**
 * The line of `text` a tree item quotes: trimmed, at most `max` characters. A longer line is cut with `…`; with
 * `around` (a character of the line, such as where a link starts), the quote keeps that part in view.
 */
export function quotedLine(text: string, line: number, max = 120, around?: number): string {
  const raw = text.split(/\r?\n/)[line] ?? '';
  const trimmed = raw.trim();
  if (trimmed.length <= max) return trimmed;
  const lead = raw.length - raw.trimStart().length;
  const wanted = around === undefined ? 0 : Math.max(0, Math.min(around - lead, trimmed.length) - QUOTE_CONTEXT);
  // Near the end, the window moves back to stay full.
  const at = Math.min(wanted, trimmed.length - (max - 1));
  const head = at > 0 ? '…' : '';
  const room = max - head.length;
  const body = trimmed.slice(at, at + room);
  return at + room < trimmed.length ? `${head}${body.slice(0, -1)}…` : head + body;
}
