import * as assert from 'node:assert/strict';
import type { CompletionItem, CompletionList, TextEdit } from 'vscode-languageserver-types';
import {
  ADD_BLOCK_ID_COMMAND,
  type AddBlockIdArgs,
  addBlockIdEdit,
  blockIdInsertEdit,
  type CompletionOptions,
  encodeMarkdownPath,
  type FeatureContext,
  freshBlockId,
  matchTier,
  parseNote,
  provideCompletion,
  shortestLinkPath,
  VaultIndex,
} from '@ospo-notes/engine';

/** Marks the cursor in test texts. */
const CURSOR = '‸';

class MemoryVault {
  readonly index = new VaultIndex();
  readonly texts = new Map<string, string>();
  readonly ctx: FeatureContext = { index: this.index, getText: (p) => this.texts.get(p) };

  constructor(notes: Array<[string, string]>, attachments: string[] = []) {
    for (const [p, t] of notes) this.texts.set(p, t);
    this.index.load(
      notes.map(([p, t]) => parseNote(p, t)),
      attachments,
    );
  }

  /** Sets a note's text (as the editor buffer) and re-indexes it, as the server does on every change. */
  edit(path: string, text: string): void {
    this.texts.set(path, text);
    this.index.upsertNote(parseNote(path, text));
  }

  /** Writes `text` (with one CURSOR) into `path` and asks for completions at the cursor. */
  complete(path: string, textWithCursor: string, options?: CompletionOptions): Completion {
    const at = textWithCursor.indexOf(CURSOR);
    assert.ok(at >= 0, 'the test text has a cursor');
    const text = textWithCursor.slice(0, at) + textWithCursor.slice(at + CURSOR.length);
    this.edit(path, text);
    const before = text.slice(0, at).split('\n');
    const position = { line: before.length - 1, character: before[before.length - 1].length };
    return new Completion(text, provideCompletion(this.ctx, path, position, options));
  }
}

class Completion {
  constructor(
    readonly text: string,
    readonly list: CompletionList,
  ) {}

  get labels(): string[] {
    return this.list.items.map((i) => i.label);
  }

  item(label: string): CompletionItem {
    const found = this.list.items.find((i) => i.label === label);
    assert.ok(found, `no item ${JSON.stringify(label)} among ${JSON.stringify(this.labels)}`);
    return found;
  }

  /** The document after accepting the item (its text edit and any additional edits). */
  accept(label: string): string {
    const item = this.item(label);
    return applyEdits(this.text, [item.textEdit as TextEdit, ...(item.additionalTextEdits ?? [])]);
  }
}

function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }): number => {
    let o = 0;
    for (let l = 0; l < p.line; l++) o += lines[l].length + 1;
    return o + p.character;
  };
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

function edit(item: CompletionItem): TextEdit {
  const e = item.textEdit as TextEdit;
  assert.ok(e && 'range' in e, 'items carry a plain text edit');
  return e;
}

const GITHUB = [
  '---',
  'aliases: [GH]',
  '---',
  '# Github',
  '',
  '## Orgs: Big ones',
  '',
  'Big organisations on the platform. ^gh-orgs',
  '',
  '### Microsoft',
  '',
  '### Google',
  '',
  '## Tips',
  '',
  '- first tip',
  '- second tip about forks',
  '',
  'A paragraph without an id',
  'on two lines.',
].join('\n');

function vault(): MemoryVault {
  return new MemoryVault(
    [
      ['people/Github.md', GITHUB],
      ['Gitlab.md', '# Gitlab\n'],
      ['x/a/Topic.md', '# Topic A\n'],
      ['y/b/Topic.md', '# Topic B\n'],
      ['tech/Artificial Intelligence.md', '---\naliases:\n  - AI\n  - artificial intelligence\ntitle: Machine Minds\nacronym: ArtInt\n---\nText #tech\n'],
      ['My Note.md', '# My Heading: with colon\n\nSome text #project/alpha\n'],
      ['Notebook.md', 'Notes #project #Project/Beta\n'],
      ['Other.md', '---\ntitle: Other\nvisibility: public\nstatus: draft\ntags: [ospo, security]\n---\nThe quick brown fox jumps.\n\nAnother line ^known-id\n\n- a list item about foxes\n'],
      ['Current.md', ''],
    ],
    ['assets/diagram one.png', 'ospo_infographic.pdf'],
  );
}

