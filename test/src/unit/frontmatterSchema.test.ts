import * as assert from 'node:assert/strict';
import {
  defaultFrontmatterSchema,
  type FeatureContext,
  type FrontmatterSchema,
  frontmatterProblems,
  loadFrontmatterSchema,
  newNoteTemplate,
  noteDiagnostics,
  type NoteDiagnostic,
  parseNote,
  ProblemCache,
  provideCompletion,
  provideFrontmatterFixes,
  provideHover,
  type Range,
  VaultIndex,
} from '@ospo-notes/engine';

const r = (x: Range): string => `${x.start.line}:${x.start.character}-${x.end.line}:${x.end.character}`;

function check(text: string, schema: FrontmatterSchema = defaultFrontmatterSchema(), unknownPropertySeverity?: 'hint' | 'warning' | 'off'): NoteDiagnostic[] {
  return frontmatterProblems(parseNote('Note.md', text), schema, { unknownPropertySeverity });
}
const brief = (ds: NoteDiagnostic[]): string[] => ds.map((d) => `${r(d.range)} ${d.severity} ${d.code}`);

function vaultSchema(json: unknown): FrontmatterSchema {
  const load = loadFrontmatterSchema(JSON.stringify(json, null, 2));
  assert.deepEqual(load.problems, []);
  return load.schema;
}

/** One note in an index, with a feature context reading `schema`. */
function context(text: string, schema?: FrontmatterSchema): FeatureContext {
  const index = new VaultIndex();
  index.load([parseNote('Note.md', text)], []);
  return { index, getText: () => text, frontmatterSchema: schema ? () => schema : undefined };
}

/** The text after applying quick fix `n` for the note's first schema problem. */
function fixed(text: string, title: string, schema?: FrontmatterSchema): string {
  const ctx = context(text, schema);
  const ds = frontmatterProblems(ctx.index.note('Note.md')!, schema ?? defaultFrontmatterSchema());
  const fixes = provideFrontmatterFixes(ctx, 'Note.md', ds);
  const fix = fixes.find((f) => f.title === title);
  assert.ok(fix, `no fix '${title}' among ${JSON.stringify(fixes.map((f) => f.title))}`);
  const lines = text.split('\n');
  // Apply edits from the last to the first, each within the lines it names.
  for (const e of [...fix.edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character)) {
    const before = lines.slice(0, e.range.start.line).join('\n') + (e.range.start.line > 0 ? '\n' : '') + lines[e.range.start.line].slice(0, e.range.start.character);
    const after = (lines[e.range.end.line] ?? '').slice(e.range.end.character) + (e.range.end.line + 1 < lines.length ? '\n' + lines.slice(e.range.end.line + 1).join('\n') : '');
    lines.splice(0, lines.length, ...(before + e.newText + after).split('\n'));
  }
  return lines.join('\n');
}

