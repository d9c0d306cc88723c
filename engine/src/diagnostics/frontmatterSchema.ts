/**
 * The frontmatter schema: which properties a note has and what their values are, as a JSON Schema (draft-07)
 * validated by ajv. The default one describes OSPO notes (`ospoNoteSchema.json`); a vault replaces or extends it
 * with `.ospo-notes/schema.json` (read by io/schemaFile.ts). The frontmatter-schema rule, key and value
 * completion, hover on a key and the new-note template all read the same {@link FrontmatterSchema}.
 *
 * Values are checked as typed: where the schema wants text, a plain `2024` or `true` is the text the user wrote
 * (ajv coerces scalars to the schema's type on a copy of the data), so only real mismatches are reported, at the
 * exact key or value (Frontmatter.keys).
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import type { Frontmatter, FrontmatterEntry, FrontmatterValue, NoteModel, Range } from '../model';
import { range } from '../syntax/text';
import { FRONTMATTER_SCHEMA_PATH } from '../syntax/frontmatter';
import type { DiagnosticCode, NoteDiagnostic, Severity } from './diagnostics';
import type { DiagnosticRule } from './rule';
import OSPO_NOTE_SCHEMA from './ospoNoteSchema.json';


export type JsonSchema = Record<string, unknown>;

/** What the schema says of one top-level property, for completion, hover and quick fixes. */
export interface PropertySchema {
  key: string;
  description?: string;
  /** The JSON Schema types it accepts (`string`, `array`, …); empty when any (or only an enum) is accepted. */
  types: string[];
  /** The allowed values, when the schema lists them (`enum`, or `const`). */
  values?: unknown[];
  /** One description per allowed value (VS Code's `enumDescriptions`). */
  valueDescriptions?: string[];
  /** For a list: the types and allowed values of its items. */
  itemTypes?: string[];
  itemValues?: unknown[];
  format?: string;
  /** What a new note gets (the template), `{{title}}` standing for the note's name. */
  default?: unknown;
  deprecated: boolean;
  /** The property to use instead of a deprecated one (`x-replacement`). */
  replacement?: string;
}

/** A compiled schema. Immutable: a changed schema file gives a new one. */
export class FrontmatterSchema {
  private readonly byKey = new Map<string, PropertySchema>();
  private readonly patterns: RegExp[] = [];
  readonly required: readonly string[];
  /** `additionalProperties: false`: a key the schema does not name is an error, whatever the setting. */
  readonly closed: boolean;

  constructor(
    /** The effective schema (the default merged with the vault's, or the vault's alone). */
    readonly json: JsonSchema,
    private readonly validator: ValidateFunction,
    /** `default`, or the vault path of the file it came from. */
    readonly origin: string,
  ) {
    const props = asObject(json.properties) ?? {};
    for (const [key, s] of Object.entries(props)) this.byKey.set(key, propertySchema(key, s));
    for (const p of Object.keys(asObject(json.patternProperties) ?? {})) {
      try {
        this.patterns.push(new RegExp(p, 'u'));
      } catch {
        // ajv refused the schema already if the pattern were invalid; nothing to match then.
      }
    }
    this.required = Array.isArray(json.required) ? json.required.filter((k): k is string => typeof k === 'string') : [];
    this.closed = json.additionalProperties === false;
  }

  /** The properties the schema names, in its order (deprecated ones included). */
  get properties(): PropertySchema[] {
    return [...this.byKey.values()];
  }

  property(key: string): PropertySchema | undefined {
    return this.byKey.get(key);
  }

  /** Whether the schema names `key` (in `properties` or by a `patternProperties` pattern). */
  knows(key: string): boolean {
    return this.byKey.has(key) || this.patterns.some((p) => p.test(key));
  }

  /** ajv's errors for `data` (validated on a copy: coercion to the schema's types must not change the model). */
  validate(data: Record<string, unknown>): ErrorObject[] {
    const copy = structuredClone(data);
    return this.validator(copy) ? [] : [...(this.validator.errors ?? [])];
  }
}

