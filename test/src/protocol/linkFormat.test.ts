/**
 * Protocol tests of the links the server writes following the vault's Obsidian settings (`.obsidian/app.json`)
 * and ours (`ospoNotes.links.*`), over stdio: completion in a vault that writes markdown links with relative
 * paths, in a table row, and the settings changing on disk or in the editor while the server runs.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { CompletionItem, CompletionList, TextEdit } from 'vscode-languageserver-protocol/node';
import { LspTestClient } from './lspTestClient';

const INDEX = 'notes/Index.md';

describe('links follow the vault\'s Obsidian settings', function () {
  this.timeout(30000);
  let root: string;
  let client: LspTestClient;

  const write = (rel: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };

  beforeEach(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-linkformat-'));
    write('.obsidian/app.json', JSON.stringify({ useMarkdownLinks: true, newLinkFormat: 'relative', promptDelete: false }));
    write('people/Github.md', '# Github\n\n## Orgs\n');
    write('tech/Open Source.md', '---\naliases: [FOSS]\n---\n# Open Source\n');
    write(INDEX, '');
    client = new LspTestClient(root);
    await client.start();
  });

  afterEach(async () => {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** The line of `text` at the cursor `‸` after accepting the item `label` offered there. */
  async function accept(withCursor: string, label: string): Promise<string> {
    const at = withCursor.indexOf('‸');
    const text = withCursor.slice(0, at) + withCursor.slice(at + 1);
    await client.change(INDEX, text);
    const before = text.slice(0, at).split('\n');
    const position = { line: before.length - 1, character: before[before.length - 1].length };
    const list = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri: client.uri(INDEX) }, position });
    const item = list.items.find((i: CompletionItem) => i.label === label);
    assert.ok(item, `no item ${label} among ${JSON.stringify(list.items.map((i) => i.label))}`);
    const e = item.textEdit as TextEdit;
    const line = text.split('\n')[e.range.start.line];
    return line.slice(0, e.range.start.character) + e.newText + line.slice(e.range.end.character);
  }

  /** Asks again until `check` holds: a file event or a settings change is applied asynchronously. */
  async function eventually(what: string, attempt: () => Promise<string>, expected: string): Promise<void> {
    const deadline = Date.now() + 10000;
    let got = '';
    while (Date.now() < deadline) {
      got = await attempt();
      if (got === expected) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(got, expected, what);
  }

  it('completes [[ with a markdown link and a relative path (useMarkdownLinks, newLinkFormat: relative)', async () => {
    await client.open(INDEX);
    assert.equal(await accept('See [[Git‸', 'Github'), 'See [Github](../people/Github.md)');
    assert.equal(await accept('See [[Github#Or‸]]', 'Orgs'), 'See [Github > Orgs](../people/Github.md#Orgs)');
    assert.equal(await accept('See [[FOS‸', 'FOSS'), 'See [FOSS](../tech/Open%20Source.md)');
    assert.equal(await accept('| a | b |\n| --- | --- |\n| [[FOS‸ | x |', 'FOSS'), '| [FOSS](../tech/Open%20Source.md) | x |');
  });

  it('writes an alias in a table row with \\| in a wiki-link vault', async () => {
    write('.obsidian/app.json', '{}');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('.obsidian/app.json'), type: 2 }] });
    await client.open(INDEX);
    await eventually('the alias in a table', () => accept('| a | b |\n| --- | --- |\n| [[FOS‸ | x |', 'FOSS'), '| [[Open Source\\|FOSS]] | x |');
    assert.equal(await accept('See [[FOS‸', 'FOSS'), 'See [[Open Source|FOSS]]');
  });

  it('applies a change of app.json on disk without a restart, and says once when it is broken', async () => {
    await client.open(INDEX);
    assert.equal(await accept('See [[Git‸', 'Github'), 'See [Github](../people/Github.md)');
    write('.obsidian/app.json', JSON.stringify({ useMarkdownLinks: false, newLinkFormat: 'absolute' }));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('.obsidian/app.json'), type: 2 }] });
    await eventually('wiki-links with absolute paths', () => accept('See [[Git‸', 'Github'), 'See [[people/Github]]');

    write('.obsidian/app.json', '{ "useMarkdownLinks": tru');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('.obsidian/app.json'), type: 2 }] });
    await eventually('Obsidian\'s defaults', () => accept('See [[Git‸', 'Github'), 'See [[Github]]');
    const warnings = client.notifications.filter((n) => n.method === 'window/showMessage' && /app\.json is not valid JSON/.test((n.params as { message: string }).message));
    assert.equal(warnings.length, 1, 'one warning naming the file');
    // The same broken file again: no second warning.
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('.obsidian/app.json'), type: 2 }] });
    await client.request('ospo/status', {});
    assert.equal(client.notifications.filter((n) => n.method === 'window/showMessage').length, 1);

    fs.rmSync(path.join(root, '.obsidian', 'app.json'));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('.obsidian/app.json'), type: 3 }] });
    await eventually('Obsidian\'s defaults without the file', () => accept('See [[Git‸', 'Github'), 'See [[Github]]');
  });

  it('lets our settings override the vault\'s, live', async () => {
    await client.open(INDEX);
    client.settings = { links: { style: 'wiki', pathForm: 'shortest' } };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await eventually('our wiki-links', () => accept('See [[Git‸', 'Github'), 'See [[Github]]');
    client.settings = { links: { style: 'obsidian', pathForm: 'absolute' } };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await eventually('Obsidian\'s markdown links with our absolute paths', () => accept('See [[Git‸', 'Github'), 'See [Github](people/Github.md)');
  });
});