describe('frontmatter schema: the default OSPO schema', () => {
  it('reports a visibility outside public | private at the value, with the allowed values', () => {
    const ds = check('---\ntitle: T\nvisibility: secret\n---\n');
    assert.deepEqual(brief(ds), ['2:12-2:18 warning property-value-not-allowed']);
    assert.equal(ds[0].message, "'secret' is not an allowed value of 'visibility': public, private.");
    assert.deepEqual(ds[0].data, { allowed: ['public', 'private'], key: 'visibility' });
  });

  it('reports wrong types at the value, and a wrong item at the item', () => {
    assert.deepEqual(brief(check('---\ntitle: [a, b]\ntags: {x: 1}\naliases: [ok, {k: v}]\n---\n')), [
      '1:7-1:13 warning property-wrong-type',
      '2:6-2:12 warning property-wrong-type',
      '3:14-3:20 warning property-wrong-type',
    ]);
    const ds = check('---\naliases:\n  - fine\n  - [nested]\n---\n');
    assert.deepEqual(brief(ds), ['3:4-3:12 warning property-wrong-type']);
    assert.equal(ds[0].message, "Item 2 of 'aliases' should be text, not a list.");
  });

  it('takes values as typed: a plain number, date or boolean is text where text is wanted', () => {
    assert.deepEqual(check('---\ntitle: 2024\nacronym: true\naliases: [1e3, 0x1F]\ntags: [2024]\ndate: 2024-01-15\n---\n'), []);
    assert.deepEqual(check('---\ndate: 2024-01-15T10:30\n---\n'), []);
    assert.deepEqual(check('---\ntitle:\n---\n'), []);
  });

  it('checks dates: a real calendar day, YYYY-MM-DD', () => {
    const ds = check('---\ndate: 2024-02-30\n---\n');
    assert.deepEqual(brief(ds), ['1:6-1:16 warning property-invalid']);
    assert.equal(ds[0].message, "'2024-02-30' is not a valid date for 'date': write YYYY-MM-DD.");
    assert.deepEqual(brief(check('---\ndate: 15/01/2024\n---\n')), ['1:6-1:16 warning property-invalid']);
    assert.deepEqual(check('---\ndate: 2024-02-29\n---\n'), []);
  });

  it('reads a lone value where a list is wanted as a one-item list: information, not a warning', () => {
    const ds = check('---\naliases: Doggo\n---\n');
    assert.deepEqual(brief(ds), ['1:9-1:14 information property-wrong-type']);
    assert.match(ds[0].message, /Write it as a list: \[Doggo\]/);
    assert.equal(fixed('---\naliases: Doggo\n---\n', 'Write as a list'), '---\naliases: [Doggo]\n---\n');
    assert.equal(fixed('---\ntags: project, important\n---\n', 'Write as a list'), '---\ntags: [project, important]\n---\n');
  });

  it('reports the deprecated singular keys at the key, naming the plural', () => {
    const ds = check('---\nalias: A\ntag: t\ncssclass: wide\n---\n');
    assert.deepEqual(brief(ds), ['1:0-1:5 warning property-deprecated', '2:0-2:3 warning property-deprecated', '3:0-3:8 warning property-deprecated']);
    assert.match(ds[0].message, /^'alias' is deprecated: use 'aliases'\./);
    assert.deepEqual(ds[1].data, { key: 'tag', replacement: 'tags' });
  });

  it('says nothing of unknown keys by default; the setting gives them a severity', () => {
    assert.deepEqual(check('---\nstatus: draft\n---\n'), []);
    assert.deepEqual(brief(check('---\nstatus: draft\n---\n', undefined, 'hint')), ['1:0-1:6 hint property-unknown']);
  });

  it('leaves a note whose YAML does not parse to the yaml-syntax rule', () => {
    assert.deepEqual(check('---\nvisibility: secret\ntags: [a\n---\n'), []);
    const index = new VaultIndex();
    index.load([parseNote('Bad.md', '---\nvisibility: secret\ntags: [a\n---\n')], []);
    assert.deepEqual(noteDiagnostics(index, 'Bad.md').map((d) => d.code), ['yaml-syntax']);
  });

  it('runs as a registered rule of noteDiagnostics, with the schema of the options', () => {
    const index = new VaultIndex();
    index.load([parseNote('N.md', '---\nvisibility: secret\nstatus: x\n---\n[[nowhere]]\n')], []);
    assert.deepEqual(noteDiagnostics(index, 'N.md').map((d) => d.code), ['property-value-not-allowed', 'unresolved-link']);
    const strict = vaultSchema({ properties: { visibility: { enum: ['public', 'private', 'secret'] } }, additionalProperties: false });
    assert.deepEqual(noteDiagnostics(index, 'N.md', { frontmatterSchema: strict }).map((d) => `${d.code} ${d.severity}`), ['property-unknown warning', 'unresolved-link warning']);
  });
});