function asObject(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function typesOf(s: Record<string, unknown>): string[] {
  const t = s.type;
  return typeof t === 'string' ? [t] : Array.isArray(t) ? t.filter((x): x is string => typeof x === 'string') : [];
}

function valuesOf(s: Record<string, unknown>): unknown[] | undefined {
  return Array.isArray(s.enum) ? s.enum : 'const' in s ? [s.const] : undefined;
}

function propertySchema(key: string, raw: unknown): PropertySchema {
  const s = asObject(raw) ?? {};
  const items = asObject(s.items);
  const description = typeof s.markdownDescription === 'string' ? s.markdownDescription : typeof s.description === 'string' ? s.description : undefined;
  return {
    key,
    description,
    types: typesOf(s),
    values: valuesOf(s),
    valueDescriptions: Array.isArray(s.markdownEnumDescriptions) ? s.markdownEnumDescriptions.map(String) : Array.isArray(s.enumDescriptions) ? s.enumDescriptions.map(String) : undefined,
    itemTypes: items ? typesOf(items) : undefined,
    itemValues: items ? valuesOf(items) : undefined,
    format: typeof s.format === 'string' ? s.format : undefined,
    default: s.default,
    deprecated: s.deprecated === true,
    replacement: typeof s['x-replacement'] === 'string' ? s['x-replacement'] : undefined,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Compiling and loading

/** `YYYY-MM-DD`, a real calendar day. */
function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= days[mo - 1];
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)?$/i;

function newAjv(): Ajv {
  // strict: false lets a schema carry editor annotations (enumDescriptions, x-replacement, …); formats this
  // engine does not know are not checked.
  const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: true, allowUnionTypes: true, logger: false });
  // A date as Obsidian writes one: `YYYY-MM-DD`, or with a time (`2024-01-15T10:30`), which its date-and-time
  // properties write under the same keys.
  ajv.addFormat('date', (s: string) => {
    const t = s.indexOf('T');
    return t < 0 ? isDate(s) : isDate(s.slice(0, t)) && TIME.test(s.slice(t + 1));
  });
  ajv.addFormat('date-time', (s: string) => {
    const t = s.search(/[Tt ]/);
    return t > 0 && isDate(s.slice(0, t)) && TIME.test(s.slice(t + 1));
  });
  ajv.addFormat('time', TIME);
  return ajv;
}

let defaultSchema: FrontmatterSchema | undefined;

/** The schema of OSPO notes shipped with the engine. */
export function defaultFrontmatterSchema(): FrontmatterSchema {
  if (!defaultSchema) {
    const json = withoutMeta(OSPO_NOTE_SCHEMA as JsonSchema);
    defaultSchema = new FrontmatterSchema(json, newAjv().compile(json), 'default');
  }
  return defaultSchema;
}

export interface SchemaLoad {
  /** The schema to check with: the vault's, or the default one when the file is absent or broken. */
  schema: FrontmatterSchema;
  /** Problems of the schema file itself (code `schema-invalid`), at their position in it. */
  problems: NoteDiagnostic[];
}

let lastLoad: { text: string; path: string; result: SchemaLoad } | undefined;

/**
 * The schema a vault checks with, from the text of its schema file (`undefined`: there is none). The file is a
 * JSON Schema of the frontmatter; it extends the default one (its properties added to or replacing the
 * default's, its `required` added) unless it says `"extends": "none"`. A broken file is reported and the
 * default schema is used meanwhile. The same text gives the same schema object.
 */
export function loadFrontmatterSchema(text: string | undefined, path: string = FRONTMATTER_SCHEMA_PATH, readProblem?: string): SchemaLoad {
  if (readProblem !== undefined) {
    const message = `${readProblem} The default frontmatter schema is used until this is fixed.`;
    return { schema: defaultFrontmatterSchema(), problems: [{ path, range: range(0, 0, 0, 0), severity: 'error', code: 'schema-invalid', message }] };
  }
  if (text === undefined) return { schema: defaultFrontmatterSchema(), problems: [] };
  if (lastLoad && lastLoad.text === text && lastLoad.path === path) return lastLoad.result;
  const result = compileSchemaFile(text, path);
  lastLoad = { text, path, result };
  return result;
}

