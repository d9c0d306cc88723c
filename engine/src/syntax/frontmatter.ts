/**
 * Frontmatter (R1.8, R7): the YAML block between a first line `---` and the next `---` (or `...`) line.
 *
 * YAML is parsed by gray-matter (js-yaml underneath); its error marks are relative to the YAML text, so they are
 * shifted by one line (the opening `---`) to land on the exact character of the file.
 */
import matter from 'gray-matter';
import type { Frontmatter, Range } from '../model';
import { ownString, range } from './text';

const yamlEngine = (matter as unknown as { engines: { yaml: { parse(text: string): unknown } } }).engines.yaml;

const FENCE = /^---[ \t]*$/;
const CLOSE = /^(---|\.\.\.)[ \t]*$/;
const KEY_LINE = /^([^\s#:'"\-?][^:]*?|"[^"]*"|'[^']*'):(?:[ \t]|$)/;

/** Index of the closing fence line when `lines` start with a frontmatter block, else -1. */
export function frontmatterEnd(lines: readonly string[]): number {
  if (lines.length < 2 || !FENCE.test(lines[0])) return -1;
  for (let i = 1; i < lines.length; i++) {
    if (CLOSE.test(lines[i])) return i;
  }
  return -1;
}

export function parseFrontmatter(lines: readonly string[], end: number): Frontmatter {
  const fm: Frontmatter = {
    range: range(0, 0, end, lines[end].length),
    keys: [],
  };
  for (let i = 1; i < end; i++) {
    const m = KEY_LINE.exec(lines[i]);
    if (m) {
      const key = ownString(m[1].replace(/^["']|["']$/g, ''));
      fm.keys.push({ key, range: range(i, 0, i, m[1].length) });
    }
  }
  const yaml = lines.slice(1, end).join('\n');
  if (yaml.trim() === '') {
    fm.data = {};
    return fm;
  }
  try {
    // gray-matter's YAML engine on the block's text (its `matter()` wrapper would re-split the fences we have
    // already found); error marks are then relative to the file's line 1.
    const parsed = yamlEngine.parse(yaml) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      fm.data = parsed as Record<string, unknown>;
    } else if (parsed !== null && parsed !== undefined) {
      fm.error = {
        message: 'Frontmatter is not a list of properties (`name: value` lines).',
        range: range(1, 0, end - 1, lines[end - 1].length),
      };
    }
  } catch (e) {
    fm.error = yamlErrorAt(e, lines, end);
  }
  return fm;
}

interface YamlMark {
  line?: number;
  column?: number;
  buffer?: string;
}

function yamlErrorAt(e: unknown, lines: readonly string[], end: number): { message: string; range: Range } {
  const err = e as { reason?: string; message?: string; mark?: YamlMark };
  const reason = err.reason ?? (err.message ?? String(e)).split('\n')[0];
  let line = 1;
  let column = 0;
  if (err.mark && typeof err.mark.line === 'number') {
    // gray-matter hands js-yaml the text after the opening `---` starting with that line's own newline, so the
    // mark's line is already the file's line; a buffer without that newline counts from the first YAML line.
    const shift = typeof err.mark.buffer === 'string' && err.mark.buffer.startsWith('\n') ? 0 : 1;
    // An error at the end of the stream lands on the closing `---`, where the YAML ends.
    line = Math.min(err.mark.line + shift, end);
    column = err.mark.column ?? 0;
  }
  line = Math.max(1, line);
  const text = lines[line] ?? '';
  column = Math.min(column, text.length);
  // Underline from the error to the end of the line so the squiggle is visible even at a line's end.
  const endChar = column < text.length ? text.length : column;
  return {
    message: `Invalid YAML in frontmatter: ${reason} (line ${line + 1}, column ${column + 1}).`,
    range: range(line, column, line, endChar),
  };
}

/** A frontmatter property read as a list of strings: lists are taken as they are, scalars as one item. */
export function stringList(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) {
    return value.filter((v) => v !== null && v !== undefined && typeof v !== 'object').map((v) => String(v).trim()).filter((v) => v !== '');
  }
  if (typeof value === 'object') return [];
  const s = String(value).trim();
  return s === '' ? [] : [s];
}

/** Deprecated singular `tag`/`tags` values may be comma or space separated strings (R7.3, H-conv). */
export function tagList(value: unknown): string[] {
  const out: string[] = [];
  for (const item of stringList(value)) {
    for (const part of item.split(/[,\s]+/)) {
      const t = part.replace(/^#/, '').trim();
      if (t) out.push(t);
    }
  }
  return out;
}

/** `text` as a YAML plain scalar when it reads back as that same string, else double-quoted. */
export function yamlScalar(text: string): string {
  const plainSafe =
    text !== '' &&
    !/^[\s\-?:,[\]{}#&*!|>'"%@`]/.test(text) &&
    !/\s$/.test(text) &&
    !/: |:$| #/.test(text) &&
    !/^(true|false|yes|no|on|off|null|~|[-+]?(\.?\d[\d_.,]*(e[-+]?\d+)?|\.inf|\.nan)|0x[0-9a-f]+|0o[0-7]+)$/i.test(text) &&
    !/^\d{4}-\d\d-\d\d/.test(text);
  return plainSafe ? text : JSON.stringify(text);
}
