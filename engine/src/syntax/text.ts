/**
 * Line and position helpers shared by the parser and the features.
 *
 * The whole engine speaks in LSP positions (0-based line, UTF-16 character). JavaScript strings are UTF-16, so a
 * character offset within a line is a plain string index: no conversion is ever needed, only line splitting.
 */
import type { Position, Range } from '../model';

/** Splits text into lines the way LSP clients count them: `\r\n`, `\n` and `\r` each end a line. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/**
 * Positions are immutable values, and a vault repeats the same few thousand of them (line 12, character 4…)
 * millions of times: the parser hands out one shared, frozen object per (line, character) in the common range
 * instead of a new one per range end. Frozen, so that a mutation anywhere fails loudly instead of moving every
 * range that shares the object.
 */
const SHARED_LINES = 2048;
const SHARED_CHARACTERS = 512;
const sharedPositions: Array<Array<Position | undefined> | undefined> = [];

export function pos(line: number, character: number): Position {
  if (line >= SHARED_LINES || character >= SHARED_CHARACTERS || line < 0 || character < 0) return { line, character };
  const row = (sharedPositions[line] ??= []);
  return (row[character] ??= Object.freeze({ line, character }));
}

export function range(startLine: number, startChar: number, endLine: number, endChar: number): Range {
  return { start: pos(startLine, startChar), end: pos(endLine, endChar) };
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

/** True when `p` lies in `r` (start inclusive, end exclusive). */
export function rangeContains(r: Range, p: Position): boolean {
  return comparePositions(r.start, p) <= 0 && comparePositions(p, r.end) < 0;
}

/** True when `p` lies in `r` or right at its end: what a cursor "inside" a link means while typing. */
export function rangeContainsOrTouches(r: Range, p: Position): boolean {
  return comparePositions(r.start, p) <= 0 && comparePositions(p, r.end) <= 0;
}

/**
 * Maps offsets in a block of consecutive source lines (joined with `\n`) back to LSP positions.
 * Built once per block; lookups are a binary search over the block's line starts.
 */
export class LineMap {
  private readonly starts: number[] = [];

  constructor(private readonly firstLine: number, lines: readonly string[]) {
    let offset = 0;
    for (const line of lines) {
      this.starts.push(offset);
      offset += line.length + 1;
    }
  }

  position(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return pos(this.firstLine + lo, offset - this.starts[lo]);
  }

  /** The range from `start` to `end` (an `end` before `start` gives the empty range at `start`). */
  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(Math.max(start, end)) };
  }

  /** Offset of a position, or -1 when the position is outside the block. */
  offset(p: Position): number {
    const i = p.line - this.firstLine;
    if (i < 0 || i >= this.starts.length) return -1;
    return this.starts[i] + p.character;
  }
}

/**
 * A copy of `s` that does not keep the string it was sliced from alive. V8 represents `text.slice(a, b)` as a
 * view into `text`; a model that stores such slices would retain every note's whole text (and markdown-it's
 * copy of it) for as long as the model lives. The copy is the engine's interned string for that text (a property
 * name is interned): one flat string, shared by every model that holds the same text (a vault writes the same
 * link paths, tags and keys thousands of times), where a copy by slicing would be two objects per text.
 */
export function ownString(s: string): string {
  if (s.length < 13) return s;
  // A keyed store internalizes the key; for-in hands back the stored (internalized) key. One holder in
  // dictionary mode serves every call: a fresh object literal per key cost twice as much, a new hidden class each.
  internHolder[s] = 0;
  let owned = s;
  for (const key in internHolder) {
    owned = key;
    break;
  }
  delete internHolder[s];
  return owned;
}

/** Empty between calls; in dictionary mode from the start (a property added and deleted). */
const internHolder: Record<string, 0> = Object.create(null);
internHolder['dictionary mode'] = 0;
delete internHolder['dictionary mode'];
