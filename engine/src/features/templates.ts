/**
 * Templates, as Obsidian's core Templates plugin expands them: the one expander behind "Insert Template", "New
 * Note from Template", today's daily note and the note a link's quick fix or "Create note" creates.
 *
 * The tags, as the core plugin reads them (case-insensitive, nothing else inside the braces):
 * - `{{title}}`: the note's name;
 * - `{{date}}`, `{{time}}`: the clock in the Templates plugin's date and time formats (`templates.json`
 *   `dateFormat`, `timeFormat`; `YYYY-MM-DD` and `HH:mm` by default);
 * - `{{date:FORMAT}}`, `{{time:FORMAT}}`: the clock in that Moment format, taken as typed up to the first `}}`
 *   (`{{date: YYYY}}` keeps its space, as Obsidian does); an empty format is the default one.
 * Anything else (`{{ title }}`, `{{author}}`, Templater's `<% … %>`) is left as typed. `{{title}}` is replaced
 * before the dates, and every tag reads one clock reading, as in Obsidian.
 *
 * Moment-style formats go through dayjs (a maintained, Moment-compatible formatter) with the plugins that add
 * Moment's tokens dayjs lacks in its core (`Do`, `wo`, `W`, `gggg`, `GGGG`, `Q`, `k`, `X`, `x`, `LL`…), plus
 * {@link momentExtras} for the few tokens no dayjs plugin formats (`DDD`, `DDDD`, `DDDo`, `Mo`, `Qo`, `Wo`, `E`,
 * `e`). English names, as Obsidian's default locale. Pure: the clock is a parameter.
 *
 * In frontmatter, `{{title}}` as a key's whole unquoted value (`title: {{title}}`) is written as a quoted YAML
 * string when YAML would read the name as something else (`Q: why`, `123`, `true`, `2024-01-05`: `yamlScalar`),
 * so that the title stays text. Dates and times are written as the format gives them, as Obsidian writes them
 * (`created: {{date}}` is a date property).
 */
import dayjs from 'dayjs';
import advancedFormat from 'dayjs/plugin/advancedFormat';
import customParseFormat from 'dayjs/plugin/customParseFormat';
import dayOfYear from 'dayjs/plugin/dayOfYear';
import isoWeek from 'dayjs/plugin/isoWeek';
import localizedFormat from 'dayjs/plugin/localizedFormat';
import weekOfYear from 'dayjs/plugin/weekOfYear';
import weekYear from 'dayjs/plugin/weekYear';
import { isMap, isNode, isScalar, isSeq, parseDocument, Schema, type Document, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Position, Range, TextEdit } from 'vscode-languageserver-types';
import { frontmatterEnd, yamlScalar } from '../syntax/frontmatter';
import { DATE_TIME_TAG, TITLE_TAG } from '../syntax/templateTags';
import { stem } from '../vault/paths';
import { vaultSettingsOf, type FeatureContext } from './context';
import { newNotePath } from './newNote';

/**
 * The Moment tokens no dayjs plugin formats, as Moment formats them: written out as `[literal]` text before the
 * plugins and the core see the format (plugins wrap `format`; the last one extended runs first).
 */
