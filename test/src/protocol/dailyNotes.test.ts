/**
 * Protocol tests of daily notes and templates over stdio, on a copy of the sample vault (its
 * `.obsidian/daily-notes.json` puts daily notes in `private/journal` from `templates/Daily`, its
 * `.obsidian/templates.json` names `templates/`): the edits the server answers with, the settings read live from
 * the files and from ours, and the refusals.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { CreateFile, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver-protocol/node';
import { copySampleVault, LspTestClient } from './lspTestClient';

type DailyNoteResult = { kind: 'open'; uri: string; path: string } | { kind: 'create'; uri: string; path: string; edit: WorkspaceEdit } | { kind: 'none' | 'refused'; message: string };
type Answer = { ok: true; edit: WorkspaceEdit; uri?: string; path?: string } | { ok: false; message: string };

/** Friday 5 January 2024, 09:07:03 in the user's local time, as the client sends it. */
const NOW = '2024-01-05T09:07:03';

describe('daily notes and templates over the protocol', function () {
  this.timeout(30000);
  let root: string;
  let client: LspTestClient;

  beforeEach(async () => {
    root = copySampleVault('daily');
    client = new LspTestClient(root);
    await client.start();
  });

  afterEach(async () => {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const daily = (which: string, uri?: string, now = NOW) => client.request<DailyNoteResult>('ospo/dailyNote', { which, now, ...(uri ? { uri } : {}) });

  /** The text a workspace edit that creates one note gives it. */
  function createdText(edit: WorkspaceEdit, uri: string): string {
    const changes = edit.documentChanges ?? [];
    assert.deepEqual(changes[0], { kind: 'create', uri } satisfies CreateFile, 'the note is created first, never over a file');
    const text = changes.slice(1) as TextDocumentEdit[];
    assert.ok(text.every((c) => c.textDocument.uri === uri && c.textDocument.version === null));
    return text.flatMap((c) => c.edits.map((e) => ('newText' in e ? e.newText : ''))).join('');
  }

  it('today\'s note: in the configured folder, from the template, expanded at the client\'s clock', async () => {
    const result = await daily('today');
    assert.equal(result.kind, 'create', JSON.stringify(result));
    if (result.kind !== 'create') return;
    assert.equal(result.path, 'private/journal/2024-01-05.md');
    assert.equal(result.uri, client.uri('private/journal/2024-01-05.md'));
    const text = createdText(result.edit, result.uri);
    assert.equal(text, fs.readFileSync(path.join(root, 'templates', 'Daily.md'), 'utf8').replace('{{date:dddd, MMMM Do YYYY}}', 'Friday, January 5th 2024').replace('{{time}}', '09:07'));
    assert.match(text, /^# Friday, January 5th 2024$/m);
  });

  it('opens today\'s note once it exists; previous and next go by date, from the active daily note', async () => {
    fs.mkdirSync(path.join(root, 'private', 'journal'), { recursive: true });
    for (const day of ['2024-01-02', '2024-01-05', '2024-01-08']) fs.writeFileSync(path.join(root, 'private', 'journal', `${day}.md`), `# ${day}\n`);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: ['2024-01-02', '2024-01-05', '2024-01-08'].map((d) => ({ uri: client.uri(`private/journal/${d}.md`), type: 1 })),
    });
    await client.waitFor(() => client.notifications.some((n) => n.method === 'ospo/filesChanged'), 'the new notes');
    assert.deepEqual(await daily('today'), { kind: 'open', uri: client.uri('private/journal/2024-01-05.md'), path: 'private/journal/2024-01-05.md' });
    const from = client.uri('private/journal/2024-01-05.md');
    assert.equal(((await daily('previous', from)) as { path: string }).path, 'private/journal/2024-01-02.md');
    assert.equal(((await daily('next', from)) as { path: string }).path, 'private/journal/2024-01-08.md');
    // The sample's event note is named by its date: a daily note too, as Obsidian finds them.
    assert.equal(((await daily('previous', client.uri('private/journal/2024-01-02.md'))) as { path: string }).path, 'public/events/2023-11-28.md');
    const none = await daily('previous', client.uri('public/events/2023-11-28.md'));
    assert.deepEqual(none, { kind: 'none', message: 'There is no earlier daily note than "public/events/2023-11-28.md".' });
    // From a note that is not a daily note: from today.
    assert.equal(((await daily('next', client.uri('public/tech/OSPO.md'), '2024-01-06T10:00:00')) as { path: string }).path, 'private/journal/2024-01-08.md');
  });

  it('follows .obsidian/daily-notes.json as it changes, and ours over it', async () => {
    fs.writeFileSync(path.join(root, '.obsidian', 'daily-notes.json'), JSON.stringify({ folder: 'days', format: 'YYYY/MM/DD MMM', template: '' }));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('.obsidian/daily-notes.json'), type: 2 }] });
    const deadline = Date.now() + 10000;
    let result = await daily('today');
    while (Date.now() < deadline && (result as { path?: string }).path !== 'days/2024/01/05 Jan.md') {
      await new Promise((r) => setTimeout(r, 50));
      result = await daily('today');
    }
    assert.equal((result as { path: string }).path, 'days/2024/01/05 Jan.md');
    assert.equal(result.kind === 'create' && createdText(result.edit, result.uri), '', 'no template: an empty note');

    client.settings = { dailyNotes: { folder: 'Journal', format: 'DD.MM.YYYY', template: 'Meeting' } };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    await new Promise((r) => setTimeout(r, 200));
    result = await daily('today');
    assert.equal(result.kind, 'create');
    if (result.kind !== 'create') return;
    assert.equal(result.path, 'Journal/05.01.2024.md');
    assert.match(createdText(result.edit, result.uri), /^## 05\.01\.2024: meeting of 2024-01-05$/m);

    client.settings = { dailyNotes: { template: 'templates/Missing' } };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    await new Promise((r) => setTimeout(r, 200));
    const refused = await daily('today');
    assert.equal(refused.kind, 'refused');
    assert.match((refused as { message: string }).message, /template "templates\/Missing" is not a note of the vault/);
  });

  it('lists the templates folder, inserts a template at the cursor with the note\'s version, merging frontmatter', async () => {
    const listed = await client.request<{ ok: boolean; folder: string; templates: Array<{ path: string }> }>('ospo/templates', {});
    assert.deepEqual(listed.ok && listed.templates.map((t) => t.path), ['templates/Daily.md', 'templates/Meeting.md']);
    const rel = 'public/orgs/CERN.md';
    const text = await client.open(rel);
    await client.change(rel, text + '\n');
    const lines = (text + '\n').split('\n');
    const end = { line: lines.length - 1, character: 0 };
    const answer = await client.request<Answer>('ospo/insertTemplate', { uri: client.uri(rel), range: { start: end, end }, template: 'templates/Meeting.md', now: NOW });
    assert.ok(answer.ok, JSON.stringify(answer));
    const changes = answer.edit.documentChanges as TextDocumentEdit[];
    assert.equal(changes.length, 1);
    assert.deepEqual(changes[0].textDocument, { uri: client.uri(rel), version: 2 }, 'the edit names the buffer\'s version');
    const edits = changes[0].edits.map((e) => ('newText' in e ? e.newText : ''));
    assert.equal(edits[edits.length - 1], '## CERN: meeting of 2024-01-05\n\nAttendees:\n\n- \n');
    assert.ok(edits.some((e) => /tags: \[.*meeting\]/.test(e)), `the template's tag joins the note's: ${JSON.stringify(edits)}`);
    assert.equal(edits.filter((e) => e.includes('---')).length, 0, 'no second frontmatter block');
  });

  it('creates a note from a template in the folder for new notes; refuses an existing name and a missing folder', async () => {
    const made = await client.request<Answer>('ospo/noteFromTemplate', { template: 'templates/Meeting.md', name: 'Board sync', now: NOW });
    assert.ok(made.ok, JSON.stringify(made));
    assert.equal(made.path, 'Board sync.md');
    assert.match(createdText(made.edit, made.uri!), /^## Board sync: meeting of 2024-01-05$/m);
    const taken = await client.request<Answer>('ospo/noteFromTemplate', { template: 'templates/Meeting.md', name: 'public/orgs/cern', now: NOW });
    assert.deepEqual(taken, { ok: false, message: '"public/orgs/CERN.md" already exists; choose another name.' });

    fs.writeFileSync(path.join(root, '.obsidian', 'templates.json'), '{}');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('.obsidian/templates.json'), type: 2 }] });
    const deadline = Date.now() + 10000;
    let listed = await client.request<{ ok: boolean; message?: string }>('ospo/templates', {});
    while (listed.ok && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      listed = await client.request<{ ok: boolean; message?: string }>('ospo/templates', {});
    }
    assert.equal(listed.ok, false);
    assert.match(listed.message!, /No templates folder is set.*ospoNotes\.templates\.folder/);
    const refused = await client.request<Answer>('ospo/insertTemplate', { uri: client.uri('public/orgs/CERN.md'), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, template: 'templates/Meeting.md', now: NOW });
    assert.equal(refused.ok, false);
  });

  it('answers bad parameters with an error, not a crash', async () => {
    await assert.rejects(client.request('ospo/dailyNote', { which: 'tomorrow' }), /which/);
    await assert.rejects(client.request('ospo/insertTemplate', { uri: 3 }), /needs/);
    assert.equal((await daily('today')).kind, 'create', 'the server lives on');
  });
});
