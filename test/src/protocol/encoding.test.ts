/**
 * Protocol tests of encoding damage: the sample vault's `ðŸ“–` is published with a link to its docs page, and the
 * quick fix restores 📖 through a versioned edit, leaving the file on disk (and its encoding) alone.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, TextDocumentEdit, TextEdit } from 'vscode-languageserver-protocol/node';
import { copySampleVault, LspTestClient, REPO } from './lspTestClient';

const OSPO = 'public/tech/OSPO.md';
const DOCS = 'https://github.com/ospo-notes/ospo-notes/blob/main/docs/diagnostics/';

describe('encoding damage over LSP', function () {
  this.timeout(30000);
  let root: string;
  let client: LspTestClient;

  beforeEach(async () => {
    root = copySampleVault('encoding');
    client = new LspTestClient(root);
    await client.start();
  });

  afterEach(async () => {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("publishes the user's `ðŸ“–` as mojibake, every problem linking to its docs page", async () => {
    await client.waitFor(() => client.diagnosticsOf(OSPO).length >= 2, 'the OSPO note\'s problems');
    const diagnostics = client.diagnosticsOf(OSPO);
    const moji = diagnostics.find((d) => d.code === 'mojibake');
    assert.ok(moji, JSON.stringify(diagnostics));
    assert.deepEqual(moji.range, { start: { line: 41, character: 65 }, end: { line: 41, character: 69 } });
    assert.equal(moji.severity, 2);
    assert.match(String(moji.message), /it was '📖'\.$/);
    assert.deepEqual(moji.data, { replacement: '📖' });
    for (const d of diagnostics) assert.deepEqual(d.codeDescription, { href: `${DOCS}${d.code}.md` });
  });

  it('restores 📖 with a quick fix that names the buffer version, and writes nothing to disk', async () => {
    const uri = client.uri(OSPO);
    const onDisk = fs.readFileSync(path.join(root, OSPO));
    const text = await client.open(OSPO);
    await client.change(OSPO, text.replace('ðŸ“–', 'ðŸ“– and cafÃ©'));
    await client.waitFor(() => client.diagnosticsOf(OSPO).filter((d) => d.code === 'mojibake').length === 2, 'both damaged runs');
    const diagnostics = client.diagnosticsOf(OSPO).filter((d) => d.code === 'mojibake');
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostics[0].range,
      // The quick fixes: a selection also offers refactorings (extract into a new note).
      context: { diagnostics: [diagnostics[0]], only: ['quickfix'] },
    });
    assert.deepEqual(actions.map((a) => [a.title, a.kind, a.isPreferred]), [
      ["Restore '📖'", 'quickfix', true],
      ['Restore all 2 damaged runs in this note', 'quickfix', undefined],
    ]);
    const [one, all] = actions;
    const change = one.edit!.documentChanges![0] as TextDocumentEdit;
    assert.deepEqual(change.textDocument, { uri, version: 2 });
    assert.deepEqual(change.edits, [{ range: diagnostics[0].range, newText: '📖' }]);
    const doc = TextDocument.create(uri, 'markdown', 2, client.text(OSPO));
    const restored = TextDocument.applyEdits(doc, (all.edit!.documentChanges![0] as TextDocumentEdit).edits as TextEdit[]);
    assert.equal(restored, text.replace('ðŸ“–', '📖 and café'));
    assert.deepEqual(fs.readFileSync(path.join(root, OSPO)), onDisk, 'the server never writes the file');
  });
});