describe('completion', () => {
  describe('wiki-link targets', () => {
    it('offers notes after [[ and inserts the name and the closing brackets', () => {
      const v = vault();
      const c = v.complete('Current.md', `See [[Gith${CURSOR}`);
      const e = edit(c.item('Github'));
      assert.deepEqual(e.range, { start: { line: 0, character: 6 }, end: { line: 0, character: 10 } });
      assert.equal(e.newText, 'Github]]');
      assert.equal(c.item('Github').filterText, 'Github');
      assert.equal(c.accept('Github'), 'See [[Github]]');
    });

    it('replaces the link text and its existing ]] instead of duplicating brackets', () => {
      const v = vault();
      let c = v.complete('Current.md', `[[Git${CURSOR}]] after`);
      assert.deepEqual(edit(c.item('Github')).range, { start: { line: 0, character: 2 }, end: { line: 0, character: 7 } });
      assert.equal(c.accept('Github'), '[[Github]] after');

      c = v.complete('Current.md', `[[Git${CURSOR}|]]`);
      assert.equal(c.accept('Github'), '[[Github]]');

      c = v.complete('Current.md', `[[Git${CURSOR}lab]]`);
      assert.equal(c.accept('Github'), '[[Github]]', 'the rest of the old name is replaced too');

      c = v.complete('Current.md', `![[Git${CURSOR}]]`);
      assert.equal(c.accept('Gitlab'), '![[Gitlab]]');

      // An editor that auto-closed only one bracket of a quickly typed `[[` leaves `[[Git]`.
      c = v.complete('Current.md', `[[Git${CURSOR}] after`);
      assert.equal(c.accept('Github'), '[[Github]] after');
    });

    it('keeps non-empty display text and a subpath after the cursor', () => {
      const v = vault();
      let c = v.complete('Current.md', `[[Git${CURSOR}|my text]]`);
      assert.equal(c.accept('Github'), '[[Github|my text]]');
      c = v.complete('Current.md', `[[Git${CURSOR}#Tips]]`);
      assert.equal(c.accept('Github'), '[[Github#Tips]]');
    });

    it('inserts the shortest unambiguous path for notes sharing a name', () => {
      const v = vault();
      const c = v.complete('Current.md', `[[Topic${CURSOR}`);
      const texts = c.list.items.map((i) => edit(i).newText).sort();
      assert.deepEqual(texts, ['a/Topic]]', 'b/Topic]]']);
      assert.deepEqual(c.list.items.map((i) => i.detail).sort(), ['x/a/Topic.md', 'y/b/Topic.md']);
      // Recent notes rank first among equal matches.
      const recent = v.complete('Current.md', `[[Topic${CURSOR}`, { recentPaths: ['y/b/Topic.md'] });
      assert.equal(edit(recent.list.items[0]).newText, 'b/Topic]]');
      // A unique name deep in folders is written bare.
      assert.equal(shortestLinkPath(v.index.files, 'people/Github.md'), 'Github');
      assert.equal(shortestLinkPath(v.index.files, 'x/a/Topic.md'), 'a/Topic');
      assert.equal(shortestLinkPath(v.index.files, 'x/a/Topic.md', true), 'a/Topic.md');
    });

    it('falls back to the full path when no shorter suffix is unique', () => {
      const v = new MemoryVault([
        ['a/b/Note.md', ''],
        ['b/Note.md', ''],
        ['c/Note.md', ''],
      ]);
      assert.equal(shortestLinkPath(v.index.files, 'a/b/Note.md'), 'a/b/Note');
      assert.equal(shortestLinkPath(v.index.files, 'b/Note.md'), 'b/Note');
      assert.equal(shortestLinkPath(v.index.files, 'c/Note.md'), 'c/Note');
    });

    it('offers aliases, title and acronym as [[File|Name]] (R3.7)', () => {
      const v = vault();
      let c = v.complete('Current.md', `[[AI${CURSOR}`);
      const alias = c.item('AI');
      assert.equal(edit(alias).newText, 'Artificial Intelligence|AI]]');
      assert.equal(alias.filterText, 'AI');
      assert.equal(c.accept('AI'), '[[Artificial Intelligence|AI]]');

      c = v.complete('Current.md', `[[Machine${CURSOR}]]`);
      assert.equal(c.accept('Machine Minds'), '[[Artificial Intelligence|Machine Minds]]');

      c = v.complete('Current.md', `[[ArtI${CURSOR}`);
      assert.equal(edit(c.item('ArtInt')).newText, 'Artificial Intelligence|ArtInt]]');
      // The alias that only differs from the file name in case is not offered twice.
      assert.equal(c.labels.filter((l) => l.toLowerCase() === 'artificial intelligence').length, 1);

      // An alias item keeps a heading written after the cursor.
      c = v.complete('Current.md', `[[GH${CURSOR}#Tips]]`);
      assert.equal(c.accept('GH'), '[[Github#Tips|GH]]');
    });

    it('offers attachments with their extension', () => {
      const v = vault();
      let c = v.complete('Current.md', `![[diag${CURSOR}`);
      assert.equal(edit(c.item('diagram one.png')).newText, 'diagram one.png]]');
      c = v.complete('Current.md', `![[ospo${CURSOR}]]`);
      assert.equal(c.accept('ospo_infographic.pdf'), '![[ospo_infographic.pdf]]');
    });

    it('matches fuzzily from word starts and ranks prefixes first', () => {
      const v = vault();
      let c = v.complete('Current.md', `[[gthb${CURSOR}`);
      assert.deepEqual(c.labels, ['Github']);
      // `note`: prefix of Notebook before the word `Note` in "My Note".
      c = v.complete('Current.md', `[[note${CURSOR}`);
      assert.deepEqual(c.labels.slice(0, 2), ['Notebook', 'My Note']);
      assert.ok(c.list.items[0].sortText! < c.list.items[1].sortText!);
      // `intel` starts a word of "Artificial Intelligence".
      c = v.complete('Current.md', `[[intel${CURSOR}`);
      assert.ok(c.labels.includes('Artificial Intelligence'));
      // Mid-word matches are dropped by VS Code by default, so only offered when that setting is off.
      c = v.complete('Current.md', `[[hub${CURSOR}`);
      assert.deepEqual(c.labels, []);
      c = v.complete('Current.md', `[[hub${CURSOR}`, { matchOnWordStartOnly: false });
      assert.deepEqual(c.labels, ['Github']);
    });

    it('matches folder paths when the query has a /', () => {
      const v = vault();
      const c = v.complete('Current.md', `[[people/g${CURSOR}`);
      assert.deepEqual(c.labels, ['Github']);
      assert.equal(c.item('Github').filterText, 'people/Github');
      assert.equal(edit(c.item('Github')).newText, 'Github]]');
    });

    it('matches a typed .md extension', () => {
      const v = vault();
      const c = v.complete('Current.md', `[[Github.m${CURSOR}`);
      assert.deepEqual(c.labels, ['Github']);
      assert.equal(c.item('Github').filterText, 'Github.md');
      assert.equal(c.accept('Github'), '[[Github]]');
    });

    it('caps long lists and marks them incomplete', () => {
      const notes: Array<[string, string]> = [];
      for (let i = 0; i < 300; i++) notes.push([`n/Note ${String(i).padStart(3, '0')}.md`, '']);
      notes.push(['Current.md', '']);
      const v = new MemoryVault(notes);
      let c = v.complete('Current.md', `[[Note${CURSOR}`);
      assert.equal(c.list.items.length, 100);
      assert.equal(c.list.isIncomplete, true);
      assert.equal(c.list.items[0].label, 'Note 000');
      c = v.complete('Current.md', `[[Note 29${CURSOR}`);
      assert.deepEqual(c.labels.slice(0, 10), ['Note 290', 'Note 291', 'Note 292', 'Note 293', 'Note 294', 'Note 295', 'Note 296', 'Note 297', 'Note 298', 'Note 299']);
      assert.ok(c.list.items.length < 100);
      assert.equal(c.list.isIncomplete, false);
      c = v.complete('Current.md', `[[Note${CURSOR}`, { maxItems: 5 });
      assert.deepEqual(c.labels, ['Note 000', 'Note 001', 'Note 002', 'Note 003', 'Note 004']);
    });

    it('keeps the best items whatever the limit: a short list is the start of a long one (seeded vaults)', () => {
      let seed = 7;
      const next = (n: number): number => {
        seed = (seed * 1664525 + 1013904223) >>> 0;
        return seed % n;
      };
      const words = ['Note', 'note', 'Nota', 'Topic', 'topic-x', 'Meeting', 'Ideas', 'Índice', 'area'];
      for (let round = 0; round < 4; round++) {
        const notes: Array<[string, string]> = [];
        for (let i = 0; i < 400; i++) {
          const name = `${words[next(words.length)]} ${next(60)}`;
          const alias = next(4) === 0 ? `---\naliases: [${words[next(words.length)]} alias ${i}]\n---\n` : '';
          notes.push([`${['', 'a/', 'a/b/', 'c/'][next(4)]}${name}.md`, alias]);
        }
        notes.push(['Current.md', '']);
        const v = new MemoryVault(notes, ['img/Note 1.png', 'img/note 2.pdf']);
        const recentPaths = [notes[next(400)][0], notes[next(400)][0], notes[next(400)][0], 'Current.md'];
        for (const typed of ['', 'no', 'Note 1', 'tpc', 'a/', 'ea', 'zz', 'í', '.md']) {
          for (const embed of ['', '!']) {
            const full = v.complete('Current.md', `${embed}[[${typed}${CURSOR}`, { recentPaths, maxItems: 1000 });
            for (const limit of [1, 7, 40]) {
              const short = v.complete('Current.md', `${embed}[[${typed}${CURSOR}`, { recentPaths, maxItems: limit });
              const what = `round ${round}, ${embed}[[${typed}, limit ${limit}`;
              assert.deepEqual(short.list.items.map((i) => `${i.label} ${i.detail}`), full.list.items.slice(0, limit).map((i) => `${i.label} ${i.detail}`), what);
              assert.equal(short.list.isIncomplete, full.list.items.length > limit, what);
            }
          }
        }
      }
    });

    it('follows the vault as files are added, renamed and removed', () => {
      const v = vault();
      assert.deepEqual(v.complete('Current.md', `[[Zeb${CURSOR}`).labels, []);
      v.index.upsertNote(parseNote('z/Zebra.md', '---\naliases: [Stripes]\n---\n'));
      assert.deepEqual(v.complete('Current.md', `[[Zeb${CURSOR}`).labels, ['Zebra']);
      assert.deepEqual(v.complete('Current.md', `[[Stri${CURSOR}`).labels, ['Stripes']);
      v.index.upsertNote(parseNote('z/Zebra.md', '---\naliases: [Lines]\n---\n'));
      assert.deepEqual(v.complete('Current.md', `[[Stri${CURSOR}`).labels, []);
      v.index.renameFile('z/Zebra.md', 'q/Zebu.md');
      assert.deepEqual(v.complete('Current.md', `[[Zeb${CURSOR}`).labels, ['Zebu']);
      v.index.addAttachment('img/zebra.png');
      assert.deepEqual(v.complete('Current.md', `[[Zeb${CURSOR}`).labels, ['Zebu', 'zebra.png']);
      v.index.removeFile('q/Zebu.md');
      assert.deepEqual(v.complete('Current.md', `[[Zeb${CURSOR}`).labels, ['zebra.png']);
      // A new note with the same name makes both paths longer.
      v.index.upsertNote(parseNote('Gitlab/Github.md', ''));
      const texts = v.complete('Current.md', `[[Github${CURSOR}`).list.items.map((i) => edit(i).newText);
      assert.deepEqual(texts.sort(), ['Gitlab/Github]]', 'people/Github]]']);
    });

    it('follows several changes made between two requests (from the index\'s change records)', () => {
      const v = vault();
      assert.deepEqual(v.complete('Current.md', `[[Zeb${CURSOR}`).labels, []);
      v.index.upsertNote(parseNote('z/Zebra.md', '---\naliases: [Stripes]\n---\n'));
      v.index.addAttachment('img/zebu.png');
      v.index.upsertNote(parseNote('z/Zebra.md', '---\naliases: [Zebroid]\n---\n'));
      v.index.renameFile('img/zebu.png', 'img/zebu2.png');
      assert.deepEqual(v.complete('Current.md', `[[Zeb${CURSOR}`).labels.sort(), ['Zebra', 'Zebroid', 'zebu2.png']);
      v.index.removeFile('z/Zebra.md');
      v.index.upsertNote(parseNote('Other zebra.md', ''));
      assert.deepEqual(v.complete('Current.md', `[[Zeb${CURSOR}`).labels.sort(), ['Other zebra', 'zebu2.png']);
    });

    it('keeps names and frontmatter keys current while notes are edited', () => {
      const v = vault();
      v.complete('Current.md', `---\nzzkey: 1\n---\n[[Git${CURSOR}`);
      assert.ok(v.complete('Gitlab.md', `---\n${CURSOR}\n---\n`).labels.includes('zzkey'));
      v.complete('Current.md', `no frontmatter [[Git${CURSOR}`);
      assert.ok(!v.complete('Gitlab.md', `---\n${CURSOR}\n---\n`).labels.includes('zzkey'));
      // An alias added to another note while this one is being edited.
      v.edit('Gitlab.md', '---\naliases: [Labby]\n---\n');
      assert.equal(v.complete('Current.md', `[[Lab${CURSOR}`).accept('Labby'), '[[Gitlab|Labby]]');
      v.edit('Gitlab.md', '# Gitlab\n');
      assert.deepEqual(v.complete('Current.md', `[[Lab${CURSOR}`).labels, []);
      // The note's own aliases are not offered to itself.
      assert.deepEqual(v.complete('Current.md', `---\naliases: [Selfie]\n---\n[[Selfi${CURSOR}`).labels, []);
    });

    it('offers nothing in the display text', () => {
      const v = vault();
      assert.deepEqual(v.complete('Current.md', `[[Github|Gi${CURSOR}]]`).labels, []);
    });
  });

  describe('headings', () => {
    it('offers the target note headings as Obsidian writes them', () => {
      const v = vault();
      const c = v.complete('Current.md', `[[Github#${CURSOR}`);
      assert.deepEqual(c.labels, ['Github', 'Orgs: Big ones', 'Microsoft', 'Google', 'Tips']);
      const orgs = edit(c.item('Orgs: Big ones'));
      assert.equal(orgs.newText, 'Orgs Big ones]]');
      assert.deepEqual(orgs.range, { start: { line: 0, character: 9 }, end: { line: 0, character: 9 } });
      assert.equal(c.accept('Orgs: Big ones'), '[[Github#Orgs Big ones]]');
    });

    it('filters headings, replaces the existing heading and keeps the display text', () => {
      const v = vault();
      let c = v.complete('Current.md', `![[My Note#My${CURSOR}]]`);
      assert.deepEqual(c.labels, ['My Heading: with colon']);
      assert.equal(c.accept('My Heading: with colon'), '![[My Note#My Heading with colon]]');
      c = v.complete('Current.md', `[[Github#Ti${CURSOR}ps|see tips]]`);
      assert.equal(c.accept('Tips'), '[[Github#Tips|see tips]]');
    });

    it('offers this note headings after [[#', () => {
      const v = vault();
      const c = v.complete('Current.md', `# Intro\n\n## Details: more\n\nSee [[#${CURSOR}`);
      assert.deepEqual(c.labels, ['Intro', 'Details: more']);
      assert.equal(c.accept('Details: more'), '# Intro\n\n## Details: more\n\nSee [[#Details more]]');
    });

    it('lists sub-headings for a heading chain', () => {
      const v = vault();
      const c = v.complete('Current.md', `[[Github#Orgs Big ones#${CURSOR}`);
      assert.deepEqual(c.labels, ['Microsoft', 'Google']);
      assert.equal(c.accept('Google'), '[[Github#Orgs Big ones#Google]]');
    });

    it('offers nothing for unresolved targets and attachments', () => {
      const v = vault();
      assert.deepEqual(v.complete('Current.md', `[[Nowhere#${CURSOR}`).labels, []);
      assert.deepEqual(v.complete('Current.md', `[[ospo_infographic.pdf#${CURSOR}`).labels, []);
    });
  });

  describe('block ids', () => {
    it('offers the target block ids with their text', () => {
      const v = vault();
      const c = v.complete('Current.md', `[[Github#^${CURSOR}]]`);
      const item = c.item('gh-orgs');
      assert.equal(edit(item).newText, 'gh-orgs]]');
      assert.deepEqual(edit(item).range, { start: { line: 0, character: 10 }, end: { line: 0, character: 12 } });
      assert.deepEqual(item.documentation, { kind: 'markdown', value: 'Big organisations on the platform.' });
      assert.equal(c.accept('gh-orgs'), '[[Github#^gh-orgs]]');
      assert.equal(c.list.items[0].label, 'gh-orgs', 'existing ids come first');
    });

    it('offers blocks without an id, generating one and the command that writes it', () => {
      const v = vault();
      const c = v.complete('Current.md', `[[Github#^forks${CURSOR}`, { blockIdSeed: 7 });
      assert.deepEqual(c.labels, ['second tip about forks']);
      const item = c.list.items[0];
      const id = edit(item).newText.replace(/\]\]$/, '');
      assert.match(id, /^[0-9a-f]{6}$/);
      assert.deepEqual(item.command?.command, ADD_BLOCK_ID_COMMAND);
      const args = item.command!.arguments![0] as AddBlockIdArgs;
      assert.deepEqual(args, { path: 'people/Github.md', line: 16, id, kind: 'list-item', lineText: '- second tip about forks' });
      assert.equal(c.list.isIncomplete, true);
    });

    it('offers this note block ids after [[#^', () => {
      const v = vault();
      const c = v.complete('Current.md', `Para one ^p1\n\n[[#^${CURSOR}`);
      assert.deepEqual(c.labels, ['p1']);
      assert.equal(c.accept('p1'), 'Para one ^p1\n\n[[#^p1]]');
    });
  });

  describe('block search [[^^', () => {
    it('finds blocks across the vault and generates an id with the addBlockId command', () => {
      const v = vault();
      const c = v.complete('Current.md', `[[^^brown quick${CURSOR}`, { blockIdSeed: 1 });
      assert.deepEqual(c.labels, ['The quick brown fox jumps.']);
      const item = c.list.items[0];
      const text = edit(item).newText;
      const m = /^Other#\^([0-9a-f]{6})\]\]$/.exec(text);
      assert.ok(m, text);
      assert.deepEqual(edit(item).range, { start: { line: 0, character: 2 }, end: { line: 0, character: 15 } });
      assert.equal(item.filterText, '^^brown quick');
      assert.equal(c.list.isIncomplete, true);
      const args = item.command!.arguments![0] as AddBlockIdArgs;
      assert.equal(item.command!.command, 'ospo-notes.addBlockId');
      assert.deepEqual(args, { path: 'Other.md', line: 6, id: m[1], kind: 'paragraph', lineText: 'The quick brown fox jumps.' });
      // What the server does with the command.
      const e = addBlockIdEdit(v.texts.get('Other.md')!, args)!;
      assert.ok(e);
      assert.equal(applyEdits(v.texts.get('Other.md')!, [e]).split('\n')[6], `The quick brown fox jumps. ^${m[1]}`);
    });

    it('reuses an existing id and needs no command', () => {
      const v = vault();
      const c = v.complete('Current.md', `x [[^^another${CURSOR}]] y`);
      const item = c.item('Another line');
      assert.equal(item.command, undefined);
      assert.equal(c.accept('Another line'), 'x [[Other#^known-id]] y');
    });

    it('links blocks of this note as [[#^id]] and writes the id in the same edit', () => {
      const v = vault();
      const c = v.complete('Current.md', `Local thought here.\n\n[[^^thought${CURSOR}`, { blockIdSeed: 3 });
      const item = c.item('Local thought here.');
      assert.equal(item.command, undefined);
      const id = /#\^([0-9a-f]{6})/.exec(edit(item).newText)![1];
      assert.equal(c.accept('Local thought here.'), `Local thought here. ^${id}\n\n[[#^${id}]]`);
    });

    it('searches open notes first and stops at its bounds', () => {
      const notes: Array<[string, string]> = [['Current.md', '']];
      for (let i = 0; i < 20; i++) notes.push([`n${i}.md`, `fox number ${i}\n`]);
      const v = new MemoryVault(notes);
      const c = v.complete('Current.md', `[[^^fox${CURSOR}`, { recentPaths: ['n17.md'], blockSearch: { maxResults: 3 } });
      assert.equal(c.list.items.length, 3);
      assert.equal(c.list.items[0].label, 'fox number 17');
      assert.equal(c.list.isIncomplete, true);
      const few = v.complete('Current.md', `[[^^fox${CURSOR}`, { blockSearch: { maxNotes: 5 } });
      assert.ok(few.list.items.length <= 5);
    });

    it('finds a block whose match key differs from its piece of the whole text in lower case', () => {
      // A decomposed `é` and a `>` with a combining overlay normalise otherwise in the whole text than in the
      // block; a final `Σ` before an id or a line end lower-cases as in the block.
      const v = new MemoryVault([
        ['Current.md', ''],
        ['Greek.md', 'ΟΔΟΣ ^abc123\n\n- ΟΔΟΣ\n  ΤΙΣ\n'],
        ['Cafe.md', 'Cafe\u0301 society\n'],
        ['Quote.md', '>\u0338 overlay\n'],
        ['Plain.md', 'Nothing here\n'],
      ]);
      assert.deepEqual(v.complete('Current.md', `[[^^οδος${CURSOR}`).labels, ['ΟΔΟΣ', 'ΟΔΟΣ ΤΙΣ']);
      assert.deepEqual(v.complete('Current.md', `[[^^ος τις${CURSOR}`).labels, ['ΟΔΟΣ ΤΙΣ']);
      assert.deepEqual(v.complete('Current.md', `[[^^café soc${CURSOR}`).labels, ['Cafe\u0301 society']);
      assert.deepEqual(v.complete('Current.md', `[[^^\u0338 overlay${CURSOR}`).labels, ['\u0338 overlay']);
      assert.deepEqual(v.complete('Current.md', `[[^^here nothing${CURSOR}`).labels, ['Nothing here']);
    });

    it('does not offer the block being typed', () => {
      const v = vault();
      const c = v.complete('Current.md', `zebra words [[^^zebra${CURSOR}`);
      assert.deepEqual(c.labels, []);
    });
  });

  describe('blockIdInsertEdit and freshBlockId (R4.8)', () => {
    it('appends the id to a paragraph last line, replacing trailing blanks', () => {
      const text = 'First line\nsecond line  \n\nNext';
      const e = blockIdInsertEdit(text, { idLine: 1, kind: 'paragraph' }, 'abc123');
      assert.deepEqual(e.range, { start: { line: 1, character: 11 }, end: { line: 1, character: 13 } });
      assert.equal(applyEdits(text, [e]), 'First line\nsecond line ^abc123\n\nNext');
    });

    it('appends to a list item line, but puts a whole list id on its own line', () => {
      const text = '- one\n- two\nAfter';
      assert.equal(applyEdits(text, [blockIdInsertEdit(text, { idLine: 0, kind: 'list-item' }, 'aaaaaa')]), '- one ^aaaaaa\n- two\nAfter');
      assert.equal(applyEdits(text, [blockIdInsertEdit(text, { idLine: 1, kind: 'list' }, 'bbbbbb')]), '- one\n- two\n\n^bbbbbb\n\nAfter');
      const end = '- one\n- two';
      assert.equal(applyEdits(end, [blockIdInsertEdit(end, { idLine: 1, kind: 'list' }, 'cccccc')]), '- one\n- two\n\n^cccccc');
    });

    it('puts quote and table ids on their own line after a blank line', () => {
      const quote = '> quoted\n> text\n\nafter';
      assert.equal(applyEdits(quote, [blockIdInsertEdit(quote, { idLine: 1, kind: 'quote' }, 'q12345')]), '> quoted\n> text\n\n^q12345\n\nafter');
      const table = '| a | b |\n|---|---|\n| 1 | 2 |';
      const e = blockIdInsertEdit(table, { idLine: 2, kind: 'table' }, 't12345');
      assert.equal(e.newText, '\n\n^t12345');
      const crlf = '> q\r\nnext';
      assert.equal(blockIdInsertEdit(crlf, { idLine: 0, kind: 'quote' }, 'c12345').newText, '\r\n\r\n^c12345\r\n');
      // Never after a closing fence, which would stop being one.
      const code = '```\nx\n```';
      assert.equal(blockIdInsertEdit(code, { idLine: 2, kind: 'code' }, 'f12345').newText, '\n\n^f12345');
    });

    it('refuses stale or conflicting addBlockId requests', () => {
      const text = 'para ^used\n\nother';
      assert.equal(addBlockIdEdit(text, { path: 'x.md', line: 2, id: 'used' }), undefined);
      assert.equal(addBlockIdEdit(text, { path: 'x.md', line: 2, id: 'new1', lineText: 'changed' }), undefined);
      assert.equal(addBlockIdEdit(text, { path: 'x.md', line: 9, id: 'new1' }), undefined);
      assert.equal(addBlockIdEdit(text, { path: 'x.md', line: 2, id: 'bad id' }), undefined);
      assert.equal(addBlockIdEdit(text, { path: 'x.md', line: 2, id: 'new1', lineText: 'other' })!.newText, ' ^new1');
    });

    it('generates 6-digit lower-case hex ids not in use', () => {
      const a = freshBlockId(new Set(), 42);
      assert.match(a, /^[0-9a-f]{6}$/);
      assert.equal(freshBlockId(new Set(), 42), a, 'reproducible with a seed');
      const b = freshBlockId(new Set([a.toUpperCase()]), 42);
      assert.notEqual(b, a);
      assert.match(b, /^[0-9a-f]{6}$/);
      assert.match(freshBlockId(new Set()), /^[0-9a-f]{6}$/);
    });
  });

  describe('markdown links', () => {
    it('offers percent-encoded paths with extensions and closes the link', () => {
      const v = vault();
      let c = v.complete('Current.md', `[see](My${CURSOR}`);
      const item = c.item('My Note.md');
      assert.equal(edit(item).newText, 'My%20Note.md)');
      assert.equal(item.filterText, 'My%20Note.md');
      assert.deepEqual(edit(item).range, { start: { line: 0, character: 6 }, end: { line: 0, character: 8 } });
      c = v.complete('Current.md', `![](diag${CURSOR})`);
      assert.equal(c.accept('diagram one.png'), '![](diagram%20one.png)');
      c = v.complete('Current.md', `[x](My%20N${CURSOR}) rest`);
      assert.equal(c.accept('My Note.md'), '[x](My%20Note.md) rest');
      c = v.complete('Current.md', `[x](<My N${CURSOR}>)`);
      assert.equal(c.accept('My Note.md'), '[x](<My Note.md>)');
      // A title after the destination keeps the link closed; text after a blank does not.
      c = v.complete('Current.md', `[x](Gi${CURSOR} "t")`);
      assert.equal(c.accept('Github.md'), '[x](Github.md "t")');
      c = v.complete('Current.md', `[x](Gi${CURSOR} and more`);
      assert.equal(c.accept('Github.md'), '[x](Github.md) and more');
      // Shortest paths keep their folder when the name is shared.
      c = v.complete('Current.md', `[x](Topic${CURSOR}`);
      assert.deepEqual(c.list.items.map((i) => edit(i).newText).sort(), ['a/Topic.md)', 'b/Topic.md)']);
    });

    it('offers headings after # as encoded fragments', () => {
      const v = vault();
      const c = v.complete('Current.md', `[x](My%20Note.md#${CURSOR})`);
      assert.equal(c.accept('My Heading: with colon'), '[x](My%20Note.md#My%20Heading%20with%20colon)');
      const self = v.complete('Current.md', `# A b\n[x](#${CURSOR}`);
      assert.equal(self.accept('A b'), '# A b\n[x](#A%20b)');
    });

    it('offers nothing for external destinations', () => {
      const v = vault();
      assert.deepEqual(v.complete('Current.md', `[x](https://gi${CURSOR})`).labels, []);
    });

    it('encodes only what a destination needs', () => {
      assert.equal(encodeMarkdownPath('a b/We!rd (x) [y].md'), 'a%20b/We!rd%20(x)%20[y].md');
      assert.equal(encodeMarkdownPath('odd (x.md'), 'odd%20%28x.md');
      assert.equal(encodeMarkdownPath('50% #1.md'), '50%25%20%231.md');
    });
  });

  describe('tags', () => {
    it('offers vault tags after # with their first spelling', () => {
      const v = vault();
      const c = v.complete('Current.md', `Some #pro${CURSOR} text`);
      assert.deepEqual(c.labels, ['#project', '#project/alpha', '#Project/Beta']);
      const e = edit(c.item('#project/alpha'));
      assert.deepEqual(e.range, { start: { line: 0, character: 6 }, end: { line: 0, character: 9 } });
      assert.equal(c.accept('#project/alpha'), 'Some #project/alpha text');
      assert.equal(c.item('#project').filterText, 'project');
    });

    it('replaces the whole tag under the cursor and does not offer the tag being typed', () => {
      const v = vault();
      const c = v.complete('Current.md', `#te${CURSOR}ch2`);
      assert.deepEqual(c.labels, ['#tech']);
      assert.equal(c.accept('#tech'), '#tech');
      assert.deepEqual(v.complete('Current.md', `#zzz${CURSOR}`).labels, []);
    });

    it('stays quiet at the start of a heading line and inside words', () => {
      const v = vault();
      assert.deepEqual(v.complete('Current.md', `#${CURSOR}`).labels, []);
      assert.deepEqual(v.complete('Current.md', `## ${CURSOR}`).labels, []);
      assert.deepEqual(v.complete('Current.md', `a#pro${CURSOR}`).labels, []);
      assert.ok(v.complete('Current.md', `## Heading #pro${CURSOR}`).labels.includes('#project'));
    });
  });

  describe('frontmatter', () => {
    it('offers keys at the start of a line, known keys first, without keys already present', () => {
      const v = vault();
      const c = v.complete('Current.md', `---\ntitle: X\n${CURSOR}\n---\n`);
      assert.deepEqual(c.labels.slice(0, 5), ['aliases', 'tags', 'visibility', 'acronym', 'cssclasses']);
      assert.ok(c.labels.includes('status'), 'keys seen in the vault');
      assert.ok(!c.labels.includes('title'));
      assert.equal(c.accept('visibility'), '---\ntitle: X\nvisibility: \n---\n');
      const typed = v.complete('Current.md', `---\nvis${CURSOR}\n---\n`);
      assert.deepEqual(typed.labels, ['visibility']);
    });

    it('offers public and private for visibility', () => {
      const v = vault();
      const c = v.complete('Current.md', `---\nvisibility: ${CURSOR}\n---\n`);
      assert.deepEqual(c.labels, ['public', 'private']);
      assert.equal(c.accept('private'), '---\nvisibility: private\n---\n');
      const p = v.complete('Current.md', `---\nvisibility: pu${CURSOR}blic\n---\n`);
      assert.deepEqual(p.labels, ['public']);
      assert.equal(p.accept('public'), '---\nvisibility: public\n---\n');
    });

    it('offers vault tags in inline and block lists, without those already listed', () => {
      const v = vault();
      let c = v.complete('Current.md', `---\ntags: [ospo, ${CURSOR}]\n---\n`);
      assert.ok(c.labels.includes('security'));
      assert.ok(!c.labels.includes('ospo'));
      assert.equal(c.accept('security'), '---\ntags: [ospo, security]\n---\n');
      c = v.complete('Current.md', `---\ntags:\n  - ospo\n  - sec${CURSOR}\n---\n`);
      assert.deepEqual(c.labels, ['security']);
      assert.equal(c.accept('security'), '---\ntags:\n  - ospo\n  - security\n---\n');
    });

    it('offers existing aliases after aliases:', () => {
      const v = vault();
      const c = v.complete('Current.md', `---\naliases:\n  - ${CURSOR}\n---\n`);
      assert.ok(c.labels.includes('AI'));
      assert.ok(c.labels.includes('GH'));
    });

    it('completes quoted links in property values (R7.5)', () => {
      const v = vault();
      const c = v.complete('Current.md', `---\nrelated: "[[Gith${CURSOR}"\n---\n`);
      assert.equal(edit(c.item('Github')).newText, 'Github]]');
    });
  });

  describe('no completion in code, math or comments', () => {
    const cases: Array<[string, string]> = [
      ['fenced code', '```\n[[Gi‸\n```'],
      ['unclosed fence', '~~~~\ntext\n[[Gi‸'],
      ['inline code', 'a `[[Gi‸` b'],
      ['inline code with tags', 'a `#pro‸` b'],
      ['inline math', '$x [[Gi‸ y$'],
      ['block math', '$$\n[[Gi‸\n$$'],
      ['inline comment', 'a %%[[Gi‸%% b'],
      ['block comment', '%%\n#pro‸\n%%'],
      ['indented code', '## H\n\n    code [[Gi‸\n    more\n'],
      ['markdown link in code', '```\n[x](My‸\n```'],
    ];
    for (const [name, text] of cases) {
      it(name, () => {
        const v = vault();
        assert.deepEqual(v.complete('Current.md', text).labels, []);
      });
    }

    it('does not let a stray $$ hide the rest of the note', () => {
      const v = vault();
      assert.ok(v.complete('Current.md', 'it costs $$ here\n\n[[Gith‸').labels.includes('Github'));
    });

    it('completes again after code closes', () => {
      const v = vault();
      assert.ok(v.complete('Current.md', '```\ncode\n```\n`x` [[Gith‸').labels.includes('Github'));
      assert.ok(v.complete('Current.md', '%% hidden %% [[Gith‸').labels.includes('Github'));
    });
  });

  describe('matchTier', () => {
    it('ranks exact, prefix, word prefix, word-start fuzzy, weak fuzzy', () => {
      assert.equal(matchTier('git', 'git', 'git'), 5);
      assert.equal(matchTier('git', 'github', 'Github'), 4);
      assert.equal(matchTier('hub', 'git hub', 'Git Hub'), 3);
      assert.equal(matchTier('hub', 'githubcli', 'GitHubCli'), 3, 'camel-case humps start words');
      assert.equal(matchTier('gh', 'github', 'Github'), 2);
      assert.equal(matchTier('hub', 'github', 'Github'), -1);
      assert.equal(matchTier('hub', 'github', 'Github', false), 1);
      assert.equal(matchTier('', 'x', 'x'), 0);
      assert.equal(matchTier('xyz', 'github', 'Github', false), -1);
    });
  });

  it('stays fast on a large vault', function () {
    this.timeout(60000);
    const notes: Array<[string, string]> = [['Current.md', '']];
    for (let i = 0; i < 20000; i++) notes.push([`f${i % 50}/Note ${i}.md`, i % 10 === 0 ? `---\naliases: [Alias ${i}]\n---\n` : '']);
    const v = new MemoryVault(notes);
    v.complete('Current.md', `[[Note 1${CURSOR}`); // builds the cache
    const t0 = process.hrtime.bigint();
    const runs = 10;
    for (let i = 0; i < runs; i++) {
      const c = v.complete('Current.md', `[[Note 1${'2345'.slice(0, i % 4)}${CURSOR}`);
      assert.ok(c.list.items.length > 0);
    }
    const ms = Number(process.hrtime.bigint() - t0) / 1e6 / runs;
    // Includes re-parsing the edited note and the incremental cache refresh after each edit.
    assert.ok(ms < 100, `${ms.toFixed(1)} ms per completion`);
  });
});
