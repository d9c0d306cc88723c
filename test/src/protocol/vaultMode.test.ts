/**
 * Where the server checks every note: in a vault (a folder with `.obsidian/`, an `.ospo-notes` marker, or listed
 * in `ospoNotes.vaults`). Anywhere else (a code repository with READMEs and a vendored folder) it works quietly:
 * completion, navigation and hover, problems for open notes only.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { CompletionList, Hover, Location } from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';
import { LspTestClient, positionOf } from './lspTestClient';

/** A code repository: READMEs with broken links, docs, and a vendored dependency with markdown of its own. */
const REPO_FILES: Record<string, string> = {
  'README.md': '# Project\n\nSee [[Missing page]] and [[docs/Guide#Install]].\n',
  'docs/Guide.md': '# Guide\n\n## Install\n\nRun it. See [[Nowhere]].\n',
  'vendor/lib/README.md': '# lib\n\n[[Not here either]]\n',
  'vendor/lib/CHANGELOG.md': '# Changes\n\n[[Also missing]]\n',
  'src/main.ts': 'export {};\n',
};

function tempRepo(extra: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-quiet-'));
  for (const [rel, text] of Object.entries({ ...REPO_FILES, ...extra })) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

type Status = { vaults: Array<{ name: string; vault: boolean; notes: number; ready: boolean }> };

function published(client: LspTestClient): string[] {
  return client.notifications
    .filter((n) => n.method === 'textDocument/publishDiagnostics')
    .map((n) => (n.params as { uri: string }).uri)
    .filter((u, i, all) => all.indexOf(u) === i);
}

/** The notes whose latest published diagnostics are not empty, as folder-relative paths. */
function withProblems(client: LspTestClient, root: string): string[] {
  return [...client.diagnostics]
    .filter(([, d]) => d.length > 0)
    .map(([uri]) => path.relative(root, new URL(uri).pathname).split(path.sep).join('/'))
    .sort();
}

async function close(client: LspTestClient, rel: string): Promise<void> {
  await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: client.uri(rel) } });
}

async function watched(client: LspTestClient, rel: string, type: 1 | 2 | 3): Promise<void> {
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri(rel), type }] });
}

