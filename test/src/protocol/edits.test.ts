/**
 * Protocol tests of the edits the server proposes: quick fixes and the add-block-id command name the version of
 * the text they were computed for, so that an editor refuses them once the user has typed.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, TextDocumentEdit, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol/node';
import { copySampleVault, LspTestClient, REPO } from './lspTestClient';

const OSPO = 'public/tech/OSPO.md';
const CERN = 'public/orgs/CERN.md';

/**
 * Applies a workspace edit as an editor does: a versioned document edit whose version is not the buffer's
 * current one is refused (the whole edit with it); `changes` carry no version and are applied as they are.
 */
function applyAsClient(edit: WorkspaceEdit, buffers: Map<string, TextDocument>): boolean {
  const plan: Array<[string, TextEdit[]]> = [];
  for (const change of edit.documentChanges ?? []) {
    if (!('textDocument' in change)) continue;
    const doc = buffers.get(change.textDocument.uri);
    if (doc && change.textDocument.version !== null && change.textDocument.version !== doc.version) return false;
    plan.push([change.textDocument.uri, change.edits as TextEdit[]]);
  }
  for (const [uri, edits] of Object.entries(edit.changes ?? {})) plan.push([uri, edits]);
  for (const [uri, edits] of plan) {
    const doc = buffers.get(uri)!;
    buffers.set(uri, TextDocument.create(uri, doc.languageId, doc.version + 1, TextDocument.applyEdits(doc, edits)));
  }
  return true;
}

describe('edits carry the document version', function () {
  this.timeout(30000);
  let root: string;
  let client: LspTestClient;

  beforeEach(async () => {
    root = copySampleVault('edits');
    client = new LspTestClient(root);
    await client.start();
  });

  afterEach(async () => {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  async function quickFixes(): Promise<CodeAction[]> {
    return client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: client.uri(OSPO) },
      range: { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } },
      context: { diagnostics: client.diagnosticsOf(OSPO) },
    });
  }

  it('a quick fix computed before the user typed is refused, not applied to the new text', async () => {
    const uri = client.uri(OSPO);
    const original = await client.open(OSPO);
    const v2 = `${original}\n[[FOSS]] x\n`;
    await client.change(OSPO, v2);
    await client.waitFor(() => client.diagnosticsOf(OSPO).some((d) => String(d.message).includes('FOSS')), 'the alias diagnostic');
    const stale = (await quickFixes()).find((a) => a.title.startsWith("Link to 'OpenSource'"));
    assert.ok(stale?.edit, 'the [[File|Alias]] fix');
    assert.equal(stale.edit.changes, undefined, 'no unversioned changes');
    assert.deepEqual(
      stale.edit.documentChanges!.map((c) => (c as TextDocumentEdit).textDocument),
      [{ uri, version: 2 }],
      'the version of the text the fix was computed for',
    );

    // The user types at the start of the link's line before choosing the fix.
    const v3 = v2.replace('\n[[FOSS]] x\n', '\nT [[FOSS]] x\n');
    await client.change(OSPO, v3);
    const buffers = new Map([[uri, TextDocument.create(uri, 'markdown', 3, v3)]]);
    assert.equal(applyAsClient(stale.edit, buffers), false, 'the stale fix is refused');
    assert.equal(buffers.get(uri)!.getText(), v3, 'the text is untouched');

    // Asked again, the fix is for version 3 and lands where the link now is.
    await client.waitFor(() => client.diagnosticsOf(OSPO).some((d) => String(d.message).includes('FOSS') && d.range.start.character === 2), 'the moved diagnostic');
    const fresh = (await quickFixes()).find((a) => a.title.startsWith("Link to 'OpenSource'"));
    assert.equal((fresh!.edit!.documentChanges![0] as TextDocumentEdit).textDocument.version, 3);
    assert.equal(applyAsClient(fresh!.edit!, buffers), true);
    assert.equal(buffers.get(uri)!.getText(), v3.replace('T [[FOSS]] x', 'T [[OpenSource|FOSS]] x'));
  });

  it('add-block-id names the open buffer\'s version, and null for a closed file', async () => {
    const closed = await client.request<{ applied: boolean }>('workspace/executeCommand', {
      command: 'ospo-notes.addBlockId',
      arguments: [{ path: CERN, line: 8, id: 'abc123' }],
    });
    assert.equal(closed.applied, true);
    // At the end of the paragraph's line.
    const end = fs.readFileSync(path.join(root, CERN), 'utf8').split('\n')[8].length;
    assert.deepEqual(client.appliedEdits[0].edit, {
      documentChanges: [
        {
          textDocument: { uri: client.uri(CERN), version: null },
          edits: [{ range: { start: { line: 8, character: end }, end: { line: 8, character: end } }, newText: ' ^abc123' }],
        },
      ],
    });

    const text = await client.open(CERN);
    await client.change(CERN, text.replace('# CERN', '# CERN!'));
    await client.request('workspace/executeCommand', { command: 'ospo-notes.addBlockId', arguments: [{ path: CERN, line: 8, id: 'def456' }] });
    const open = client.appliedEdits[1].edit.documentChanges![0] as TextDocumentEdit;
    assert.deepEqual(open.textDocument, { uri: client.uri(CERN), version: 2 });
  });
});