const momentExtras: dayjs.PluginFunc = (_option, Dayjs) => {
  const format = Dayjs.prototype.format;
  Dayjs.prototype.format = function (this: dayjs.Dayjs, template?: string) {
    if (template === undefined || !this.isValid()) return format.call(this, template);
    const locale = dayjs.Ls[this.locale()] ?? dayjs.Ls.en;
    const ordinal = (n: number): string => {
      // The `en` locale writes its ordinals as `[1st]` already.
      const text = String(locale.ordinal ? locale.ordinal(n) : n);
      return text.startsWith('[') ? text : `[${text}]`;
    };
    const two = (n: number): string => String(n % 100).padStart(2, '0');
    // Tokens dayjs or its plugins format as Moment does pass through; the others are written out here. The
    // time-zone names (`z`, `zz`) need a time-zone database: Moment without moment-timezone writes nothing for
    // them, and so does this (advancedFormat would throw without dayjs's timezone plugin).
    const rewritten = template.replace(/\[[^\]]*\]|LTS|LT|L{1,4}|l{1,4}|DDDo|DDDD|DDD|Mo|Qo|Wo|Y{1,6}|gggg|gg|GGGG|GG|S+|N{1,5}|y+|z+|E|e/g, (token) => {
      switch (token) {
        case 'DDDo':
          return ordinal(this.dayOfYear());
        case 'DDDD':
          return `[${String(this.dayOfYear()).padStart(3, '0')}]`;
        case 'DDD':
          return `[${this.dayOfYear()}]`;
        case 'Mo':
          return ordinal(this.month() + 1);
        case 'Qo':
          return ordinal(Math.floor(this.month() / 3) + 1);
        case 'Wo':
          return ordinal(this.isoWeek());
        case 'E':
          return `[${this.isoWeekday()}]`;
        case 'e':
          // The locale's day of the week; `en` weeks start on Sunday, as Moment's `en`.
          return `[${(this.day() - (locale.weekStart ?? 0) + 7) % 7}]`;
        case 'Y':
        case 'YYY':
          return `[${this.year()}]`;
        case 'YYYYY':
          return `[${String(this.year()).padStart(5, '0')}]`;
        case 'YYYYYY':
          return `[${this.year() < 0 ? '-' : '+'}${String(Math.abs(this.year())).padStart(6, '0')}]`;
        case 'gg':
          return `[${two(this.weekYear())}]`;
        case 'GG':
          return `[${two(this.isoWeekYear())}]`;
        case 'N':
        case 'NN':
        case 'NNN':
        case 'NNNNN':
          return this.year() > 0 ? '[AD]' : '[BC]';
        case 'NNNN':
          return this.year() > 0 ? '[Anno Domini]' : '[Before Christ]';
        default:
          if (/^S+$/.test(token)) return `[${(String(this.millisecond()).padStart(3, '0') + '000000').slice(0, Math.min(token.length, 9))}]`;
          if (/^y+$/.test(token)) return `[${this.year() > 0 ? this.year() : 1 - this.year()}]`;
          if (/^z+$/.test(token)) return '';
          return token;
      }
    });
    // An empty format is dayjs's ISO default: a format that wrote only nothing stays nothing.
    return rewritten === '' ? '' : format.call(this, rewritten);
  };
};

dayjs.extend(advancedFormat);
dayjs.extend(customParseFormat);
dayjs.extend(dayOfYear);
dayjs.extend(isoWeek);
dayjs.extend(localizedFormat);
dayjs.extend(weekOfYear);
dayjs.extend(weekYear);
dayjs.extend(momentExtras);

/** `date` (local time) in a Moment format; a format the library cannot write is given back as typed, never thrown. */
export function formatDate(date: Date, format: string): string {
  try {
    return dayjs(date).format(format);
  } catch {
    return format;
  }
}

/**
 * The local date (midnight) a text names in a Moment format, read strictly (the text must be exactly what the
 * format writes, as Obsidian's `moment(text, format, true)`), or undefined.
 */
export function parseDate(text: string, format: string): Date | undefined {
  const d = dayjs(text, format, true);
  return d.isValid() ? d.startOf('day').toDate() : undefined;
}

/** Obsidian's defaults for `{{date}}` and `{{time}}`. */
export const DEFAULT_TEMPLATE_DATE_FORMAT = 'YYYY-MM-DD';
export const DEFAULT_TEMPLATE_TIME_FORMAT = 'HH:mm';

export interface TemplateValues {
  /** What `{{title}}` stands for: the note's name. */
  title: string;
  /** The clock reading every date and time tag shows. */
  now: Date;
  /** The format of `{{date}}` (`templates.json` `dateFormat`); empty or absent: `YYYY-MM-DD`. */
  dateFormat?: string;
  /** The format of `{{time}}` (`templates.json` `timeFormat`); empty or absent: `HH:mm`. */
  timeFormat?: string;
}

