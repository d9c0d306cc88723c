/**
 * The frontmatter schema through the server: a vault's `.ospo-notes/schema.json` checks its notes, quick fixes,
 * completion and hover come from it, and a change of the file on disk applies at once.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { CodeAction, CompletionList, Diagnostic, Hover, TextDocumentEdit } from 'vscode-languageserver-protocol/node';
import { copyFixture, LspTestClient } from './lspTestClient';

const SCHEMA = '.ospo-notes/schema.json';
const codes = (ds: Diagnostic[]): string[] => ds.map((d) => `${d.range.start.line}:${d.range.start.character} ${d.code}`).sort();

describe('language server: the frontmatter schema', function () {
  this.timeout(60000);
  let root: string;
  let client: LspTestClient;

  before(async () => {
    root = copyFixture('frontmatter-schema');
    client = new LspTestClient(root);
    await client.start();
  });

  after(async () => {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  async function writeSchema(text: string | undefined): Promise<void> {
    const file = path.join(root, ...SCHEMA.split('/'));
    if (text === undefined) fs.rmSync(file);
    else fs.writeFileSync(file, text);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri(SCHEMA), type: text === undefined ? 3 : 2 }] });
  }

  it('checks every note against the vault schema at the exact key or value', async () => {
    await client.waitFor(() => client.diagnosticsOf('notes/Policy.md').length === 3 && client.diagnosticsOf('notes/Untitled.md').length === 1, 'the schema problems');
    assert.deepStrictEqual(codes(client.diagnosticsOf('notes/Policy.md')), ['2:12 property-value-not-allowed', '3:8 property-value-not-allowed', '4:0 property-deprecated']);
    const status = client.diagnosticsOf('notes/Policy.md').find((d) => d.range.start.line === 3)!;
    assert.strictEqual(status.message, "'wip' is not an allowed value of 'status': draft, done.");
    assert.deepStrictEqual(status.range, { start: { line: 3, character: 8 }, end: { line: 3, character: 11 } });
    assert.deepStrictEqual(codes(client.diagnosticsOf('notes/Untitled.md')), ['0:0 property-missing']);
    // Typed text: a date title, 1e3 and 0x1F aliases, a date are all fine.
    assert.deepStrictEqual(client.diagnosticsOf('notes/Good.md'), []);
  });

  it('offers the allowed values and the plural key as quick fixes, each edit naming the document version', async () => {
    await client.open('notes/Policy.md');
    const diagnostics = client.diagnosticsOf('notes/Policy.md');
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: client.uri('notes/Policy.md') },
      range: { start: { line: 2, character: 0 }, end: { line: 4, character: 0 } },
      context: { diagnostics },
    });
    assert.deepStrictEqual(actions.map((a) => a.title), ["Change to 'public'", "Change to 'private'", "Change to 'draft'", "Change to 'done'", "Write 'aliases' instead of 'alias'"]);
    const plural = actions[4].edit!.documentChanges![0] as TextDocumentEdit;
    assert.strictEqual(plural.textDocument.version, 1);
    assert.deepStrictEqual(plural.edits, [{ range: { start: { line: 4, character: 0 }, end: { line: 4, character: 13 } }, newText: 'aliases: [Policy]' }]);
  });

  it('completes keys and values and hovers keys from the vault schema', async () => {
    const uri = client.uri('notes/Policy.md');
    const values = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: { line: 3, character: 8 } });
    assert.deepStrictEqual(values.items.map((i) => [i.label, i.detail]), [['draft', 'being written'], ['done', 'finished']]);
    const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 2 } });
    assert.match((hover.contents as { value: string }).value, /\*\*status\*\*\n\nWhere the note stands\.\n\nOne of `draft`, `done`\.\n\nFrom the vault's frontmatter schema/);
  });

  it('applies a schema changed on disk at once, and reports a broken one on the schema file', async () => {
    await writeSchema('{ "properties": { "status": { "enum": ["draft", "wip", "done"] } } }');
    await client.waitFor(() => codes(client.diagnosticsOf('notes/Policy.md')).length === 2 && client.diagnosticsOf('notes/Untitled.md').length === 0, 'the new schema applied');
    assert.deepStrictEqual(codes(client.diagnosticsOf('notes/Policy.md')), ['2:12 property-value-not-allowed', '4:0 property-deprecated']);

    await writeSchema('{ "properties": { "status": { "enum": ["draft" "done"] } } }');
    await client.waitFor(() => client.diagnosticsOf(SCHEMA).length === 1, 'the schema file problem');
    const [broken] = client.diagnosticsOf(SCHEMA);
    assert.strictEqual(broken.code, 'schema-invalid');
    assert.strictEqual(broken.severity, 1);
    assert.deepStrictEqual(broken.range.start, { line: 0, character: 47 }); // the missing comma
    assert.match(String(broken.message), /not valid JSON.*The default frontmatter schema is used until this is fixed\./);
    // Meanwhile the default schema checks: `status` is unknown to it (not reported by default), `wip` is fine.
    await client.waitFor(() => codes(client.diagnosticsOf('notes/Policy.md')).length === 2, 'the default schema applied');
    const [check] = await client.request<Array<{ errors: number }>>('ospo/checkVault', {});
    assert.strictEqual(check.errors, 1, 'Check vault counts the broken schema file');

    await writeSchema(undefined);
    await client.waitFor(() => client.diagnosticsOf(SCHEMA).length === 0, 'the schema file problem cleared');
    assert.deepStrictEqual(codes(client.diagnosticsOf('notes/Policy.md')), ['2:12 property-value-not-allowed', '4:0 property-deprecated']);
  });

  it('reports unknown keys at the severity the setting gives', async () => {
    client.settings = { unknownPropertySeverity: 'information' };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    await client.waitFor(() => client.diagnosticsOf('notes/Policy.md').some((d) => d.code === 'property-unknown'), 'the unknown key');
    const unknown = client.diagnosticsOf('notes/Policy.md').find((d) => d.code === 'property-unknown')!;
    assert.deepStrictEqual([unknown.range.start, unknown.severity], [{ line: 3, character: 0 }, 3]);
    assert.ok(client.diagnosticsOf('notes/Good.md').some((d) => d.code === 'property-unknown'));
  });
});
