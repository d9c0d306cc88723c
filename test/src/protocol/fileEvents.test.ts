/**
 * File events that arrive while the server indexes a vault are applied once the index is built.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Location } from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';
import { LspTestClient } from './lspTestClient';

describe('language server: file events during indexing', function () {
  this.timeout(60000);

  it('drops 300 notes deleted and adds 2 notes created while the vault indexes', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-indexing-events-'));
    fs.mkdirSync(path.join(root, '.obsidian')); // a vault: every note is checked
    const NOTES = 1500;
    const body = 'Some text with [[Fresh]] and [[n1]] in it.\n\n'.repeat(3);
    for (let i = 0; i < NOTES; i++) fs.writeFileSync(path.join(root, `n${i}.md`), `# N${i}\n\n${body}`);
    const client = new LspTestClient(root);
    try {
      // `start` waits for the index; here the events must come while it is being built.
      await client.connection.sendRequest('initialize', {
        processId: process.pid,
        rootUri: URI.file(root).toString(),
        workspaceFolders: [{ uri: URI.file(root).toString(), name: 'vault' }],
        capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true }, workspaceFolders: true }, window: { workDoneProgress: true } },
      });
      await client.connection.sendNotification('initialized', {});
      await client.waitFor(() => client.notifications.some((n) => n.method === '$/progress'), 'indexing to start');
      const changes: Array<{ uri: string; type: number }> = [];
      for (let i = 0; i < 300; i++) {
        fs.rmSync(path.join(root, `n${i}.md`));
        changes.push({ uri: client.uri(`n${i}.md`), type: 3 });
      }
      fs.writeFileSync(path.join(root, 'Fresh.md'), '# Fresh\n');
      fs.writeFileSync(path.join(root, 'Other.md'), 'See [[Fresh]].\n');
      changes.push({ uri: client.uri('Fresh.md'), type: 1 }, { uri: client.uri('Other.md'), type: 1 });
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes });
      const indexedBefore = client.notifications.some((n) => n.method === 'ospo/indexed');
      assert.ok(!indexedBefore, 'the vault was indexed before the events were sent: the test needs a bigger vault');
      await client.waitFor(() => client.notifications.some((n) => n.method === 'ospo/indexed'), 'index', 50000);

      // Whether the server read the events before or after its load ended is a race the client cannot see (the
      // check above only knows the client had not yet *received* `ospo/indexed`): poll until they are applied.
      // A server that drops them never gets there.
      let notes = -1;
      for (const deadline = Date.now() + 10000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
        notes = (await client.request<{ vaults: Array<{ notes: number }> }>('ospo/status', {})).vaults[0].notes;
        if (notes === NOTES - 300 + 2) break;
      }
      assert.strictEqual(notes, NOTES - 300 + 2);
      const files = await client.request<Array<{ files: string[] }>>('ospo/files', {});
      assert.ok(!files[0].files.includes('n0.md') && files[0].files.includes('Fresh.md') && files[0].files.includes('Other.md'));
      const found = await client.request<Location[]>('textDocument/definition', { textDocument: { uri: client.uri('Other.md') }, position: { line: 0, character: 7 } });
      assert.deepStrictEqual(found.map((l) => l.uri), [client.uri('Fresh.md')]);
      // A note linking a deleted note now reports it missing.
      await client.waitFor(() => client.diagnosticsOf('n500.md').some((d) => d.code === 'unresolved-link' && String(d.message).includes("'n1'")), 'n1 unresolved');
    } finally {
      await client.stop();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('tells the client of files that came and went through buffers too (the preview resolves against them)', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-files-changed-'));
    fs.mkdirSync(path.join(root, '.obsidian'));
    fs.writeFileSync(path.join(root, 'A.md'), '[[Draft]]\n');
    const client = new LspTestClient(root);
    try {
      await client.start();
      const filesChanged = (): Array<{ added: string[]; removed: string[] }> =>
        client.notifications.filter((n) => n.method === 'ospo/filesChanged').map((n) => n.params as { added: string[]; removed: string[] });
      // A note open in the editor but not yet saved.
      const uri = client.uri('Draft.md');
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'markdown', version: 1, text: '# Draft\n' } });
      await client.waitFor(() => filesChanged().some((c) => c.added.includes('Draft.md')), 'Draft.md added');
      await client.waitFor(() => client.diagnosticsOf('A.md').length === 0, 'A.md resolved');
      await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
      await client.waitFor(() => filesChanged().some((c) => c.removed.includes('Draft.md')), 'Draft.md removed');
      await client.waitFor(() => client.diagnosticsOf('A.md').some((d) => d.code === 'unresolved-link'), 'A.md unresolved again');
    } finally {
      await client.stop();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