/** A frontmatter line whose whole unquoted value is `{{title}}`. */
const WHOLE_VALUE_TITLE = /^(\s*[^\s:#][^:]*:[ \t]+){{title}}([ \t]*)$/i;

/** The template's text with its tags expanded. */
export function expandTemplate(template: string, values: TemplateValues): string {
  const lines = template.split('\n');
  const fmEnd = frontmatterEnd(lines.map((l) => l.replace(/\r$/, '')));
  return lines
    .map((line, i) => {
      const cr = line.endsWith('\r') ? '\r' : '';
      const text = cr ? line.slice(0, -1) : line;
      if (i > 0 && i < fmEnd) {
        const m = WHOLE_VALUE_TITLE.exec(text);
        if (m) return `${m[1]}${yamlScalar(values.title)}${m[2]}${cr}`;
      }
      return expandTags(text, values) + cr;
    })
    .join('\n');
}

function expandTags(text: string, values: TemplateValues): string {
  // The title first, then the dates, as the core plugin does: a title holding `{{date}}` shows the date.
  return text.replace(TITLE_TAG, () => values.title).replace(DATE_TIME_TAG, (_tag, kind: string, format: string | undefined) => {
    if (format) return formatDate(values.now, format);
    return kind.toLowerCase() === 'date'
      ? formatDate(values.now, values.dateFormat || DEFAULT_TEMPLATE_DATE_FORMAT)
      : formatDate(values.now, values.timeFormat || DEFAULT_TEMPLATE_TIME_FORMAT);
  });
}

/** YAML 1.2's core schema, as the parser reads frontmatter (syntax/frontmatter.ts). */
const CORE_SCHEMA = new Schema({ schema: 'core', resolveKnownTags: false });

// ---------------------------------------------------------------------------------------------------------------
// Inserting an expanded template into a note

/** A template's frontmatter (the YAML between the fences, with its line ends) and its body (after the fence). */
export interface SplitTemplate {
  frontmatter?: string;
  body: string;
}

export function splitFrontmatter(text: string): SplitTemplate {
  const lines = text.split('\n');
  const end = frontmatterEnd(lines.map((l) => l.replace(/\r$/, '')));
  if (end < 0) return { body: text };
  return { frontmatter: lines.slice(1, end).map((l) => `${l}\n`).join(''), body: lines.slice(end + 1).join('\n') };
}

export type TemplateInsertion = { ok: true; edits: TextEdit[] } | { ok: false; reason: string };

/**
 * The edits that insert an expanded template into a note whose text is `noteText`, replacing `range` (the
 * selection; empty: the cursor). The template's body goes there; its frontmatter is merged into the note's:
 *
 * - a key the note does not have is added after the note's keys, as the template writes it;
 * - a key both have whose values are lists gets the template's items the note's list does not hold yet, after
 *   the note's; a lone value on either side counts as a one-item list (R7.4: `tags: work` is `[work]`);
 * - a key the note has with no value (`key:`) takes the template's value;
 * - any other key the note has keeps the note's value: a template never overwrites what the note says.
 *
 * A note without frontmatter gets the template's at its top. The cursor inside the note's frontmatter inserts the
 * body right after it. Frontmatter that is not valid YAML (the note's or the template's) is refused, never
 * rewritten.
 */
export function templateInsertionEdits(noteText: string, range: Range, expanded: string): TemplateInsertion {
  const template = splitFrontmatter(expanded);
  const lines = noteText.split('\n');
  const noteEnd = frontmatterEnd(lines.map((l) => l.replace(/\r$/, '')));
  const eol = /\r\n/.test(noteText) ? '\r\n' : '\n';
  const at = noteEnd >= 0 && range.start.line <= noteEnd ? afterFrontmatter(lines, noteEnd) : { range, prefix: '' };
  const bodyEdit: TextEdit = { range: at.range, newText: at.prefix + template.body };
  if (template.frontmatter === undefined || template.frontmatter.trim() === '') return { ok: true, edits: template.body === '' && at.prefix === '' && isEmpty(range) ? [] : [bodyEdit] };

  const templateDoc = parseDocument(template.frontmatter, { schema: CORE_SCHEMA });
  if (templateDoc.errors.length > 0 || (templateDoc.contents !== null && !isMap(templateDoc.contents))) {
    return { ok: false, reason: `the template's frontmatter is not a valid YAML map (${templateDoc.errors[0]?.message.split('\n')[0] ?? 'not key: value pairs'}); fix the template first` };
  }
  if (noteEnd < 0) {
    const top: TextEdit = { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: `---${eol}${withEol(template.frontmatter, eol)}---${eol}` };
    return { ok: true, edits: [top, bodyEdit] };
  }
  const noteYaml = lines.slice(1, noteEnd).map((l) => `${l.replace(/\r$/, '')}\n`).join('');
  const noteDoc = parseDocument(noteYaml, { schema: CORE_SCHEMA });
  if (noteDoc.errors.length > 0 || (noteDoc.contents !== null && !isMap(noteDoc.contents))) {
    return { ok: false, reason: `the note's frontmatter is not a valid YAML map (${noteDoc.errors[0]?.message.split('\n')[0] ?? 'not key: value pairs'}); fix it first` };
  }
  const changed = mergeFrontmatterInto(noteDoc, templateDoc);
  const edits: TextEdit[] = [];
  if (changed) {
    const merged = noteDoc.toString({ lineWidth: 0, flowCollectionPadding: false });
    edits.push({ range: { start: { line: 1, character: 0 }, end: { line: noteEnd, character: 0 } }, newText: withEol(merged, eol) });
  }
  edits.push(bodyEdit);
  return { ok: true, edits };
}

/** Merges the template's keys into the note's document by the rule of {@link templateInsertionEdits}; true when something changed. */
export function mergeFrontmatterInto(note: Document, template: Document): boolean {
  if (!isMap(template.contents)) return false;
  if (!isMap(note.contents)) note.contents = note.createNode({}) as unknown as typeof note.contents;
  const target = note.contents as unknown as YAMLMap;
  let changed = false;
  for (const pair of (template.contents as YAMLMap).items as Pair[]) {
    const key = isScalar(pair.key) ? pair.key.value : pair.key;
    const mine = target.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key) as Pair | undefined;
    if (!mine) {
      // As the template writes it: a flow list stays a flow list, a quoted value stays quoted.
      target.items.push(pair.clone() as Pair<unknown, unknown>);
      changed = true;
      continue;
    }
    if (mine.value === null || (isScalar(mine.value) && (mine.value.value === null || mine.value.value === ''))) {
      if (pair.value !== null && !(isScalar(pair.value) && pair.value.value === null)) {
        mine.value = isNode(pair.value) ? pair.value.clone() : note.createNode(toJs(pair.value, template));
        changed = true;
      }
      continue;
    }
    if (isScalar(mine.value) && isSeq(pair.value)) {
      // A lone value where the template has a list is a one-item list, as Obsidian reads `tags: work` (R7.4).
      const list = note.createNode([mine.value.clone()]) as YAMLSeq;
      list.flow = pair.value.flow;
      mine.value = list;
      changed = true;
    }
    if (isSeq(mine.value)) {
      const have = new Set(mine.value.items.map((item) => JSON.stringify(toJs(item, note))));
      const theirs = isSeq(pair.value) ? pair.value.items : pair.value === null ? [] : [pair.value];
      for (const item of theirs) {
        const value = toJs(item, template);
        if (value === null || have.has(JSON.stringify(value))) continue;
        have.add(JSON.stringify(value));
        mine.value.items.push(isNode(item) ? item.clone() : note.createNode(value));
        changed = true;
      }
    }
  }
  return changed;
}

function toJs(node: unknown, doc: Document): unknown {
  if (node !== null && typeof node === 'object' && 'toJSON' in node && typeof (node as { toJSON: unknown }).toJSON === 'function') {
    return (node as { toJSON(arg?: unknown, ctx?: unknown): unknown }).toJSON(undefined, { doc, keep: false });
  }
  return node;
}

function afterFrontmatter(lines: readonly string[], end: number): { range: Range; prefix: string } {
  if (end + 1 < lines.length) {
    const p: Position = { line: end + 1, character: 0 };
    return { range: { start: p, end: p }, prefix: '' };
  }
  const p: Position = { line: end, character: lines[end].length };
  return { range: { start: p, end: p }, prefix: '\n' };
}

function withEol(text: string, eol: string): string {
  const t = text.endsWith('\n') ? text : `${text}\n`;
  return eol === '\n' ? t : t.replace(/\r?\n/g, eol);
}

function isEmpty(r: Range): boolean {
  return r.start.line === r.end.line && r.start.character === r.end.character;
}

// ---------------------------------------------------------------------------------------------------------------
// The templates folder: "Insert Template" and "New Note from Template"

/** Why there is no template to pick, said with how to set the folder. */
const NO_TEMPLATES_FOLDER =
  'No templates folder is set. Set "Template folder location" in Obsidian\'s Templates settings (.obsidian/templates.json, "folder") or the setting ospoNotes.templates.folder.';

/**
 * The notes of the templates folder (and its sub-folders), sorted, as Obsidian's "Insert template" lists them;
 * or why there are none to pick.
 */
export function templateNotes(ctx: FeatureContext): { ok: true; folder: string; paths: string[] } | { ok: false; reason: string } {
  const folder = vaultSettingsOf(ctx).templates.folder;
  if (folder === '') return { ok: false, reason: NO_TEMPLATES_FOLDER };
  const prefix = `${folder}/`.toLowerCase();
  const paths = [...ctx.index.notePaths()].filter((p) => p.toLowerCase().startsWith(prefix)).sort((a, b) => a.localeCompare(b));
  if (paths.length === 0) return { ok: false, reason: `The templates folder "${folder}" holds no notes. Add a note there, or point ospoNotes.templates.folder (or "folder" in .obsidian/templates.json) at the folder that holds your templates.` };
  return { ok: true, folder, paths };
}

/** The Templates plugin's `{{date}}` / `{{time}}` formats and the clock, for a note named `title`. */
export function templateValues(ctx: FeatureContext, title: string, now: Date): TemplateValues {
  const t = vaultSettingsOf(ctx).templates;
  return { title, now, dateFormat: t.dateFormat, timeFormat: t.timeFormat };
}

/** A template of the templates folder by vault path, and its text; or why it cannot be used. */
function templateText(ctx: FeatureContext, templatePath: string): { ok: true; text: string } | { ok: false; reason: string } {
  const listed = templateNotes(ctx);
  if (!listed.ok) return listed;
  if (!listed.paths.includes(templatePath)) return { ok: false, reason: `"${templatePath}" is not a note of the templates folder "${listed.folder}".` };
  const text = ctx.getText(templatePath);
  return text === undefined ? { ok: false, reason: `"${templatePath}" cannot be read.` } : { ok: true, text };
}

/**
 * "Insert Template": the edits of the note at `notePath` (its current text) that insert the template at
 * `templatePath`, expanded for that note (`{{title}}` its name) at `now`, replacing `range`.
 */
export function planTemplateInsertion(ctx: FeatureContext, notePath: string, range: Range, templatePath: string, now: Date): TemplateInsertion {
  const template = templateText(ctx, templatePath);
  if (!template.ok) return template;
  const noteText = ctx.getText(notePath);
  if (noteText === undefined) return { ok: false, reason: `"${notePath}" cannot be read.` };
  const inserted = templateInsertionEdits(noteText, range, expandTemplate(template.text, templateValues(ctx, stem(notePath), now)));
  return inserted.ok ? inserted : { ok: false, reason: `Cannot insert "${templatePath}": ${inserted.reason}.` };
}

/**
 * "New Note from Template": the note `name` (a name or a path, as a link writes it; a bare name goes to the
 * folder for new notes, relative to `sourcePath` when that setting says so) and its text, the template expanded
 * for it at `now`. An existing note is refused: nothing is overwritten.
 */
export function planNoteFromTemplate(ctx: FeatureContext, name: string, templatePath: string, sourcePath: string, now: Date): { ok: true; path: string; text: string } | { ok: false; reason: string } {
  const template = templateText(ctx, templatePath);
  if (!template.ok) return template;
  const planned = newNotePath(name, sourcePath, vaultSettingsOf(ctx).newNoteFolder);
  if (!planned.ok) return { ok: false, reason: planned.reason };
  const taken = ctx.index.files.withPath(planned.path);
  if (taken.length > 0) return { ok: false, reason: `"${taken[0]}" already exists; choose another name.` };
  return { ok: true, path: planned.path, text: expandTemplate(template.text, templateValues(ctx, planned.title, now)) };
}