describe('language server: vaults and quiet folders', function () {
  this.timeout(30000);
  let root: string;
  let client: LspTestClient;

  afterEach(async () => {
    await client?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  describe('a folder that is not a vault', () => {
    beforeEach(async () => {
      root = tempRepo();
      client = new LspTestClient(root);
      await client.start();
    });

    it('publishes nothing for notes that are not open, and shows no indexing progress', async () => {
      assert.deepStrictEqual(published(client), []);
      assert.ok(!client.notifications.some((n) => n.method === '$/progress'), 'no $/progress');
      const status = await client.request<Status>('ospo/status', {});
      assert.deepStrictEqual(status.vaults.map((v) => [v.vault, v.ready, v.notes]), [[false, true, 4]]);
    });

    it('opening a note publishes its problems only; closing it clears them', async () => {
      await client.open('docs/Guide.md');
      await client.waitFor(() => client.diagnosticsOf('docs/Guide.md').length > 0, 'Guide.md problems');
      assert.deepStrictEqual(client.diagnosticsOf('docs/Guide.md').map((d) => d.code), ['unresolved-link']);
      assert.deepStrictEqual(published(client), [client.uri('docs/Guide.md')], 'no other note got diagnostics');
      await close(client, 'docs/Guide.md');
      await client.waitFor(() => client.diagnostics.get(client.uri('docs/Guide.md'))?.length === 0, 'Guide.md cleared');
      assert.deepStrictEqual(withProblems(client, root), []);
    });

    it('an edit in an open note re-publishes it alone, not the notes that link to it', async () => {
      const text = await client.open('docs/Guide.md');
      await client.waitFor(() => client.diagnosticsOf('docs/Guide.md').length > 0, 'Guide.md problems');
      // README.md links [[docs/Guide#Install]]: renaming the heading breaks it, but README.md is not open.
      await client.change('docs/Guide.md', text.replace('## Install', '## Setup'));
      const status = await client.request<Status>('ospo/status', {}); // a round trip: the change is processed
      assert.ok(status.vaults[0].ready);
      assert.deepStrictEqual(published(client), [client.uri('docs/Guide.md')]);
    });

    it('completion, definition and hover work as in a vault', async () => {
      const text = await client.open('README.md');
      const list = await client.request<CompletionList>('textDocument/completion', {
        textDocument: { uri: client.uri('README.md') },
        position: positionOf(text, '[[docs/Guide', 2),
      });
      assert.ok(list.items.some((i) => i.label === 'Guide'), `completion offers Guide: ${list.items.map((i) => i.label).join(', ')}`);
      const defs = await client.request<Location[]>('textDocument/definition', {
        textDocument: { uri: client.uri('README.md') },
        position: positionOf(text, 'Guide#Install', 2),
      });
      assert.deepStrictEqual(defs.map((d) => [d.uri, d.range.start.line]), [[client.uri('docs/Guide.md'), 2]]);
      const hover = await client.request<Hover | null>('textDocument/hover', {
        textDocument: { uri: client.uri('README.md') },
        position: positionOf(text, 'Guide#Install', 2),
      });
      assert.match(JSON.stringify(hover?.contents ?? ''), /Install/);
    });

    it('becomes a vault live when .ospo-notes appears, and quiet again when it goes', async () => {
      await client.open('README.md');
      await client.waitFor(() => client.diagnosticsOf('README.md').length > 0, 'README.md problems');
      fs.mkdirSync(path.join(root, '.ospo-notes'));
      fs.writeFileSync(path.join(root, '.ospo-notes', 'settings.json'), '{}\n');
      await watched(client, '.ospo-notes/settings.json', 1);
      const all = ['README.md', 'docs/Guide.md', 'vendor/lib/CHANGELOG.md', 'vendor/lib/README.md'];
      await client.waitFor(() => withProblems(client, root).length === all.length, 'every note checked');
      assert.deepStrictEqual(withProblems(client, root), all);
      assert.ok(client.notifications.some((n) => n.method === 'ospo/indexChanged' && (n.params as Status).vaults[0].vault), 'the client is told');
      assert.strictEqual((await client.request<Status>('ospo/status', {})).vaults[0].vault, true);

      fs.rmSync(path.join(root, '.ospo-notes'), { recursive: true });
      await watched(client, '.ospo-notes', 3);
      await client.waitFor(() => withProblems(client, root).length === 1, 'back to the open note only');
      assert.deepStrictEqual(withProblems(client, root), ['README.md'], 'the open note keeps its problems');
      assert.strictEqual((await client.request<Status>('ospo/status', {})).vaults[0].vault, false);
    });

    it('becomes a vault when listed in ospoNotes.vaults, without a restart', async () => {
      client.settings = { vaults: [root + path.sep] };
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
      await client.waitFor(() => withProblems(client, root).length === 4, 'every note checked');
      client.settings = { vaults: [] };
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
      await client.waitFor(() => withProblems(client, root).length === 0, 'quiet again');
    });
  });

  describe('a vault', () => {
    it('with .obsidian/: every note is checked from the start, and a closed note keeps its problems', async () => {
      root = tempRepo({ '.obsidian/app.json': '{}\n' });
      client = new LspTestClient(root);
      await client.start();
      assert.deepStrictEqual(withProblems(client, root), ['README.md', 'docs/Guide.md', 'vendor/lib/CHANGELOG.md', 'vendor/lib/README.md']);
      assert.ok(client.notifications.some((n) => n.method === '$/progress'), 'indexing progress shown');
      await client.open('README.md');
      await close(client, 'README.md');
      await client.request('ospo/status', {});
      await new Promise((r) => setTimeout(r, 200)); // the close re-reads the file from disk
      assert.ok(client.diagnosticsOf('README.md').length > 0, 'README.md keeps its problems');
      // Deleting the marker folder makes it quiet: only open notes (none) keep problems.
      fs.rmSync(path.join(root, '.obsidian'), { recursive: true });
      await watched(client, '.obsidian', 3);
      await client.waitFor(() => withProblems(client, root).length === 0, 'quiet');
    });

    it('next to a code repository added later: the vault is checked whole, the repository quietly', async () => {
      root = tempRepo({ '.obsidian/app.json': '{}\n' });
      const repo = tempRepo();
      client = new LspTestClient(root);
      try {
        await client.start();
        await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', {
          event: { added: [{ uri: URI.file(repo).toString(), name: 'repo' }], removed: [] },
        });
        await client.waitFor(() => client.notifications.filter((n) => n.method === 'ospo/indexed').length >= 2, 'the repository indexed');
        const status = await client.request<Status>('ospo/status', {});
        assert.deepStrictEqual(status.vaults.map((v) => [v.name, v.vault]).sort(), [['repo', false], ['vault', true]]);
        const repoUris = [...client.diagnostics.keys()].filter((u) => URI.parse(u).fsPath.startsWith(repo + path.sep));
        assert.deepStrictEqual(repoUris, [], 'nothing published for the repository');
        assert.strictEqual(withProblems(client, root).length, 4, 'the vault keeps its four');
      } finally {
        fs.rmSync(repo, { recursive: true, force: true });
      }
    });

    it('listed in the settings the client starts the server with', async () => {
      root = tempRepo();
      client = new LspTestClient(root);
      client.settings = { vaults: [root] };
      await client.start();
      assert.strictEqual(withProblems(client, root).length, 4);
    });
  });
});
