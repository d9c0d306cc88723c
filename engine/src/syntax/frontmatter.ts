/**
 * Frontmatter (R1.8, R7): the YAML block between a first line `---` and the next `---` (or `...`) line.
 *
 * YAML is read by the `yaml` package with YAML 1.2's core schema, as Obsidian reads it: `2024-01-15` is a string
 * (no timestamps), and every key and value keeps its exact source range and the text the user typed (`1e3` is
 * `1e3` where a list of text is expected, not 1000). Offsets in the YAML text are mapped back to the file's
 * lines (the block starts on line 1), so values and errors land on their exact character.
 */
import { isAlias, isCollection, isMap, isScalar, isSeq, parseDocument, Scalar, Schema, visit, type Document, type Node as YamlNode, type YAMLError } from 'yaml';
import type { Frontmatter, FrontmatterEntry, FrontmatterValue, Range } from '../model';
import { LineMap, ownString, range } from './text';

/** Where a vault keeps its frontmatter schema, relative to the vault root (read by io/schemaFile.ts). */
export const FRONTMATTER_SCHEMA_PATH = '.ospo-notes/schema.json';

const FENCE = /^---[ \t]*$/;
const CLOSE = /^(---|\.\.\.)[ \t]*$/;

/** Index of the closing fence line when `lines` start with a frontmatter block, else -1. */
export function frontmatterEnd(lines: readonly string[]): number {
  if (lines.length < 2 || !FENCE.test(lines[0])) return -1;
  for (let i = 1; i < lines.length; i++) {
    if (CLOSE.test(lines[i])) return i;
  }
  return -1;
}

/**
 * YAML 1.2's core schema, built once (a schema per document is a fifth of the parse). Known YAML 1.1 tags are not
 * resolved: `!!binary`, `!!timestamp`, `!!set` stay the text written, so the model stays plain JSON data.
 */
const CORE_SCHEMA = new Schema({ schema: 'core', resolveKnownTags: false });

/** Nesting deeper than this is kept in `data` but not described value by value (no check reads that deep). */
const MAX_VALUE_DEPTH = 32;

/**
 * `data` with each string value replaced by its interned copy ({@link ownString}): the parser's strings are
 * slices of the YAML text, and a vault repeats the same values (`public`, a tag) thousands of times. Iterative,
 * and each object is visited once (an expanded alias shares its object), so deep or aliased data stays cheap.
 */
function ownStrings(data: Record<string, unknown>): Record<string, unknown> {
  const seen = new Set<object>([data]);
  const stack: object[] = [data];
  while (stack.length > 0) {
    const o = stack.pop() as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const v = o[k];
      if (typeof v === 'string') o[k] = ownString(v);
      else if (v !== null && typeof v === 'object' && !seen.has(v)) {
        seen.add(v);
        stack.push(v);
      }
    }
  }
  return data;
}

export function parseFrontmatter(lines: readonly string[], end: number): Frontmatter {
  const fm: Frontmatter = {
    range: range(0, 0, end, lines[end].length),
    keys: [],
  };
  const yaml = lines.slice(1, end).join('\n');
  if (yaml.trim() === '') {
    fm.data = {};
    return fm;
  }
  // YAML-text offsets → file positions: the YAML text is lines 1 … end - 1 of the file joined with `\n`.
  const at = new LineMap(1, lines.slice(1, end));
  let doc: Document.Parsed;
  try {
    doc = parseDocument(yaml, { schema: CORE_SCHEMA, prettyErrors: false, uniqueKeys: true });
  } catch (e) {
    // The parser reports problems as errors; a throw is a limit of the parser itself (nesting too deep).
    fm.error = { message: `Invalid YAML in frontmatter: ${(e as Error).message}.`, range: range(1, 0, 1, lines[1].length) };
    return fm;
  }
  const contents = doc.contents;
  if (isMap(contents)) fm.keys = entriesOf(contents.items, doc, at, 0);
  if (doc.errors.length > 0) {
    fm.error = yamlErrorAt(doc.errors[0], doc, yaml, at, lines, end);
    return fm;
  }
  if (contents === null || (isScalar(contents) && contents.value === null)) {
    fm.data = {};
    return fm;
  }
  if (!isMap(contents)) {
    fm.error = { message: 'Frontmatter is not a list of properties (`name: value` lines).', range: range(1, 0, end - 1, lines[end - 1].length) };
    return fm;
  }
  try {
    // Aliases are expanded here; a "billion laughs" block stops at the alias budget with an error.
    fm.data = ownStrings(doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>);
  } catch (e) {
    // An alias to an anchor that is not set (or set after it): at that alias; the alias budget: at the block.
    let where = range(1, 0, 1, lines[1].length);
    visit(doc, {
      Alias(_key, node) {
        if (node.range && !node.resolve(doc)) {
          where = at.range(node.range[0], node.range[1]);
          return visit.BREAK;
        }
        return undefined;
      },
    });
    const p = where.start;
    fm.error = { message: `Invalid YAML in frontmatter: ${(e as Error).message.replace(/\.$/, '')} (line ${p.line + 1}, column ${p.character + 1}).`, range: where };
  }
  return fm;
}