function compileSchemaFile(text: string, path: string): SchemaLoad {
  const fallback = defaultFrontmatterSchema();
  const problem = (r: Range, message: string): SchemaLoad => ({
    schema: fallback,
    problems: [{ path, range: r, severity: 'error', code: 'schema-invalid', message: `${message} The default frontmatter schema is used until this is fixed.` }],
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const at = /position (\d+)/.exec(message);
    const p = positionIn(text, at ? Number(at[1]) : 0);
    return problem(range(p.line, p.character, p.line, p.character + 1), `The vault's frontmatter schema is not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}.`);
  }
  const given = asObject(parsed);
  if (!given) return problem(range(0, 0, 0, 1), 'The vault\'s frontmatter schema must be a JSON object (a JSON Schema of the frontmatter).');
  const ext = given.extends;
  if (ext !== undefined && ext !== 'default' && ext !== 'none') {
    return problem(locateInJson(text, ['extends']), `"extends" is "default" (add to the default schema, the default) or "none" (replace it), not ${JSON.stringify(ext)}.`);
  }
  const own = withoutMeta(given);
  delete own.extends;
  const json = ext === 'none' ? own : mergeSchemas(withoutMeta(OSPO_NOTE_SCHEMA as JsonSchema), own);
  const ajv = newAjv();
  if (!ajv.validateSchema(own)) {
    const e = (ajv.errors ?? [])[0];
    const where = e ? e.instancePath.split('/').slice(1).map(unescapePointer) : [];
    return problem(locateInJson(text, where), `The vault's frontmatter schema is not a valid JSON Schema: ${e ? `${e.instancePath || 'the schema'} ${e.message}` : 'unknown error'}.`);
  }
  try {
    return { schema: new FrontmatterSchema(json, ajv.compile(json), path), problems: [] };
  } catch (e) {
    return problem(range(0, 0, 0, 1), `The vault's frontmatter schema cannot be used: ${(e as Error).message}.`);
  }
}

/** The schema without `$schema` (a vault may name draft 2019-09 or 2020-12; it is read with draft-07 keywords). */
function withoutMeta(s: JsonSchema): JsonSchema {
  const copy = structuredClone(s);
  delete copy.$schema;
  return copy;
}

function mergeSchemas(base: JsonSchema, own: JsonSchema): JsonSchema {
  const merged: JsonSchema = { ...base, ...own };
  merged.properties = { ...(asObject(base.properties) ?? {}), ...(asObject(own.properties) ?? {}) };
  const required = [...(Array.isArray(base.required) ? base.required : []), ...(Array.isArray(own.required) ? own.required : [])];
  if (required.length > 0) merged.required = [...new Set(required)];
  return merged;
}

function unescapePointer(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

function positionIn(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, character: Math.max(0, offset - start) };
}

/** The range of the value at `path` in JSON text (JSON is YAML, whose parser keeps source ranges). */
function locateInJson(text: string, path: string[]): Range {
  let node: YamlNode | null | undefined = parseDocument(text).contents as YamlNode | null;
  let found: [number, number] | undefined = node?.range ? [node.range[0], node.range[1]] : undefined;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === seg);
      if (!pair) break;
      node = pair.value as YamlNode | null;
      const k = pair.key as YamlNode;
      found = node?.range ? [node.range[0], node.range[1]] : k.range ? [k.range[0], k.range[1]] : found;
    } else if (isSeq(node)) {
      node = node.items[Number(seg)] as YamlNode | null;
      if (node?.range) found = [node.range[0], node.range[1]];
    } else break;
  }
  if (!found) return range(0, 0, 0, 1);
  const s = positionIn(text, found[0]);
  const e = positionIn(text, found[1]);
  return range(s.line, s.character, e.line, e.character);
}

// ---------------------------------------------------------------------------------------------------------------
// Checking notes

export interface FrontmatterCheckOptions {
  /** Severity of a key the schema does not name (a closed schema, `additionalProperties: false`, makes it a warning). */
  unknownPropertySeverity?: Severity | 'off';
}

/** Where a JSON pointer into the frontmatter data points in the note: the value and the key naming it. */
interface Located {
  value?: FrontmatterValue;
  keyRange?: Range;
  /** `title`, `aliases[2]`, `meta.owner`. */
  name: string;
}

function locate(fm: Frontmatter, pointer: string): Located {
  const segs = pointer.split('/').slice(1).map(unescapePointer);
  let entries: FrontmatterEntry[] | undefined = fm.keys;
  let value: FrontmatterValue | undefined;
  let keyRange: Range | undefined;
  let name = '';
  for (const seg of segs) {
    if (value && value.kind === 'list') {
      value = value.items?.[Number(seg)];
      name += `[${seg}]`;
      entries = value?.entries;
      continue;
    }
    const entry: FrontmatterEntry | undefined = entries?.find((e) => e.key === seg);
    name += name ? `.${seg}` : seg;
    if (!entry) return { name, keyRange, value: undefined };
    keyRange = entry.range;
    value = entry.value;
    entries = value.entries;
  }
  return { value, keyRange, name };
}

