/**
 * Protocol tests of the Backlinks view's requests on the sample vault: `ospo/backlinks` (linked and unlinked
 * mentions of a note) and `ospo/linkMentions` (the edit, applied through `workspace/applyEdit`, naming the
 * document version; only the mention's characters change; a stale mention is refused).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import * as os from 'os';
import { CancellationTokenSource, type TextDocumentEdit, type TextEdit } from 'vscode-languageserver-protocol/node';
import { copySampleVault, LspTestClient } from './lspTestClient';

const WHO = 'public/orgs/WHO.md';
const OSPO = 'public/tech/OSPO.md';

interface Answer {
  uri: string;
  path: string;
  linked: { count: number; notes: Array<{ uri: string; path: string; groups: Array<{ kind: string; label?: string; occurrences: Array<{ context: { text: string; highlight: [number, number] }; headingPath: string[]; embed: boolean }> }> }> };
  unlinked: { count: number; more: number; terms: string[]; notes: Array<{ uri: string; path: string; count: number; mentions: Array<{ range: TextEdit['range']; text: string; context: { text: string } }> }> };
}

describe('ospo/backlinks and ospo/linkMentions', function () {
  this.timeout(30000);
  let root: string;
  let client: LspTestClient;

  beforeEach(async () => {
    root = copySampleVault('backlinks');
    client = new LspTestClient(root);
    await client.start();
  });

  afterEach(async () => {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const backlinks = (rel: string, limit?: number): Promise<Answer | null> => client.request<Answer | null>('ospo/backlinks', { uri: client.uri(rel), ...(limit !== undefined ? { limit } : {}) });

  it('answers the linking notes of WHO with their context, grouped by the heading they name', async () => {
    const a = (await backlinks(WHO))!;
    assert.equal(a.path, WHO);
    assert.deepEqual(
      a.linked.notes.map((n) => n.path),
      ['private/people/Samuel Mbuthia.md', 'public/events/2023-11-28.md', 'public/tech/OSPO.md', 'public/tech/OpenSource.md'],
    );
    assert.equal(a.linked.notes[0].uri, client.uri('private/people/Samuel Mbuthia.md'));
    const ospo = a.linked.notes.find((n) => n.path === OSPO)!;
    assert.deepEqual(
      ospo.groups.map((g) => [g.kind, g.label]),
      [['heading', 'OSPO']],
    );
    const open = a.linked.notes.find((n) => n.path === 'public/tech/OpenSource.md')!.groups[0].occurrences[0];
    assert.equal(open.context.text, '[[WHO]] runs an OSPO for global health software.');
    assert.deepEqual(open.headingPath, ['Organisations']);
  });

  it('answers the unlinked mentions of WHO, and an embed is marked as one', async () => {
    const a = (await backlinks(WHO))!;
    assert.deepEqual(a.unlinked.terms, ['WHO', 'World Health Organization']);
    assert.deepEqual(
      a.unlinked.notes.map((n) => [n.path, n.mentions.map((m) => m.text)]),
      [[OSPO, ['WHO', 'WHO']]],
    );
    assert.match(a.unlinked.notes[0].mentions[0].context.text, /leads the WHO \[\[OSPO\]\]/);
    const capped = (await backlinks(WHO, 1))!;
    assert.equal(capped.unlinked.count, 1);
    assert.equal(capped.unlinked.more, 1);
    const compliance = (await backlinks('public/tech/OpenSource.md'))!.linked.notes.find((n) => n.path === OSPO)!;
    assert.ok(compliance.groups.some((g) => g.kind === 'block' && g.label === '^1a1526' && g.occurrences[0].embed));
  });

  it('answers null for a file that is not a note of the vault, and an error for a request without uri', async () => {
    assert.equal(await backlinks('nowhere/none.md'), null);
    await assert.rejects(client.request('ospo/backlinks', {}), /uri/);
  });

  it('follows the buffer: a mention typed into an open note is listed', async () => {
    const text = await client.open('public/orgs/CERN.md');
    await client.change('public/orgs/CERN.md', `${text}\nWorks with the who on health.\n`);
    const a = (await backlinks(WHO))!;
    const cern = a.unlinked.notes.find((n) => n.path === 'public/orgs/CERN.md');
    assert.deepEqual(
      cern?.mentions.map((m) => m.text),
      ['who'],
    );
  });

  it('links one mention: the edit names the open version and changes only the mention', async () => {
    const before = await client.open(OSPO);
    await client.change(OSPO, before);
    const a = (await backlinks(WHO))!;
    const mention = a.unlinked.notes[0].mentions[0];
    const result = await client.request<{ applied: boolean; links: number }>('ospo/linkMentions', { uri: client.uri(WHO), source: client.uri(OSPO), mention: { range: mention.range, text: mention.text } });
    assert.deepEqual(result, { applied: true, links: 1 });
    const sent = client.appliedEdits.at(-1)!;
    const changes = sent.edit.documentChanges as TextDocumentEdit[];
    assert.deepEqual(
      changes.map((c) => c.textDocument),
      [{ uri: client.uri(OSPO), version: 2 }],
    );
    const after = TextDocument.applyEdits(TextDocument.create('x', 'markdown', 2, before), changes[0].edits as TextEdit[]);
    assert.equal(after, before.replace('leads the WHO [[OSPO]]', 'leads the [[WHO]] [[OSPO]]'));
    assert.equal(after.length - before.length, 4, 'nothing else changed');
  });

  it('links all mentions of a note that is not open: the file, version null', async () => {
    const before = fs.readFileSync(path.join(root, ...OSPO.split('/')), 'utf8');
    const result = await client.request<{ applied: boolean; links: number }>('ospo/linkMentions', { uri: client.uri(WHO), source: client.uri(OSPO) });
    assert.deepEqual(result, { applied: true, links: 2 });
    const changes = client.appliedEdits.at(-1)!.edit.documentChanges as TextDocumentEdit[];
    assert.deepEqual(changes[0].textDocument, { uri: client.uri(OSPO), version: null });
    const after = TextDocument.applyEdits(TextDocument.create('x', 'markdown', 0, before), changes[0].edits as TextEdit[]);
    assert.equal(after, before.replace('leads the WHO [[OSPO]]', 'leads the [[WHO]] [[OSPO]]').replace('OSHWA, WHO OSPO', 'OSHWA, [[WHO]] OSPO'));
  });

  it('applies one of two requests sent at once for the same note, and refuses the other', async () => {
    const before = fs.readFileSync(path.join(root, ...OSPO.split('/')), 'utf8');
    const a = (await backlinks(WHO))!;
    const mention = a.unlinked.notes[0].mentions[0];
    const ask = (): Promise<unknown> => client.request('ospo/linkMentions', { uri: client.uri(WHO), source: client.uri(OSPO), mention: { range: mention.range, text: mention.text } });
    const results = await Promise.allSettled([ask(), ask()]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected'],
    );
    assert.match(String((results[1] as PromiseRejectedResult).reason), /being linked already/);
    assert.equal(client.appliedEdits.length, 1, 'one edit sent');
    const changes = client.appliedEdits[0].edit.documentChanges as TextDocumentEdit[];
    const after = TextDocument.applyEdits(TextDocument.create('x', 'markdown', 0, before), changes[0].edits as TextEdit[]);
    assert.equal(after, before.replace('leads the WHO [[OSPO]]', 'leads the [[WHO]] [[OSPO]]'));
  });

  it('refuses a mention that is no longer there, and applies nothing', async () => {
    const before = await client.open(OSPO);
    const a = (await backlinks(WHO))!;
    const mention = a.unlinked.notes[0].mentions[0];
    // The user types before the mention on its line: it moved.
    await client.change(OSPO, before.replace('leads the WHO', 'now leads the WHO'));
    const sent = client.appliedEdits.length;
    await assert.rejects(
      client.request('ospo/linkMentions', { uri: client.uri(WHO), source: client.uri(OSPO), mention: { range: mention.range, text: mention.text } }),
      /no longer there/,
    );
    assert.equal(client.appliedEdits.length, sent, 'no edit was sent');
    await assert.rejects(client.request('ospo/linkMentions', { uri: client.uri(WHO), source: client.uri(OSPO), mention: { range: 'x', text: 1 } }), /mention must be/);
  });
});

describe('ospo/backlinks on a big vault', function () {
  this.timeout(120000);
  let root: string;
  let client: LspTestClient;
  const NOTES = 3000;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ospo-backlinks-big-'));
    fs.mkdirSync(path.join(root, '.obsidian'));
    fs.mkdirSync(path.join(root, 'n'));
    fs.writeFileSync(path.join(root, 'WHO.md'), '---\ntitle: World Health Organization\n---\n# WHO\n');
    const paragraph = 'Notes about open source software, licences, releases and the people that write them. '.repeat(30);
    for (let i = 0; i < NOTES; i++) {
      fs.writeFileSync(path.join(root, 'n', `${i}.md`), `# Note ${i}\n\n${paragraph}\n\nThe WHO and [[WHO]] again.\n\n${paragraph}\n`);
    }
    client = new LspTestClient(root);
    await client.start();
  });

  after(async () => {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('answers other requests while it reads the vault, and stops when cancelled', async () => {
    const order: string[] = [];
    const scan = client.request<Answer>('ospo/backlinks', { uri: client.uri('WHO.md') }).then((a) => (order.push('backlinks'), a));
    const symbols = client.request('textDocument/documentSymbol', { textDocument: { uri: client.uri('n/7.md') } }).then(() => order.push('documentSymbol'));
    const [answer] = await Promise.all([scan, symbols]);
    assert.deepEqual(order, ['documentSymbol', 'backlinks'], 'the quick request is not kept waiting behind the scan');
    assert.equal(answer.linked.notes.length, NOTES);
    assert.equal(answer.unlinked.count, 200, 'the default limit');
    assert.equal(answer.unlinked.more, NOTES - 200);

    // Cancelled while it reads the linking notes (thousands of them): answered RequestCancelled.
    const source = new CancellationTokenSource();
    const cancelled = client.connection.sendRequest('ospo/backlinks', { uri: client.uri('WHO.md') }, source.token);
    setTimeout(() => source.cancel(), 5);
    await assert.rejects(cancelled, (e: { code?: number }) => e.code === -32800);
  });
});