type Pair = { key: unknown; value: unknown };

function entriesOf(pairs: readonly Pair[], doc: Document.Parsed, at: LineMap, depth: number): FrontmatterEntry[] {
  const out: FrontmatterEntry[] = [];
  for (const pair of pairs) {
    const key = pair.key;
    // A complex key (`? [a, b]`) names no property.
    if (!isScalar(key) || !key.range) continue;
    const keyRange = at.range(key.range[0], key.range[1]);
    out.push({ key: ownString(scalarText(key)), range: keyRange, value: valueOf(pair.value, doc, at, depth + 1, keyRange) });
  }
  return out;
}

function valueOf(node: unknown, doc: Document.Parsed, at: LineMap, depth: number, keyRange: Range): FrontmatterValue {
  const n = node as YamlNode | null;
  if (n === null || n === undefined || !n.range) {
    // `key:` with nothing after it: an empty value right after the key's colon.
    const p = { line: keyRange.end.line, character: keyRange.end.character + 1 };
    return { range: { start: p, end: p }, kind: 'scalar', text: '', type: 'null', style: 'plain' };
  }
  const r = at.range(n.range[0], n.range[1]);
  if (isAlias(n)) {
    // An alias stands for its anchor's value; collections are not expanded again (their items have their own
    // ranges at the anchor), which keeps a "billion laughs" block linear here.
    const target = n.resolve(doc);
    if (isScalar(target)) return scalarValue(target, r);
    return { range: r, kind: isSeq(target) ? 'list' : isMap(target) ? 'map' : 'scalar', ...(isCollection(target) ? {} : { text: '', type: 'null' as const }) };
  }
  if (isScalar(n)) return scalarValue(n, r);
  if (depth >= MAX_VALUE_DEPTH) return { range: r, kind: isSeq(n) ? 'list' : 'map' };
  if (isSeq(n)) return { range: r, kind: 'list', items: n.items.map((item) => valueOf(item, doc, at, depth + 1, r)) };
  if (isMap(n)) return { range: r, kind: 'map', entries: entriesOf(n.items as Pair[], doc, at, depth) };
  return { range: r, kind: 'scalar', text: '', type: 'null' };
}

/**
 * A scalar's value at `range`. Built as one literal of fixed shape: an object spread with a property added after
 * it gets a hidden class of its own in V8, some 230 bytes per frontmatter value, kept as long as the model.
 */
function scalarValue(s: Scalar, range: Range): FrontmatterValue {
  const v = s.value;
  const type = v === null || v === undefined ? 'null' : typeof v === 'number' || typeof v === 'bigint' ? 'number' : typeof v === 'boolean' ? 'boolean' : 'string';
  const style = s.type === Scalar.QUOTE_DOUBLE ? 'double-quoted' : s.type === Scalar.QUOTE_SINGLE ? 'single-quoted' : s.type === Scalar.BLOCK_FOLDED || s.type === Scalar.BLOCK_LITERAL ? 'block' : 'plain';
  return { kind: 'scalar', text: ownString(scalarText(s)), type, style, range };
}

/** A scalar's text as typed: the source of a plain scalar (`0x1F`, `~`), the decoded value of a quoted one. */
function scalarText(s: Scalar): string {
  if (s.type === Scalar.PLAIN || s.type === undefined) return typeof s.source === 'string' ? s.source : s.value === null ? '' : String(s.value);
  return String(s.value ?? '');
}

