import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readSchemaFile, readSchemaFileSync } from '@ospo-notes/engine';
import { expandTemplate, vaultNewNoteTemplate } from '../../../client/out/newNote';

/** A new note's text from its template, as created for `title`. */
const expandForTitle = (template: string, title: string): string => expandTemplate(template, { title, now: new Date(2024, 0, 5, 9, 7) });

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'server/out/cli.js');

describe('the vault schema file: reading it, the checker, the new-note template', function () {
  this.timeout(60000);
  const temps: string[] = [];
  function vault(files: Record<string, string | Buffer>): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-schema-file-'));
    temps.push(root);
    for (const [p, text] of Object.entries(files)) {
      const abs = path.join(root, ...p.split('/'));
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      fs.writeFileSync(abs, text);
    }
    return root;
  }
  after(() => {
    for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
  });

  it('reads the file, says why it cannot, and says nothing when there is none', async () => {
    assert.deepEqual(readSchemaFileSync(vault({ 'a.md': 'x' })), {});
    const root = vault({ '.ospo-notes/schema.json': '\uFEFF{"required": ["title"]}' });
    assert.deepEqual(readSchemaFileSync(root), { text: '{"required": ["title"]}' });
    assert.deepEqual(await readSchemaFile(root), { text: '{"required": ["title"]}' });
    assert.match(readSchemaFileSync(vault({ '.ospo-notes/schema.json': Buffer.from([0x7b, 0xff, 0x7d]) })).problem!, /not valid UTF-8/);
    const dir = vault({ '.ospo-notes/schema.json/inside.txt': 'x' });
    assert.match(readSchemaFileSync(dir).problem!, /is not a file/);
    const outside = vault({ 'schema.json': '{}' });
    const linked = vault({ '.ospo-notes/settings.json': '{}' });
    fs.symlinkSync(path.join(outside, 'schema.json'), path.join(linked, '.ospo-notes', 'schema.json'));
    assert.match(readSchemaFileSync(linked).problem!, /leads outside the vault/);
    assert.match((await readSchemaFile(linked)).problem!, /leads outside the vault/);
  });

  it('the checker checks notes against the vault schema and reports a broken schema file', () => {
    const root = vault({
      '.ospo-notes/schema.json': '{"properties": {"status": {"enum": ["draft", "done"]}}, "required": ["title"]}',
      'a.md': '---\ntitle: A\nstatus: wip\nvisibility: secret\n---\n',
      'b.md': '# no frontmatter\n',
    });
    let run = spawnSync(process.execPath, [CLI, 'check', root], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(run.stdout.split('\n').slice(0, 3), [
      "a.md:3:9 warning property-value-not-allowed 'wip' is not an allowed value of 'status': draft, done.",
      "a.md:4:13 warning property-value-not-allowed 'secret' is not an allowed value of 'visibility': public, private.",
      "b.md:1:1 warning property-missing Missing property 'title': the frontmatter schema requires it.",
    ]);
    run = spawnSync(process.execPath, [CLI, 'check', root, '--unknown-property-severity', 'hint', '--format=json'], { encoding: 'utf8' });
    assert.deepEqual((JSON.parse(run.stdout) as Array<{ code: string; severity: string; line: number }>).filter((d) => d.code === 'property-unknown').map((d) => `${d.line} ${d.severity}`), []);
    fs.writeFileSync(path.join(root, 'c.md'), '---\ntitle: C\nowner: me\n---\n');
    run = spawnSync(process.execPath, [CLI, 'check', root, '--unknown-property-severity', 'hint', '--format=json'], { encoding: 'utf8' });
    assert.deepEqual((JSON.parse(run.stdout) as Array<{ file: string; code: string; severity: string; line: number }>).filter((d) => d.code === 'property-unknown').map((d) => `${d.file}:${d.line} ${d.severity}`), ['c.md:3 hint']);
    assert.match(spawnSync(process.execPath, [CLI, 'check', root, '--unknown-property-severity', 'loud'], { encoding: 'utf8' }).stderr, /--unknown-property-severity must be one of/);
    fs.writeFileSync(path.join(root, '.ospo-notes', 'schema.json'), '{"properties": {"status": {"type": "strin"}}}');
    run = spawnSync(process.execPath, [CLI, 'check', root], { encoding: 'utf8' });
    assert.equal(run.status, 1, 'a broken schema file is an error');
    const lines = run.stdout.split('\n');
    assert.match(lines[0], /^\.ospo-notes\/schema\.json:1:36 error schema-invalid The vault's frontmatter schema is not a valid JSON Schema: /);
    // Meanwhile the default schema checks the notes.
    assert.deepEqual(lines.slice(1, 2), ["a.md:4:13 warning property-value-not-allowed 'secret' is not an allowed value of 'visibility': public, private."]);
  });

  it('builds a new note from the vault schema when the setting gives no template', () => {
    const plain = vault({ 'a.md': 'x' });
    assert.equal(expandForTitle(vaultNewNoteTemplate(plain), 'Idea'), '---\ntitle: Idea\nvisibility: private\n---\n\n# Idea\n');
    const own = vault({ '.ospo-notes/schema.json': '{"properties": {"status": {"enum": ["draft", "done"], "default": "draft"}, "visibility": {"enum": ["public", "private"], "default": "public"}}}' });
    assert.equal(expandForTitle(vaultNewNoteTemplate(own), 'Q: why'), '---\ntitle: "Q: why"\nvisibility: public\nstatus: draft\n---\n\n# Q: why\n');
    // A broken schema file: the default schema's template.
    const broken = vault({ '.ospo-notes/schema.json': '{' });
    assert.equal(vaultNewNoteTemplate(broken), '---\ntitle: {{title}}\nvisibility: private\n---\n\n# {{title}}\n');
  });
});
