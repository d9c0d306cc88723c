/**
 * Protocol tests for what the editor-facing capabilities rely on: the node-IPC transport the VS Code client uses,
 * several workspace folders (one vault each), cancellation, and the completion kinds over the wire.
 */
import * as assert from 'assert';
import { fork } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  CancellationTokenSource,
  createMessageConnection,
  IPCMessageReader,
  IPCMessageWriter,
  type CompletionList,
  type Diagnostic,
  type Location,
} from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';
import { copySampleVault, LspTestClient, positionOf, REPO, SERVER } from './lspTestClient';

function tempVault(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-transport-'));
  // A vault, as Obsidian makes one: these tests expect every note checked, not only open ones.
  fs.mkdirSync(path.join(dir, '.obsidian'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

describe('language server transports and workspaces', function () {
  this.timeout(30000);

  it('speaks LSP over node IPC, as the VS Code client starts it', async () => {
    const root = tempVault({ 'a.md': '[[b#Missing]]\n', 'b.md': '# B\n' });
    const child = fork(SERVER, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    const diagnostics = new Map<string, Diagnostic[]>();
    let indexed = false;
    connection.onNotification((method: string, params: unknown) => {
      if (method === 'textDocument/publishDiagnostics') {
        const p = params as { uri: string; diagnostics: Diagnostic[] };
        diagnostics.set(p.uri, p.diagnostics);
      }
      if (method === 'ospo/indexed') indexed = true;
    });
    connection.onRequest(() => null);
    connection.listen();
    try {
      const init = (await connection.sendRequest('initialize', {
        processId: process.pid,
        rootUri: URI.file(root).toString(),
        workspaceFolders: [{ uri: URI.file(root).toString(), name: 'ipc' }],
        capabilities: {},
      })) as { capabilities: { definitionProvider?: boolean } };
      assert.strictEqual(init.capabilities.definitionProvider, true);
      await connection.sendNotification('initialized', {});
      const deadline = Date.now() + 10000;
      while (!indexed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.ok(indexed, 'indexed over IPC');
      const a = diagnostics.get(URI.file(path.join(root, 'a.md')).toString()) ?? [];
      assert.deepStrictEqual(a.map((d) => d.code), ['missing-heading']);
    } finally {
      connection.dispose();
      child.kill();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('keeps one vault per workspace folder: the same name resolves within its own vault', async () => {
    const one = tempVault({ 'Home.md': '[[Shared#Only in one]]\n', 'Shared.md': '# Only in one\n' });
    const two = tempVault({ 'Home.md': '[[Shared#Only in one]]\n', 'Shared.md': '# Only in two\n' });
    const client = new LspTestClient(one);
    try {
      await client.connection.sendRequest('initialize', {
        processId: process.pid,
        rootUri: null,
        workspaceFolders: [
          { uri: URI.file(one).toString(), name: 'one' },
          { uri: URI.file(two).toString(), name: 'two' },
        ],
        capabilities: { workspace: { configuration: true, workspaceFolders: true } },
      });
      await client.connection.sendNotification('initialized', {});
      const uriTwo = URI.file(path.join(two, 'Home.md')).toString();
      await client.waitFor(() => client.notifications.filter((n) => n.method === 'ospo/indexed').length >= 2 && client.diagnostics.has(uriTwo), 'both vaults indexed');
      assert.deepStrictEqual(client.diagnosticsOf('Home.md'), []);
      assert.deepStrictEqual(client.diagnostics.get(uriTwo)!.map((d) => d.code), ['missing-heading']);
      const defs = await client.request<Location[]>('textDocument/definition', { textDocument: { uri: uriTwo }, position: { line: 0, character: 4 } });
      assert.deepStrictEqual(defs.map((d) => d.uri), [URI.file(path.join(two, 'Shared.md')).toString()]);
    } finally {
      await client.stop();
      fs.rmSync(one, { recursive: true, force: true });
      fs.rmSync(two, { recursive: true, force: true });
    }
  });

  describe('on the sample vault', () => {
    let root: string;
    let client: LspTestClient;
    beforeEach(async () => {
      root = copySampleVault('protocol');
      client = new LspTestClient(root);
      await client.start();
    });
    afterEach(async () => {
      await client.stop();
      fs.rmSync(root, { recursive: true, force: true });
    });

    it('indexes once even when the client says `initialized` twice', async () => {
      await client.connection.sendNotification('initialized', {});
      await client.request('ospo/status', {});
      await new Promise((r) => setTimeout(r, 300));
      assert.strictEqual(client.notifications.filter((n) => n.method === 'ospo/indexed').length, 1);
    });

    it('holds an open 11 MB buffer to the size limit instead of parsing it on every change', async () => {
      const rel = 'public/tech/Huge.md';
      const uri = client.uri(rel);
      const text = '[[Nowhere]] ' + 'x'.repeat(11 * 1024 * 1024);
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'markdown', version: 1, text } });
      await client.waitFor(() => (client.diagnostics.get(uri) ?? []).some((d) => d.code === 'file-too-large'), 'file-too-large');
      assert.deepStrictEqual(client.diagnostics.get(uri)!.map((d) => d.code), ['file-too-large']);
      const status = await client.request<{ vaults: Array<{ notes: number }> }>('ospo/status', {});
      assert.strictEqual(status.vaults[0].notes, 10);
    });

    it('survives a cancelled request and keeps answering', async () => {
      const text = await client.open('public/tech/OSPO.md');
      const source = new CancellationTokenSource();
      const pending = client.connection.sendRequest('textDocument/completion', { textDocument: { uri: client.uri('public/tech/OSPO.md') }, position: positionOf(text, '[[Github', 4) }, source.token);
      source.cancel();
      await pending.then(
        (result) => assert.ok(result !== undefined),
        (e: { code?: number }) => assert.strictEqual(e.code, -32800),
      );
      const status = await client.request<{ vaults: unknown[] }>('ospo/status', {});
      assert.strictEqual(status.vaults.length, 1);
    });

    it('completes aliases as [[File|Alias]], block ids after #^, tags and frontmatter values', async () => {
      const rel = 'public/orgs/CERN.md';
      const original = await client.open(rel);
      const complete = async (text: string, needle: string, offset: number): Promise<CompletionList> => {
        await client.change(rel, text);
        return client.request<CompletionList>('textDocument/completion', { textDocument: { uri: client.uri(rel) }, position: positionOf(text, needle, offset) });
      };
      const alias = await complete(original + '\nSee [[FOSS\n', '[[FOSS', 6);
      const foss = alias.items.find((i) => i.label === 'FOSS');
      assert.ok(foss, alias.items.map((i) => i.label).join(', '));
      assert.match((foss!.textEdit as { newText: string }).newText, /^OpenSource\|FOSS\]\]$/);

      const block = await complete(original + '\n![[OpenSource#^\n', '#^', 2);
      assert.ok(block.items.some((i) => i.label === '1a1526' || i.label === '^1a1526'), block.items.map((i) => i.label).join(', '));

      const tag = await complete(original + '\n#opens\n', '#opens', 6);
      assert.ok(tag.items.some((i) => /opensource/.test(String(i.label))), tag.items.map((i) => i.label).join(', '));

      const fm = await complete(original.replace('visibility: public', 'visibility: '), 'visibility: ', 12);
      assert.deepStrictEqual(fm.items.map((i) => i.label).sort(), ['private', 'public']);
    });
  });
});