function yamlErrorAt(err: YAMLError, doc: Document.Parsed, yaml: string, at: LineMap, lines: readonly string[], end: number): { message: string; range: Range } {
  // An unclosed flow list or map is reported by the parser where it gave up (the next line, or the end of the
  // block); the writer's mistake is the bracket that was never closed.
  const open = unclosedFlow(doc, yaml, err.pos[0]);
  if (open) {
    const p = at.position(open.offset);
    const text = lines[p.line];
    const closer = open.list ? ']' : '}';
    return {
      message: `Invalid YAML in frontmatter: this ${open.list ? 'list' : 'map'} is never closed: '${closer}' is missing (line ${p.line + 1}, column ${p.character + 1}).`,
      range: range(p.line, p.character, p.line, text.length),
    };
  }
  const p = at.position(Math.min(err.pos[0], yaml.length));
  let line = p.line;
  let column = p.character;
  if (err.pos[0] >= yaml.length && yaml.length > 0 && !yaml.endsWith('\n')) {
    // An error at the very end of the block lands on the closing `---`, where the YAML ends.
    line = end;
    column = 0;
  }
  const text = lines[line] ?? '';
  column = Math.min(column, text.length);
  // Underline from the error to the end of the line so the squiggle is visible even at a line's end.
  const endChar = column < text.length ? text.length : column;
  // The parser turns its own stack overflow on absurd nesting into an error; say what the writer did instead.
  const reason = /call stack/i.test(err.message) ? 'lists or maps are nested too deeply' : err.message.split('\n')[0].replace(/\.$/, '');
  return {
    message: `Invalid YAML in frontmatter: ${reason} (line ${line + 1}, column ${column + 1}).`,
    range: range(line, column, line, endChar),
  };
}

/** The innermost flow collection (`[` or `{`) before `offset` that has no closing bracket. */
function unclosedFlow(doc: Document.Parsed, yaml: string, offset: number): { offset: number; list: boolean } | undefined {
  let found: { offset: number; list: boolean } | undefined;
  const visit = (node: unknown, depth: number): void => {
    if (depth > MAX_VALUE_DEPTH || !isCollection(node) || !node.range) return;
    const [start, valueEnd] = node.range;
    if (node.flow && start <= offset) {
      const opener = yaml[start];
      const closer = opener === '[' ? ']' : '}';
      if ((opener === '[' || opener === '{') && yaml.slice(start, valueEnd).trimEnd().slice(-1) !== closer && (!found || start > found.offset)) {
        found = { offset: start, list: opener === '[' };
      }
    }
    for (const item of node.items as unknown[]) {
      if (isCollection(item)) visit(item, depth + 1);
      else if (item && typeof item === 'object' && 'value' in item) {
        visit((item as Pair).key, depth + 1);
        visit((item as Pair).value, depth + 1);
      }
    }
  };
  visit(doc.contents, 0);
  return found;
}

/** The first top-level entry named `key`. */
export function frontmatterEntry(fm: Frontmatter | undefined, key: string): FrontmatterEntry | undefined {
  return fm?.keys.find((k) => k.key === key);
}

/**
 * A property read as a list of text: a list's scalar items, or a scalar as one item; empty and null values are
 * left out. Each item's text is what the user typed (`- 1e3` is `1e3`).
 */
export function textItems(value: FrontmatterValue | undefined): FrontmatterValue[] {
  if (!value) return [];
  const items = value.kind === 'list' ? value.items ?? [] : value.kind === 'scalar' ? [value] : [];
  return items.filter((v) => v.kind === 'scalar' && v.type !== 'null' && (v.text ?? '').trim() !== '');
}

/** The texts of a property read as a list of text (see {@link textItems}), trimmed. */
export function textList(value: FrontmatterValue | undefined): string[] {
  return textItems(value).map((v) => v.text!.trim());
}

/**
 * Tag names of a `tags`/`tag` value with their exact ranges. Deprecated singular `tag`/`tags` values may be
 * comma or space separated strings (R7.3, H-conv); a leading `#` is not part of the name.
 */
export function tagsOfValue(value: FrontmatterValue | undefined): Array<{ name: string; range: Range }> {
  const out: Array<{ name: string; range: Range }> = [];
  for (const item of textItems(value)) {
    const text = item.text!;
    const r = item.range;
    // Offsets within the text map onto the line when the value is written on one line as it reads: plain, or
    // quoted without escapes.
    const quote = item.style === 'single-quoted' || item.style === 'double-quoted' ? 1 : 0;
    const direct = r.start.line === r.end.line && item.style !== 'block' && r.end.character - r.start.character === text.length + 2 * quote;
    const re = /[^,\s]+/g;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const hash = m[0].startsWith('#') ? 1 : 0;
      const name = m[0].slice(hash);
      if (!name) continue;
      const from = r.start.character + quote + m.index + hash;
      out.push({ name: ownString(name), range: direct ? range(r.start.line, from, r.start.line, from + name.length) : r });
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
