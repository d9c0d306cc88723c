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
import { LineMap, ownString, pos, range } from './text';

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
  return parseSimpleFrontmatter(lines, end) ?? parseFrontmatterWithYaml(lines, end);
}

/** {@link parseFrontmatter} by the `yaml` package for every block: the reference the simple reader is held to. */
export function parseFrontmatterWithYaml(lines: readonly string[], end: number): Frontmatter {
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

/**
 * The frontmatter most notes have, read without the `yaml` package: top-level `key: value` lines, block lists
 * (`- item`) and one-line flow lists (`[a, b]`) of one-line scalars, plain or quoted without escapes, typed only
 * when unmistakable (`true`, `12`, `~`). The YAML parser costs about 150 µs per note (a sixth of a cold index),
 * this a few. Anything else (comments, blank lines, nesting, flow maps, tabs, escapes, anchors, other numbers,
 * duplicate keys…) returns undefined and goes to the parser, as does anything this reader is not sure of: the
 * model must be what the parser gives, which a differential test over generated blocks checks.
 */
export function parseSimpleFrontmatter(lines: readonly string[], end: number): Frontmatter | undefined {
  const keys: FrontmatterEntry[] = [];
  const data: Record<string, unknown> = {};
  let i = 1;
  while (i < end) {
    const line = lines[i];
    const colon = keyEnd(line);
    if (colon < 0) return undefined;
    const key = line.slice(0, colon);
    if (colon > 1000 || !isSimplePlain(key) || key.includes(':') || key === '__proto__' || Object.prototype.hasOwnProperty.call(data, key)) return undefined;
    const keyRange = range(i, 0, i, colon);
    let start = colon + 1;
    while (line.charCodeAt(start) === 32) start++;
    if (start < line.length) {
      if (start === colon + 1) return undefined;
      const value = simpleValue(line, start, i);
      if (!value) return undefined;
      keys.push({ key: ownString(key), range: keyRange, value: value.value });
      data[key] = value.data;
      i++;
      continue;
    }
    if (start > colon + 1) return undefined; // trailing spaces after the colon
    // `key:` then a block list at any indentation, or nothing (null).
    const items: FrontmatterValue[] = [];
    const texts: unknown[] = [];
    let indent = -1;
    let j = i + 1;
    for (; j < end; j++) {
      const item = lines[j];
      let k = 0;
      while (item.charCodeAt(k) === 32) k++;
      if (item.charCodeAt(k) !== 45 /* - */) break;
      if (indent < 0) indent = k;
      else if (k !== indent) return undefined;
      if (item.charCodeAt(k + 1) !== 32) return undefined;
      let at = k + 2;
      while (item.charCodeAt(at) === 32) at++;
      const value = simpleScalar(item, at, item.length, j, false);
      if (!value) return undefined;
      items.push(value.value);
      texts.push(value.data);
    }
    if (indent > 0 && j < end && lines[j].charCodeAt(0) === 32) return undefined; // an indented line that is no item
    if (items.length === 0) {
      const p = pos(i, colon + 1);
      keys.push({ key: ownString(key), range: keyRange, value: { kind: 'scalar', text: '', type: 'null', style: 'plain', range: { start: p, end: p } } });
      data[key] = null;
    } else {
      // The list's range runs from its first `-` to the start of the line after it (the end of the block's last line).
      const listEnd = j < end ? pos(j, 0) : pos(j - 1, lines[j - 1].length);
      keys.push({ key: ownString(key), range: keyRange, value: { range: { start: pos(i + 1, indent), end: listEnd }, kind: 'list', items } });
      data[key] = texts;
    }
    i = j;
  }
  if (keys.length === 0) return undefined;
  return { range: range(0, 0, end, lines[end].length), keys, data };
}

/** The offset of the `:` that ends a top-level key (followed by a space or the line's end), or -1. */
function keyEnd(line: string): number {
  const c = line.charCodeAt(0);
  if (c === 32 || Number.isNaN(c)) return -1;
  for (let k = line.indexOf(':'); k > 0; k = line.indexOf(':', k + 1)) {
    if (k + 1 === line.length || line.charCodeAt(k + 1) === 32) return k;
  }
  return -1;
}

/**
 * The value from `start` to the end of line `line` of the file (`text`): a simple scalar, or a flow list of them
 * on that one line (`[a, "b c"]`).
 */
function simpleValue(text: string, start: number, line: number): { value: FrontmatterValue; data: unknown } | undefined {
  if (text.charCodeAt(start) !== 91 /* [ */) return simpleScalar(text, start, text.length, line, false);
  const last = text.length - 1;
  if (text.charCodeAt(last) !== 93 /* ] */) return undefined;
  const items: FrontmatterValue[] = [];
  const data: unknown[] = [];
  let at = start + 1;
  if (at < last) {
    for (;;) {
      const q = text.charCodeAt(at);
      let stop: number;
      if (q === 34 || q === 39) {
        stop = text.indexOf(q === 34 ? '"' : "'", at + 1) + 1;
        if (stop === 0) return undefined;
      } else {
        stop = at;
        while (stop < last && text.charCodeAt(stop) !== 44 /* , */) stop++;
      }
      const item = simpleScalar(text, at, stop, line, true);
      if (!item) return undefined;
      items.push(item.value);
      data.push(item.data);
      if (stop === last) break;
      if (text.charCodeAt(stop) !== 44) return undefined;
      at = stop + 1;
      while (text.charCodeAt(at) === 32) at++;
    }
  }
  return { value: { range: range(line, start, line, text.length), kind: 'list', items }, data };
}

/** The one-line scalar from `start` to `stop` on line `line` of the file (`text`), when it is simple. */
function simpleScalar(text: string, start: number, stop: number, line: number, inFlow: boolean): { value: FrontmatterValue; data: unknown } | undefined {
  const q = text.charCodeAt(start);
  const source = text.slice(start, stop);
  let data: unknown;
  let value: string;
  let type: FrontmatterValue['type'] = 'string';
  let style: 'plain' | 'double-quoted' | 'single-quoted' = 'plain';
  if (q === 34 /* " */ || q === 39 /* ' */) {
    if (source.length < 2 || source.indexOf(source[0], 1) !== source.length - 1) return undefined;
    if ((q === 34 && source.includes('\\')) || !isSimpleText(source)) return undefined;
    style = q === 34 ? 'double-quoted' : 'single-quoted';
    data = value = ownString(source.slice(1, -1));
  } else {
    if (source === '' || !isSimpleText(source) || NOT_PLAIN.test(source) || (inFlow && /[,:]/.test(source))) return undefined;
    data = value = ownString(source);
    if (IMPLICIT_TAGS.some((t) => t.test(source))) {
      // The few typed scalars whose value is unmistakable; the parser reads the others (`0x1F`, `1e3`, `-0`…).
      if (BOOLEAN.test(source)) {
        data = source[0] === 't' || source[0] === 'T';
        type = 'boolean';
      } else if (NULL.test(source)) {
        data = null;
        type = 'null';
      } else if (DECIMAL.test(source)) {
        data = Number(source);
        type = 'number';
      } else return undefined;
    }
  }
  return { value: { kind: 'scalar', text: value, type, style, range: range(line, start, line, stop) }, data };
}

const BOOLEAN = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const NULL = /^(?:~|[Nn]ull|NULL)$/;
const DECIMAL = /^(?:0|[1-9][0-9]{0,14})$/;

/** Characters the simple reader takes as they are: printable, no tab, no byte-order mark or line separators. */
const SIMPLE_TEXT = /^(?:[\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]|[\ud800-\udbff][\udc00-\udfff])*$/;
/** What starts a YAML indicator or ends a plain scalar early, and what YAML reads as other than text. */
const NOT_PLAIN = /^[\s\-?:,[\]{}#&*!|>'"%@`]|[\s:]$|: | #|[[\]{}]/;
const IMPLICIT_TAGS = CORE_SCHEMA.tags.flatMap((t) => (t.default && t.test ? [t.test] : []));

function isSimpleText(s: string): boolean {
  return SIMPLE_TEXT.test(s);
}

/** A plain scalar that YAML's core schema reads as exactly this string. */
function isSimplePlain(s: string): boolean {
  return s !== '' && isSimpleText(s) && !NOT_PLAIN.test(s) && !IMPLICIT_TAGS.some((t) => t.test(s));
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