describe('frontmatter schema: a vault schema file', () => {
  it('extends the default: its properties added or replacing, its required keys added', () => {
    const schema = vaultSchema({ properties: { status: { enum: ['draft', 'done'] }, visibility: { enum: ['public', 'internal'] } }, required: ['title', 'status'] });
    assert.equal(schema.origin, '.ospo-notes/schema.json');
    assert.deepEqual(schema.property('title')?.types, ['string']);
    const ds = check('---\nvisibility: private\ntags: x\n---\n', schema);
    assert.deepEqual(brief(ds), ['0:0-0:3 warning property-missing', '0:0-0:3 warning property-missing', '1:12-1:19 warning property-value-not-allowed', '2:6-2:7 information property-wrong-type']);
    assert.deepEqual(ds.slice(0, 2).map((d) => d.data?.key), ['title', 'status']);
    // Without frontmatter, missing keys are reported at the note's first character.
    assert.deepEqual(brief(check('# Just a note\n', schema)), ['0:0-0:0 warning property-missing', '0:0-0:0 warning property-missing']);
  });

  it('replaces the default with "extends": "none"', () => {
    const schema = vaultSchema({ extends: 'none', properties: { owner: { type: 'string' } } });
    assert.equal(schema.property('visibility'), undefined);
    assert.deepEqual(check('---\nvisibility: secret\nowner: [a]\n---\n', schema).map((d) => d.code), ['property-wrong-type']);
  });

  it('reports a file that is not JSON at the error, and uses the default schema meanwhile', () => {
    const load = loadFrontmatterSchema('{\n  "properties": {\n    "a": 1,\n  }\n}\n');
    assert.equal(load.schema, defaultFrontmatterSchema());
    assert.deepEqual(load.problems.map((d) => `${d.path} ${r(d.range)} ${d.severity} ${d.code}`), ['.ospo-notes/schema.json 3:2-3:3 error schema-invalid']);
    assert.match(load.problems[0].message, /^The vault's frontmatter schema is not valid JSON: .*\. The default frontmatter schema is used until this is fixed\.$/);
  });

  it('reports an invalid JSON Schema at the offending keyword', () => {
    const text = '{\n  "properties": {\n    "status": { "type": "strin" }\n  }\n}\n';
    const load = loadFrontmatterSchema(text);
    assert.deepEqual(load.problems.map((d) => `${r(d.range)} ${d.code}`), ['2:24-2:31 schema-invalid']);
    assert.match(load.problems[0].message, /not a valid JSON Schema: \/properties\/status\/type must be equal to one of the allowed values/);
    assert.deepEqual(loadFrontmatterSchema('[1, 2]').problems.map((d) => d.code), ['schema-invalid']);
    assert.match(loadFrontmatterSchema('{"extends": "mine"}').problems[0].message, /"extends" is "default" .* or "none"/);
    assert.match(loadFrontmatterSchema(undefined, undefined, 'The frontmatter schema file is not valid UTF-8 text.').problems[0].message, /not valid UTF-8/);
  });

  it('gives the same schema object for the same text, and a problem cache starts afresh with another schema', () => {
    const text = '{"properties": {"status": {"enum": ["a"]}}}';
    assert.equal(loadFrontmatterSchema(text).schema, loadFrontmatterSchema(text).schema);
    const index = new VaultIndex();
    index.load([parseNote('N.md', '---\nstatus: b\n---\n')], []);
    const cache = new ProblemCache();
    const a = loadFrontmatterSchema(text).schema;
    assert.deepEqual(cache.problems(index, 'N.md', { frontmatterSchema: a }).map((d) => d.code), ['property-value-not-allowed']);
    const b = loadFrontmatterSchema('{"properties": {"status": {"enum": ["a", "b"]}}}').schema;
    assert.deepEqual(cache.problems(index, 'N.md', { frontmatterSchema: b }), []);
  });
});

describe('frontmatter schema: quick fixes', () => {
  it('offers each allowed value in place of one outside the enum', () => {
    assert.equal(fixed('---\nvisibility: secret\n---\n', "Change to 'public'"), '---\nvisibility: public\n---\n');
    assert.equal(fixed('---\nvisibility: secret\n---\n', "Change to 'private'"), '---\nvisibility: private\n---\n');
    const schema = vaultSchema({ properties: { status: { type: 'array', items: { enum: ['draft', 'in review'] } } } });
    assert.equal(fixed('---\nstatus: [draft, drfat]\n---\n', "Change to 'in review'", schema), '---\nstatus: [draft, in review]\n---\n');
  });

  it('writes a deprecated singular key as its plural list', () => {
    assert.equal(fixed('---\nalias: My Note Title\n---\n', "Write 'aliases' instead of 'alias'"), '---\naliases: [My Note Title]\n---\n');
    assert.equal(fixed('---\ntag: project, important\n---\n', "Write 'tags' instead of 'tag'"), '---\ntags: [project, important]\n---\n');
    assert.equal(fixed('---\nalias: "Q: why"\n---\n', "Write 'aliases' instead of 'alias'"), '---\naliases: ["Q: why"]\n---\n');
    assert.equal(fixed('---\ncssclass:\n  - wide\n---\n', "Write 'cssclasses' instead of 'cssclass'"), '---\ncssclasses:\n  - wide\n---\n');
    // Both keys present: two lists to merge by hand, no fix.
    const ctx = context('---\nalias: A\naliases: [B]\n---\n');
    assert.deepEqual(provideFrontmatterFixes(ctx, 'Note.md', frontmatterProblems(ctx.index.note('Note.md')!, defaultFrontmatterSchema())), []);
  });

  it('adds a missing required key, the title from the note name', () => {
    const schema = vaultSchema({ properties: { visibility: { enum: ['public', 'private'], default: 'private' } }, required: ['title', 'visibility'] });
    assert.equal(fixed('---\ntags: [a]\n---\nbody', "Add 'title'", schema), '---\ntags: [a]\ntitle: Note\n---\nbody');
    assert.equal(fixed('body', "Add 'visibility'", schema), '---\nvisibility: private\n---\nbody');
  });
});

describe('frontmatter schema: completion, hover and the new-note template', () => {
  const CURSOR = '‸';
  function complete(textWithCursor: string, schema?: FrontmatterSchema): string[] {
    const at = textWithCursor.indexOf(CURSOR);
    const text = textWithCursor.replace(CURSOR, '');
    const before = text.slice(0, at).split('\n');
    const list = provideCompletion(context(text, schema), 'Note.md', { line: before.length - 1, character: before[before.length - 1].length });
    return (list?.items ?? []).map((i) => i.label);
  }

  it('offers the schema keys, a vault schema keys included, deprecated ones not', () => {
    const keys = complete(`---\ntitle: X\n${CURSOR}\n---\n`);
    assert.deepEqual(keys.slice(0, 6), ['aliases', 'tags', 'visibility', 'acronym', 'cssclasses', 'date']);
    assert.ok(!keys.includes('alias') && !keys.includes('tag') && !keys.includes('title'));
    const schema = vaultSchema({ properties: { status: { enum: ['draft', 'done'], description: 'Where the note stands.' } } });
    assert.ok(complete(`---\nst${CURSOR}\n---\n`, schema).includes('status'));
  });

  it('offers the schema values of a key: an enum, a list of enum items, true/false', () => {
    const schema = vaultSchema({ properties: { status: { enum: ['draft', 'done'] }, areas: { type: 'array', items: { enum: ['legal', 'community'] } }, published: { type: 'boolean' } } });
    assert.deepEqual(complete(`---\nstatus: ${CURSOR}\n---\n`, schema), ['draft', 'done']);
    assert.deepEqual(complete(`---\nareas: [legal, ${CURSOR}]\n---\n`, schema), ['community']);
    assert.deepEqual(complete(`---\npublished: ${CURSOR}\n---\n`, schema), ['true', 'false']);
    assert.deepEqual(complete(`---\nvisibility: ${CURSOR}\n---\n`, schema), ['public', 'private']);
    const today = complete(`---\ndate: ${CURSOR}\n---\n`);
    assert.equal(today.length, 1);
    assert.match(today[0], /^\d{4}-\d\d-\d\d$/);
    assert.ok(Math.abs(Date.parse(today[0]) - Date.now()) < 2 * 86400000, today[0]);
    assert.deepEqual(complete(`---\ntitle: ${CURSOR}\n---\n`), []);
  });

  it('hovers a key with what the schema says of it', () => {
    const ctx = context('---\nvisibility: public\nalias: A\nstatus: x\n---\n');
    const hover = (line: number) => {
      const h = provideHover(ctx, 'Note.md', { line, character: 2 }, { toUri: (p) => p });
      return h ? (h.contents as { value: string }).value : undefined;
    };
    assert.equal(hover(1), "**visibility**\n\nWhether the note is published (`public`) or kept in the office (`private`).\n\nOne of `public`, `private`.\n\nFrom the default frontmatter schema.");
    assert.match(hover(2)!, /\*Deprecated\*: use `aliases`/);
    assert.match(hover(3)!, /Not a property of the default frontmatter schema/);
    const strict = vaultSchema({ properties: { visibility: { enum: ['public', 'private'], description: 'Ours.' } }, required: ['visibility'] });
    const mine = provideHover(context('---\nvisibility: public\n---\n', strict), 'Note.md', { line: 1, character: 0 }, { toUri: (p) => p });
    assert.match((mine!.contents as { value: string }).value, /Ours\.[\s\S]*Required\.[\s\S]*vault's frontmatter schema \(`\.ospo-notes\/schema\.json`\)/);
  });

  it("reads a link's problems from those the context recorded, not by running every rule again", () => {
    const ctx = context('See [[Nowhere]].\n');
    const asked: string[] = [];
    const recorded: NoteDiagnostic = { path: 'Note.md', range: { start: { line: 0, character: 4 }, end: { line: 0, character: 15 } }, severity: 'warning', code: 'unresolved-link', message: 'recorded message' };
    const hover = (c: FeatureContext) => (provideHover(c, 'Note.md', { line: 0, character: 7 }, { toUri: (p) => p })?.contents as { value: string } | undefined)?.value;
    // Recorded: the diagnostic shows it in the editor's hover, so the hover adds nothing.
    assert.equal(hover({ ...ctx, problems: (p) => (asked.push(p), [recorded]) }), undefined);
    assert.deepEqual(asked, ['Note.md']);
    // Nothing recorded (its severity off): the hover says it.
    assert.match(hover({ ...ctx, problems: () => [] }) ?? '', /'Nowhere' not found in the vault/);
  });

  it('builds the new-note template from the properties with a default', () => {
    assert.equal(newNoteTemplate(), '---\ntitle: {{title}}\nvisibility: private\n---\n\n# {{title}}\n');
    const schema = vaultSchema({ properties: { status: { enum: ['draft', 'done'], default: 'draft' }, tags: { type: 'array', default: ['inbox'] } } });
    assert.equal(newNoteTemplate(schema), '---\ntitle: {{title}}\ntags: [inbox]\nvisibility: private\nstatus: draft\n---\n\n# {{title}}\n');
  });
});
