/**
 * The server's model cache: a second start on the same vault reads the notes from the cache folder the client
 * gives (`initializationOptions.cacheFolder`), says so in the log and in `ospo/status`, and answers exactly as
 * the first start did; without a folder it uses `$XDG_CACHE_HOME/ospo-notes`; `ospoNotes.cache.enabled: false`
 * turns it off.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { copySampleVault, LspTestClient, TEST_CACHE_HOME } from './lspTestClient';
import { tempDir } from '../support/tempDirs';

interface CacheState {
  state: 'read' | 'rebuilt';
  reason?: string;
  hits: number;
  misses: number;
  writes: number;
}
type Status = { vaults: Array<{ notes: number; cache?: CacheState }> };

function notesOf(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.md')) out.push(p);
    }
  };
  walk('');
  return out.sort();
}

/** What a user sees: every note's problems, and where every `[[` link of every note leads. */
async function answers(client: LspTestClient, root: string): Promise<string> {
  const out: string[] = [];
  for (const rel of notesOf(root)) {
    out.push(`${rel} ${JSON.stringify(client.diagnosticsOf(rel))}`);
    const lines = fs.readFileSync(path.join(root, rel), 'utf8').split('\n');
    for (let line = 0; line < lines.length; line++) {
      for (let at = lines[line].indexOf('[['); at >= 0; at = lines[line].indexOf('[[', at + 1)) {
        const found = await client.request('textDocument/definition', { textDocument: { uri: client.uri(rel) }, position: { line, character: at + 2 } });
        out.push(`${rel}:${line}:${at} ${JSON.stringify(found)}`);
      }
    }
  }
  return out.join('\n');
}

function logLines(client: LspTestClient): string[] {
  return client.notifications.filter((n) => n.method === 'window/logMessage').map((n) => (n.params as { message: string }).message);
}

async function status(client: LspTestClient): Promise<Status['vaults'][number]> {
  return (await client.request<Status>('ospo/status', {})).vaults[0];
}

async function startClient(root: string, options: unknown, settings: Record<string, unknown> = {}): Promise<LspTestClient> {
  const client = new LspTestClient(root);
  client.initializationOptions = options;
  client.settings = settings;
  await client.start();
  return client;
}

describe('language server: the model cache', function () {
  this.timeout(60000);

  it('a second start reads every note from the cache folder the client gives and answers the same', async () => {
    const root = copySampleVault('cache');
    const cacheFolder = tempDir('ospo-server-cache-');
    const notes = notesOf(root).length;
    const first = await startClient(root, { cacheFolder });
    let before: string;
    try {
      const s = await status(first);
      assert.deepStrictEqual(s.cache, { state: 'rebuilt', reason: 'no cache yet', hits: 0, misses: notes, writes: s.cache?.writes });
      assert.ok(logLines(first).some((l) => /^vault: model cache: .*: no cache yet: rebuilding it$/.test(l)), logLines(first).join('\n'));
      before = await answers(first, root);
      assert.ok(before.includes('"uri"') && before.includes('"severity"'), 'the sample has links that resolve and problems');
      // Written in the background, shortly after indexing.
      for (let i = 0; i < 100 && (await status(first)).cache!.writes === 0; i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal((await status(first)).cache!.writes, 1);
    } finally {
      await first.stop();
    }
    assert.equal(fs.readdirSync(cacheFolder).filter((n) => n.endsWith('.notes-cache')).length, 1);

    const second = await startClient(root, { cacheFolder });
    try {
      assert.deepStrictEqual((await status(second)).cache, { state: 'read', hits: notes, misses: 0, writes: 0 });
      assert.ok(logLines(second).some((l) => l.startsWith(`vault: model cache: ${notes} notes stored in ${cacheFolder}`)), logLines(second).join('\n'));
      assert.equal(await answers(second, root), before);
    } finally {
      await second.stop();
    }
  });

  it('a note changed between two starts is parsed again, and its new problems are published', async () => {
    const root = copySampleVault('cache-edit');
    const cacheFolder = tempDir('ospo-server-cache-');
    const first = await startClient(root, { cacheFolder });
    await first.stop(); // shutdown writes what is pending
    const rel = notesOf(root)[0];
    fs.appendFileSync(path.join(root, rel), '\n[[Nowhere at all]]\n');
    const second = await startClient(root, { cacheFolder });
    try {
      const s = await status(second);
      assert.equal(s.cache?.state, 'read');
      assert.equal(s.cache?.misses, 1);
      assert.equal(s.cache?.hits, notesOf(root).length - 1);
      assert.ok(second.diagnosticsOf(rel).some((d) => String(d.message).includes('Nowhere at all')));
    } finally {
      await second.stop();
    }
  });

  it('without a folder from the client the cache goes to $XDG_CACHE_HOME/ospo-notes; the setting turns it off', async () => {
    const root = copySampleVault('cache-default');
    const first = await startClient(root, undefined);
    await first.stop();
    const second = await startClient(root, undefined);
    try {
      assert.equal((await status(second)).cache?.state, 'read');
      assert.ok(fs.readdirSync(path.join(TEST_CACHE_HOME, 'ospo-notes')).some((n) => n.endsWith('.notes-cache')));
    } finally {
      await second.stop();
    }
    const cacheFolder = tempDir('ospo-server-cache-');
    const off = await startClient(root, { cacheFolder, cache: { enabled: false } }, { cache: { enabled: false } });
    try {
      assert.equal((await status(off)).cache, undefined);
      assert.ok(!logLines(off).some((l) => l.includes('model cache')));
    } finally {
      await off.stop();
    }
    assert.deepStrictEqual(fs.readdirSync(cacheFolder), []);
  });
});