const TYPE_NAMES: Record<string, string> = { string: 'text', array: 'a list', object: 'a map of properties', number: 'a number', integer: 'a whole number', boolean: 'true or false', null: 'empty' };

function describeTypes(types: unknown): string {
  const list = (Array.isArray(types) ? types : [types]).map((t) => TYPE_NAMES[String(t)] ?? String(t));
  return list.length <= 1 ? list.join('') : `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`;
}

function describeValue(v: FrontmatterValue | undefined): string {
  if (!v) return 'missing';
  if (v.kind === 'list') return 'a list';
  if (v.kind === 'map') return 'a map of properties';
  return v.type === 'null' ? 'empty' : v.type === 'string' ? 'text' : v.type === 'boolean' ? `${v.text} (true or false)` : `the number ${v.text}`;
}

/** A value as the user wrote it, for messages. */
function shown(v: FrontmatterValue | undefined): string {
  if (!v) return '';
  if (v.kind !== 'scalar') return v.kind === 'list' ? 'a list' : 'a map';
  return v.type === 'null' ? 'an empty value' : `'${v.text}'`;
}

/** A value of the schema written as YAML in a frontmatter line. */
export function yamlValueText(v: unknown): string {
  if (typeof v !== 'string') return JSON.stringify(v);
  const plain = v !== '' && !/^[\s\-?:,[\]{}#&*!|>'"%@`]/.test(v) && !/\s$/.test(v) && !/: |:$| #/.test(v) && !/^(true|false|null|~|[-+]?(\.?\d[\d_.]*(e[-+]?\d+)?|\.inf|\.nan)|0x[0-9a-f]+|0o[0-7]+)$/i.test(v);
  return plain ? v : JSON.stringify(v);
}

/** The frontmatter's problems against `schema`. A note whose YAML does not parse is left to the yaml-syntax rule. */
export function frontmatterProblems(note: NoteModel, schema: FrontmatterSchema, options: FrontmatterCheckOptions = {}): NoteDiagnostic[] {
  const fm = note.frontmatter;
  if (fm?.error) return [];
  const path = note.path;
  const out: NoteDiagnostic[] = [];
  const push = (r: Range, code: DiagnosticCode, message: string, severity: Severity = 'warning', data?: NoteDiagnostic['data']) =>
    out.push({ path, range: r, severity, code, message, ...(data ? { data } : {}) });
  // Where a missing key is reported: the opening `---`, or the note's first character when it has no frontmatter.
  const top = fm ? range(0, 0, 0, 3) : range(0, 0, 0, 0);
  const data = fm?.data ?? {};

  const seen = new Set<string>();
  for (const e of schema.validate(data)) {
    if (e.keyword === 'additionalProperties' && e.instancePath === '') continue; // the key checks below
    const at = fm ? locate(fm, e.instancePath) : { name: '' };
    // One problem per value (ajv may report a type and an enum, or an anyOf and its branches); every missing key.
    if (e.keyword !== 'required') {
      if (seen.has(e.instancePath)) continue;
      seen.add(e.instancePath);
    }
    const r = at.value?.range ?? at.keyRange ?? top;
    switch (e.keyword) {
      case 'required': {
        const missing = String((e.params as { missingProperty?: string }).missingProperty);
        const where = at.name ? ` in '${at.name}'` : '';
        push(at.keyRange ?? top, 'property-missing', `Missing property '${missing}'${where}: the frontmatter schema requires it.`, 'warning', { key: missing });
        break;
      }
      case 'type': {
        const want = (e.params as { type: unknown }).type;
        const isItem = /\[\d+\]$/.test(at.name);
        // A lone value where a list is expected is read as a one-item list (R7.4): not wrong, only not canonical.
        const lone = !isItem && at.value?.kind === 'scalar' && at.value.type !== 'null' && String(want) === 'array';
        const subject = isItem ? `Item ${at.name.replace(/^.*\[(\d+)\]$/, (_m, i) => String(Number(i) + 1))} of '${at.name.replace(/\[\d+\]$/, '')}'` : `'${at.name}'`;
        push(r, 'property-wrong-type', `${subject} should be ${describeTypes(want)}, not ${describeValue(at.value)}.${lone ? ` Write it as a list: [${at.value!.text}].` : ''}`, lone ? 'information' : 'warning', lone ? { key: at.name, asList: true } : undefined);
        break;
      }
      case 'enum':
      case 'const': {
        const allowed = e.keyword === 'enum' ? ((e.params as { allowedValues: unknown[] }).allowedValues ?? []) : [(e.params as { allowedValue: unknown }).allowedValue];
        const list = allowed.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
        push(r, 'property-value-not-allowed', `${shown(at.value) || 'This value'} is not an allowed value of '${at.name}': ${list.join(', ')}.`, 'warning', { allowed: list.map(yamlValueText), key: at.name });
        break;
      }
      case 'format': {
        const format = String((e.params as { format: string }).format);
        const how = format === 'date' ? ': write YYYY-MM-DD' : format === 'date-time' ? ': write YYYY-MM-DDTHH:mm' : '';
        push(r, 'property-invalid', `${shown(at.value)} is not a valid ${format} for '${at.name}'${how}.`);
        break;
      }
      case 'additionalProperties': {
        const extra = String((e.params as { additionalProperty: string }).additionalProperty);
        const inner = fm ? locate(fm, `${e.instancePath}/${extra.replace(/~/g, '~0').replace(/\//g, '~1')}`) : undefined;
        push(inner?.keyRange ?? r, 'property-unknown', `'${at.name}' has no property '${extra}' in the frontmatter schema.`);
        break;
      }
      default:
        push(r, 'property-invalid', `'${at.name || 'frontmatter'}' ${e.message ?? 'does not match the frontmatter schema'}.`);
    }
  }

  const unknown = schema.closed ? 'warning' : options.unknownPropertySeverity ?? 'off';
  for (const entry of fm?.keys ?? []) {
    const p = schema.property(entry.key);
    if (p?.deprecated) {
      const instead = p.replacement;
      push(entry.range, 'property-deprecated', `'${entry.key}' is deprecated${instead ? `: use '${instead}'` : ''}.${p.description ? ` ${p.description}` : ''}`, 'warning', instead ? { key: entry.key, replacement: instead } : { key: entry.key });
    } else if (!schema.knows(entry.key) && unknown !== 'off') {
      push(entry.range, 'property-unknown', `'${entry.key}' is not a property of the frontmatter schema${schema.origin === 'default' ? '' : ` (${schema.origin})`}.`, unknown, { key: entry.key });
    }
  }
  out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return out;
}

/** Frontmatter checked against the vault's schema (DiagnosticOptions.frontmatterSchema, else the default one). */
export const frontmatterSchemaRule: DiagnosticRule = {
  id: 'frontmatter-schema',
  codes: ['property-wrong-type', 'property-value-not-allowed', 'property-missing', 'property-unknown', 'property-deprecated', 'property-invalid'],
  // A note's frontmatter and the schema (an option: another schema re-runs every note) are all it reads.
  dependsOn: [],
  check(ctx, path) {
    const note = ctx.index.note(path);
    if (!note || note.readProblems.length > 0) return [];
    return frontmatterProblems(note, ctx.options.frontmatterSchema ?? defaultFrontmatterSchema(), { unknownPropertySeverity: ctx.options.unknownPropertySeverity });
  },
};

/**
 * The frontmatter of a new note from the schema: each property with a `default`, in the schema's order, with
 * its default value (`{{title}}` stands for the note's name). The body is the title as a heading.
 */
export function newNoteTemplate(schema: FrontmatterSchema = defaultFrontmatterSchema()): string {
  const lines: string[] = [];
  for (const p of schema.properties) {
    if (p.deprecated || p.default === undefined) continue;
    const v = p.default;
    if (Array.isArray(v)) lines.push(`${p.key}: [${v.map(yamlValueText).join(', ')}]`);
    else lines.push(`${p.key}: ${v === '{{title}}' ? v : yamlValueText(v)}`);
  }
  return `${lines.length > 0 ? `---\n${lines.join('\n')}\n---\n\n` : ''}# {{title}}\n`;
}
