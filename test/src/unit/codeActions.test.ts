import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  type FeatureContext,
  type NewNoteOptions,
  noteDiagnostics,
  parseNote,
  provideFixAll,
  provideQuickFixes,
  provideRefactorings,
  type QuickFix,
  effectiveVaultSettings,
  FileLookup,
  freeNewNotePath,
  loadFrontmatterSchema,
  noteNameFromText,
  parseObsidianConfig,
  readOwnVaultSettings,
  type Range,
  VaultIndex,
} from '@ospo-notes/engine';
import type { TextEdit } from 'vscode-languageserver-types';

function setup(notes: Record<string, string>): FeatureContext {
  const index = new VaultIndex();
  index.load(Object.entries(notes).map(([p, t]) => parseNote(p, t)), []);
  return { index, getText: (p) => notes[p] };
}

/** The note's text after applying the fix with this title to it. */
function apply(ctx: FeatureContext, path: string, title: string): string {
  const fixes = provideQuickFixes(ctx, path, noteDiagnostics(ctx.index, path));
  const fix = fixes.find((f) => f.title === title);
  assert.ok(fix, `no fix ${JSON.stringify(title)} among ${JSON.stringify(fixes.map((f) => f.title))}`);
  const lines = ctx.getText(path)!.split('\n');
  for (const e of [...fix.edits].reverse()) {
    const line = lines[e.range.start.line];
    assert.equal(e.range.start.line, e.range.end.line);
    lines[e.range.start.line] = line.slice(0, e.range.start.character) + e.newText + line.slice(e.range.end.character);
  }
  return lines.join('\n');
}

describe('quick fixes for the engine\'s diagnostics', () => {
  const vault = {
    'tech/Artificial Intelligence.md': '---\naliases: [AI]\n---\n# Artificial Intelligence\n## History\n',
    'people/Github.md': '# Github\n',
    'x/Topic.md': '',
    'y/Topic.md': '',
  };

  it('writes a link to an alias as [[File|Alias]], keeping the embed mark and the heading (R3.7)', () => {
    const ctx = setup({ ...vault, 'a.md': 'See [[AI]] and ![[AI#History]] and [[AI|the field]].' });
    const fixed = apply(ctx, 'a.md', "Link to 'Artificial Intelligence' with 'AI' as its text");
    assert.equal(fixed, 'See [[Artificial Intelligence|AI]] and ![[AI#History]] and [[AI|the field]].');
    const fixes = provideQuickFixes(ctx, 'a.md', noteDiagnostics(ctx.index, 'a.md'));
    assert.deepEqual(fixes.map((f) => f.edits[0].newText), ['[[Artificial Intelligence|AI]]', '![[Artificial Intelligence#History|AI]]', '[[Artificial Intelligence|the field]]']);
  });

  it('changes a misspelt name to a suggested note, by its shortest unambiguous path', () => {
    const ctx = setup({ ...vault, 'a.md': 'See [[Gihub]] and [[Topc]].' });
    assert.equal(apply(ctx, 'a.md', "Change to 'Github'"), 'See [[Github]] and [[Topc]].');
    const titles = provideQuickFixes(ctx, 'a.md', noteDiagnostics(ctx.index, 'a.md')).map((f) => f.title);
    assert.deepEqual(titles, ["Change to 'Github'", "Create note 'Gihub.md'", "Change to 'x/Topic'", "Change to 'y/Topic'", "Create note 'Topc.md'"]);
    const preferred = provideQuickFixes(ctx, 'a.md', noteDiagnostics(ctx.index, 'a.md')).filter((f) => f.isPreferred).map((f) => f.title);
    assert.deepEqual(preferred, ["Change to 'Github'"], 'one near name is applied without asking; of two, neither');
  });

  it('changes a markdown link to a suggested file, percent-encoded', () => {
    const ctx = setup({ ...vault, 'a.md': 'See [ai](Artificial%20Inteligence.md).' });
    assert.equal(apply(ctx, 'a.md', "Change to 'Artificial%20Intelligence.md'"), 'See [ai](Artificial%20Intelligence.md).');
  });

  it("adds the https:// a web address lacks (R6.5), the user's note's real problem", () => {
    const ctx = setup({ 'OSPO.md': '- [github-ospo](github.com/github/github-ospo): Helping' });
    assert.equal(apply(ctx, 'OSPO.md', "Add 'https://'"), '- [github-ospo](https://github.com/github/github-ospo): Helping');
  });

  it('offers nothing for diagnostics without a fix', () => {
    const ctx = setup({ 'a.md': '![[nothing.png]] [[]] [x](../../out.md)' });
    assert.deepEqual(provideQuickFixes(ctx, 'a.md', noteDiagnostics(ctx.index, 'a.md')), []);
  });
});

/** `text` with `edits` applied, as an editor applies them (all at once, on the original positions). */
function applyEdits(text: string, edits: readonly TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x.md', 'markdown', 1, text), [...edits]);
}

/** A vault of `notes` with `path`'s text replaced by `text` (and an extra created note), re-indexed. */
function reindexed(notes: Record<string, string>, changes: Record<string, string>): FeatureContext {
  return setup({ ...notes, ...changes });
}

/** The vault's `.obsidian/app.json` (as an object) and our own `ospoNotes` settings. */
interface Settings {
  app?: Record<string, unknown>;
  own?: Record<string, unknown>;
}

/** `ctx` with the vault's effective settings made of these. */
function withSettings(ctx: FeatureContext, s: Settings): FeatureContext {
  const settings = effectiveVaultSettings(parseObsidianConfig(s.app ? JSON.stringify(s.app) : undefined, undefined).settings, readOwnVaultSettings(s.own));
  return { ...ctx, settings: () => settings };
}

function fixesOf(ctx: FeatureContext, path: string, options: NewNoteOptions = {}): QuickFix[] {
  return provideQuickFixes(ctx, path, noteDiagnostics(ctx.index, path), options);
}

function fixNamed(ctx: FeatureContext, path: string, title: string, options: NewNoteOptions = {}): QuickFix {
  const fixes = fixesOf(ctx, path, options);
  const fix = fixes.find((f) => f.title === title);
  assert.ok(fix, `no fix ${JSON.stringify(title)} among ${JSON.stringify(fixes.map((f) => f.title))}`);
  return fix;
}

function codes(ctx: FeatureContext, path: string): string[] {
  return noteDiagnostics(ctx.index, path).map((d) => d.code);
}

describe('repair quick fixes', () => {
  const GUIDE = '# Guide\n\n## Getting started\n\nFirst steps. ^start1\n\n## Installation: the details\n\n## Usage\n\nUse it. ^usage9\n\n## Get help\n\n## Getting older\n\n## Gardening\n\n## Geese\n\n## What\'s new\n';
  const base: Record<string, string> = {
    'docs/Guide.md': GUIDE,
    'tech/OpenSource.md': '---\ntitle: Open Source\n---\n# Open Source\n## History\n',
    'x/Topic.md': '# X topic\n',
    'y/Topic.md': '# Y topic\n',
  };

  it('writes a title used as a link as [[File|Title]], keeping embed mark, subpath and display text (regression)', () => {
    // The diagnostic's own message recommends [[OpenSource|Open Source]]; the fix used to write [[OpenSource]].
    const text = 'See [[Open Source]], ![[Open Source#History|the history]] and [[Open Source#History]].';
    const ctx = setup({ ...base, 'a.md': text });
    const d = noteDiagnostics(ctx.index, 'a.md')[0];
    assert.match(d.message, /did you mean \[\[OpenSource\|Open Source\]\]\?/);
    const fixes = fixesOf(ctx, 'a.md').filter((f) => f.isPreferred);
    assert.deepEqual(fixes.map((f) => f.title), Array(3).fill("Link to 'OpenSource' with 'Open Source' as its text"));
    const fixed = applyEdits(text, fixes.flatMap((f) => f.edits));
    assert.equal(fixed, 'See [[OpenSource|Open Source]], ![[OpenSource#History|the history]] and [[OpenSource#History|Open Source]].');
    assert.deepEqual(codes(reindexed(base, { 'a.md': fixed }), 'a.md'), [], 'every link now resolves');
  });

  it('writes the alias separator of a title link in a table row as \\|, and keeps a markdown link markdown', () => {
    const text = '| who | link |\n| --- | --- |\n| a | [[Open Source]] |\n\nAnd [the movement](Open%20Source.md).\n';
    const ctx = setup({ ...base, 'a.md': text });
    const fixes = fixesOf(ctx, 'a.md').filter((f) => f.isPreferred);
    assert.deepEqual(fixes.map((f) => f.title), ["Link to 'OpenSource' with 'Open Source' as its text", "Change to 'OpenSource.md'"]);
    const fixed = applyEdits(text, fixes.flatMap((f) => f.edits));
    assert.equal(fixed, '| who | link |\n| --- | --- |\n| a | [[OpenSource\\|Open Source]] |\n\nAnd [the movement](OpenSource.md).\n');
    const after = reindexed(base, { 'a.md': fixed });
    assert.deepEqual(codes(after, 'a.md'), []);
    assert.equal(after.index.note('a.md')!.links.find((l) => l.syntax === 'wiki')!.display, 'Open Source', 'the row is not split');
  });

  it('creates the missing note in the folder for new notes, from the template, never over a file', () => {
    const ctx = setup({ ...base, 'notes/today.md': 'See [[New idea]] and [[projects/Plan]].' });
    const create = (settings: Settings, title = "Create note 'New idea.md'", options: NewNoteOptions = {}) => fixNamed(withSettings(ctx, settings), 'notes/today.md', title, options);
    const root = create({});
    assert.deepEqual(root.edits, [], 'the linking note is not changed: the link already names the new note');
    assert.deepEqual(root.create, { path: 'New idea.md', text: '---\ntitle: New idea\nvisibility: private\n---\n\n# New idea\n' });
    assert.equal(root.isPreferred, undefined, 'creating a note is never applied without asking');
    assert.equal(create({ own: { newNoteFolder: 'inbox' } }, "Create note 'inbox/New idea.md'").create!.path, 'inbox/New idea.md');
    assert.equal(create({ app: { newFileLocation: 'current' } }, "Create note 'notes/New idea.md'").create!.path, 'notes/New idea.md', 'Obsidian’s: the linking note’s folder');
    assert.equal(create({ app: { newFileLocation: 'folder', newFileFolderPath: 'Inbox/2024' } }, "Create note 'Inbox/2024/New idea.md'").create!.path, 'Inbox/2024/New idea.md');
    assert.equal(create({ own: { newNoteFolder: '/' }, app: { newFileLocation: 'current' } }).create!.path, 'New idea.md', 'our own setting wins over Obsidian’s');
    assert.equal(create({}, undefined, { newNoteTemplate: '# {{title}}\n\nStarted from a link.\n' }).create!.text, '# New idea\n\nStarted from a link.\n');
    // Without a template of ours, the vault's frontmatter schema gives it (its properties with a default).
    const schema = loadFrontmatterSchema(JSON.stringify({ properties: { status: { enum: ['draft', 'done'], default: 'draft' } } })).schema;
    assert.equal(
      fixNamed({ ...ctx, frontmatterSchema: () => schema }, 'notes/today.md', "Create note 'New idea.md'", { newNoteTemplate: '' }).create!.text,
      '---\ntitle: New idea\nvisibility: private\nstatus: draft\n---\n\n# New idea\n',
    );
    // A link with a folder names the note's path whatever the folder for new notes.
    assert.equal(create({ own: { newNoteFolder: 'inbox' } }, "Create note 'projects/Plan.md'").create!.path, 'projects/Plan.md');
    // Created, the note is what the link resolves to.
    assert.deepEqual(codes(reindexed(base, { 'notes/today.md': 'See [[New idea]].', 'inbox/New idea.md': '' }), 'notes/today.md'), []);
  });

  it('offers no note, and no extraction, into a folder the vault ignores', () => {
    const ctx = withSettings(setup({ 'a.md': 'See [[Idea]].\nText to move\n' }), { own: { newNoteFolder: 'archive' } });
    const isMember = (p: string): boolean => !p.startsWith('archive/');
    assert.deepEqual(fixesOf(ctx, 'a.md', { isMember }).filter((f) => f.create), []);
    assert.equal(fixesOf(ctx, 'a.md').filter((f) => f.create).length, 1, 'offered where the folder is a member');
    assert.deepEqual(provideRefactorings(ctx, 'a.md', { start: { line: 1, character: 0 }, end: { line: 1, character: 12 } }, { isMember }), []);
  });

  it('offers no note for an attachment, a name no file can have, or a path outside the vault', () => {
    const ctx = setup({ 'a/b.md': '![[pic.png]] [[What: now?]] [x](../../up.md) [[../../Up]]' });
    assert.deepEqual(fixesOf(ctx, 'a/b.md').filter((f) => f.create), []);
  });

  it('picks an existing heading for a missing one, closest first, a few at most', () => {
    const text = 'Read [[Guide#Geting started]] and [[Guide#Instalation the details|how]].';
    const ctx = setup({ ...base, 'a.md': text });
    const fixes = fixesOf(ctx, 'a.md');
    const first = fixes.filter((f) => f.diagnostic === 0).map((f) => f.title);
    assert.equal(first.length, 5, 'five choices of the nine headings');
    assert.deepEqual(first.slice(0, 2), ["Link to heading 'Getting started'", "Link to heading 'Getting older'"]);
    assert.ok(fixes.every((f) => !f.isPreferred), 'a guess is never applied without asking');
    const fixed = applyEdits(text, [fixes[0].edits[0], fixes.find((f) => f.diagnostic === 1)!.edits[0]]);
    // A heading with `:` is written as Obsidian writes it into a link (R4.3).
    assert.equal(fixed, 'Read [[Guide#Getting started]] and [[Guide#Installation the details|how]].');
    assert.deepEqual(codes(reindexed(base, { 'a.md': fixed }), 'a.md'), []);
  });

  it('picks an existing block id for a missing one, closest first', () => {
    const text = 'See [[Guide#^usage0]] and [g](docs/Guide.md#^strat1).';
    const ctx = setup({ ...base, 'a.md': text });
    const fixes = fixesOf(ctx, 'a.md');
    assert.deepEqual(fixes.map((f) => f.title), ["Link to block '^usage9'", "Link to block '^start1'", "Link to block '^start1'", "Link to block '^usage9'"]);
    const fixed = applyEdits(text, [fixes[0].edits[0], fixes[2].edits[0]]);
    assert.equal(fixed, 'See [[Guide#^usage9]] and [g](docs/Guide.md#^start1).');
    assert.deepEqual(codes(reindexed(base, { 'a.md': fixed }), 'a.md'), []);
  });

  it('qualifies an ambiguous link with each candidate, by its shortest unambiguous path', () => {
    const text = 'About [[Topic]] and [t](Topic.md#X topic).';
    const ctx = setup({ ...base, 'a.md': text.replace('#X topic', '') });
    const fixes = fixesOf(ctx, 'a.md');
    assert.deepEqual(fixes.map((f) => f.title), ["Qualify as 'x/Topic'", "Qualify as 'y/Topic'", "Qualify as 'x/Topic.md'", "Qualify as 'y/Topic.md'"]);
    const fixed = applyEdits(text.replace('#X topic', ''), [fixes[1].edits[0], fixes[2].edits[0]]);
    assert.equal(fixed, 'About [[y/Topic]] and [t](x/Topic.md).');
    const after = reindexed(base, { 'a.md': fixed });
    assert.deepEqual(codes(after, 'a.md'), []);
    assert.deepEqual(after.index.linkTargets('a.md').map((t) => t.target), ['y/Topic.md', 'x/Topic.md']);
  });

  it('gives a duplicate block id a fresh one', () => {
    const text = 'One. ^dup\n\nTwo. ^DUP\n\nThree. ^other\n';
    const ctx = setup({ 'a.md': text });
    const [fix] = fixesOf(ctx, 'a.md');
    assert.match(fix.title, /^Change the block id to '\^[0-9a-f]{6}'$/);
    assert.equal(fix.isPreferred, true);
    assert.deepEqual(fix.edits[0].range, { start: { line: 2, character: 5 }, end: { line: 2, character: 9 } });
    const fixed = applyEdits(text, fix.edits);
    assert.match(fixed, /^One\. \^dup\n\nTwo\. \^[0-9a-f]{6}\n\nThree\. \^other\n$/);
    assert.deepEqual(codes(setup({ 'a.md': fixed }), 'a.md'), []);
  });

  it('gives each of many duplicate ids fixed together its own fresh id', () => {
    const text = Array.from({ length: 50 }, (_, i) => `Block ${i}. ^same`).join('\n\n');
    const all = provideFixAll(setup({ 'a.md': text }), 'a.md')!;
    assert.equal(all.edits.length, 49);
    const fixed = applyEdits(text, all.edits);
    assert.deepEqual(codes(setup({ 'a.md': fixed }), 'a.md'), []);
    assert.equal(new Set(fixed.match(/\^\w+/g)).size, 50);
  });

  it('writes a GitHub-slug fragment as the heading’s real text, encoded', () => {
    const text = 'See [news](docs/Guide.md#whats-new).';
    const ctx = setup({ ...base, 'a.md': text });
    assert.deepEqual(codes(ctx, 'a.md'), ['heading-slug-fragment']);
    const fix = fixNamed(ctx, 'a.md', "Write the heading as 'What\'s new'");
    assert.equal(fix.isPreferred, true);
    const fixed = applyEdits(text, fix.edits);
    assert.equal(fixed, "See [news](docs/Guide.md#What's%20new).");
    const after = reindexed(base, { 'a.md': fixed });
    assert.deepEqual(codes(after, 'a.md'), []);
    assert.equal(after.index.linkTargets('a.md')[0].headingTier, 'exact');
  });

  it('fixes all unambiguous problems of a note in one edit, and leaves the ones that need a choice', () => {
    const text = [
      'Title: [[Open Source]].',
      'Web: [ospo](github.com/github/github-ospo).',
      'Slug: [s](docs/Guide.md#whats-new).',
      'Typo: [[Guid]]. Choice: [[Topc]]. Ambiguous: [[Topic]].',
      'One. ^dup',
      '',
      'Two. ^dup',
    ].join('\n');
    const ctx = setup({ ...base, 'a.md': text });
    const all = provideFixAll(ctx, 'a.md');
    assert.ok(all);
    assert.equal(all.kind, 'source.fixAll');
    assert.equal(all.title, 'Fix all auto-fixable problems (5)');
    const fixed = applyEdits(text, all.edits);
    const lines = fixed.split('\n');
    assert.deepEqual(lines.slice(0, 4), [
      'Title: [[OpenSource|Open Source]].',
      'Web: [ospo](https://github.com/github/github-ospo).',
      "Slug: [s](docs/Guide.md#What's%20new).",
      'Typo: [[Guide]]. Choice: [[Topc]]. Ambiguous: [[Topic]].',
    ]);
    assert.match(lines[6], /^Two\. \^[0-9a-f]{6}$/);
    assert.deepEqual(codes(reindexed(base, { 'a.md': fixed }), 'a.md').sort(), ['ambiguous-link', 'unresolved-link']);
    assert.equal(provideFixAll(reindexed(base, { 'a.md': fixed }), 'a.md'), undefined, 'nothing left to fix without asking');
  });
});

describe('refactorings', () => {
  const base: Record<string, string> = {
    'docs/Guide.md': '# Guide\n\n## Usage\n\nUse it. ^usage9\n',
    'img/pic one.png': '',
    'x/Topic.md': '',
    'y/Topic.md': '',
  };
  const ctxWith = (notes: Record<string, string>): FeatureContext => {
    const index = new VaultIndex();
    const all = { ...base, ...notes };
    index.load(Object.entries(all).filter(([p]) => p.endsWith('.md')).map(([p, t]) => parseNote(p, t)), Object.keys(all).filter((p) => !p.endsWith('.md')));
    return { index, getText: (p) => all[p] };
  };
  const at = (line: number, character: number): Range => ({ start: { line, character }, end: { line, character } });

  function convert(text: string, character: number, title: string): string {
    const ctx = ctxWith({ 'a.md': text });
    const actions = provideRefactorings(ctx, 'a.md', at(0, character));
    const action = actions.find((a) => a.title === title);
    assert.ok(action, `no ${title} among ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.equal(action.kind, 'refactor.rewrite');
    return applyEdits(text, action.edits);
  }

  it('converts a wiki-link to a markdown link and back, keeping subpath, display text and embed mark', () => {
    const cases: Array<[string, string]> = [
      ['[[Guide]]', '[Guide](Guide.md)'],
      ['[[Guide#Usage|how to]]', '[how to](Guide.md#Usage)'],
      ['[[Guide#^usage9]]', '[Guide](Guide.md#^usage9)'],
      ['![[pic one.png]]', '![](pic%20one.png)'],
      ['[[x/Topic]]', '[x/Topic](x/Topic.md)'],
    ];
    for (const [wiki, markdown] of cases) {
      const converted = convert(`See ${wiki} now.`, 6, 'Convert to markdown link');
      assert.equal(converted, `See ${markdown} now.`, wiki);
      const before = ctxWith({ 'a.md': `See ${wiki} now.` }).index.linkTargets('a.md')[0];
      const after = ctxWith({ 'a.md': converted }).index.linkTargets('a.md')[0];
      assert.deepEqual([after.status, after.target, after.heading?.text, after.block?.id], [before.status, before.target, before.heading?.text, before.block?.id], `${wiki}: same target`);
    }
    assert.equal(convert('See [how to](Guide.md#Usage) now.', 6, 'Convert to wiki-link'), 'See [[Guide#Usage|how to]] now.');
    assert.equal(convert('See [Guide](Guide.md) now.', 6, 'Convert to wiki-link'), 'See [[Guide]] now.', 'display text equal to the name is dropped');
    assert.equal(convert('See ![](pic%20one.png) now.', 6, 'Convert to wiki-link'), 'See ![[pic one.png]] now.');
    // The path form is kept: a full vault path stays one.
    assert.equal(convert('See [how to](docs/Guide.md#Usage) now.', 6, 'Convert to wiki-link'), 'See [[docs/Guide#Usage|how to]] now.');
    assert.equal(convert('See ![](img/pic%20one.png) now.', 6, 'Convert to wiki-link'), 'See ![[img/pic one.png]] now.');
    // In a table row the alias separator is `\|` (R2.4), so that the row is not split.
    const table = '| h | i |\n| - | - |\n| a | [how to](Guide.md#Usage) |\n';
    const [inRow] = provideRefactorings(ctxWith({ 'a.md': table }), 'a.md', at(2, 8));
    assert.equal(applyEdits(table, inRow.edits), '| h | i |\n| - | - |\n| a | [[Guide#Usage\\|how to]] |\n');
    const back = ctxWith({ 'a.md': applyEdits(table, inRow.edits) });
    assert.equal(back.index.linkTargets('a.md')[0].heading?.text, 'Usage');
    assert.equal(back.index.note('a.md')!.links[0].display, 'how to');
  });

  it('offers no conversion for web addresses, unresolved links, or outside a link', () => {
    const ctx = ctxWith({ 'a.md': '[w](https://example.org) [[Nowhere]] text' });
    for (const ch of [2, 28, 38]) assert.deepEqual(provideRefactorings(ctx, 'a.md', at(0, ch)), [], `at ${ch}`);
  });

  it('extracts the selection into a new note named from its first line, leaving a link or an embed', () => {
    const text = 'Intro\n\n## Meeting: notes 1/2\nWe decided X.\n\nOutro\n';
    const ctx = ctxWith({ 'notes/a.md': text });
    const range: Range = { start: { line: 2, character: 0 }, end: { line: 4, character: 0 } };
    const actions = provideRefactorings(withSettings(ctx, { own: { newNoteFolder: 'inbox' } }), 'notes/a.md', range);
    assert.deepEqual(actions.map((a) => [a.kind, a.title]), [
      ['refactor.extract', "Extract into new note 'inbox/Meeting notes 1 2.md'"],
      ['refactor.extract', "Extract into new note 'inbox/Meeting notes 1 2.md' and embed it"],
    ]);
    assert.deepEqual(actions[0].create, { path: 'inbox/Meeting notes 1 2.md', text: '## Meeting: notes 1/2\nWe decided X.\n' });
    assert.equal(applyEdits(text, actions[0].edits), 'Intro\n\n[[Meeting notes 1 2]]\n\nOutro\n');
    assert.equal(applyEdits(text, actions[1].edits), 'Intro\n\n![[Meeting notes 1 2]]\n\nOutro\n');
    // In a vault that writes relative markdown links (Obsidian's settings), the link left behind is one.
    const md = provideRefactorings(withSettings(ctx, { app: { useMarkdownLinks: true, newLinkFormat: 'relative', newFileLocation: 'folder', newFileFolderPath: 'inbox' } }), 'notes/a.md', range);
    assert.equal(applyEdits(text, md[0].edits), 'Intro\n\n[Meeting notes 1 2](../inbox/Meeting%20notes%201%202.md)\n\nOutro\n');
    assert.equal(applyEdits(text, md[1].edits), 'Intro\n\n![](../inbox/Meeting%20notes%201%202.md)\n\nOutro\n');
    // The link resolves to the new note.
    const after = ctxWith({ 'notes/a.md': applyEdits(text, actions[1].edits), 'inbox/Meeting notes 1 2.md': actions[1].create!.text });
    assert.equal(after.index.linkTargets('notes/a.md')[0].target, 'inbox/Meeting notes 1 2.md');
  });

  it('keeps CRLF line breaks, tabs and astral characters of the moved text and around it', () => {
    const text = 'Intro 😀\r\n\r\n\tNotes 😀 here\r\nmore\r\n\r\nOutro\r\n';
    const ctx = ctxWith({ 'a.md': text });
    const [link] = provideRefactorings(ctx, 'a.md', { start: { line: 2, character: 0 }, end: { line: 4, character: 0 } });
    assert.deepEqual(link.create, { path: 'Notes 😀 here.md', text: '\tNotes 😀 here\r\nmore\r\n' });
    assert.equal(applyEdits(text, link.edits), 'Intro 😀\r\n\r\n[[Notes 😀 here]]\r\n\r\nOutro\r\n');
    const [inLine] = provideRefactorings(ctx, 'a.md', { start: { line: 2, character: 1 }, end: { line: 2, character: 11 } });
    assert.deepEqual(inLine.create, { path: 'Notes 😀 h.md', text: 'Notes 😀 h\r\n' }, 'the note ends with a line break of the note’s kind');
    assert.equal(applyEdits(text, inLine.edits), 'Intro 😀\r\n\r\n\t[[Notes 😀 h]]ere\r\nmore\r\n\r\nOutro\r\n');
  });

  it('extracts into a free name, never over an existing note, and not from the frontmatter', () => {
    const text = '---\ntags: [x]\n---\nGuide text\n';
    const ctx = ctxWith({ 'a.md': text, 'Guide text.md': '', 'Guide text 1.md': '' });
    const [link] = provideRefactorings(ctx, 'a.md', { start: { line: 3, character: 0 }, end: { line: 3, character: 10 } });
    assert.equal(link.create!.path, 'Guide text 2.md');
    assert.equal(applyEdits(text, link.edits), '---\ntags: [x]\n---\n[[Guide text 2]]\n');
    assert.deepEqual(provideRefactorings(ctx, 'a.md', { start: { line: 1, character: 0 }, end: { line: 3, character: 4 } }), []);
    assert.deepEqual(provideRefactorings(ctx, 'a.md', { start: { line: 3, character: 10 }, end: { line: 3, character: 10 } }), [], 'no selection');
  });

  it('offers no extraction for a range no document has (a negative line, a fractional character)', () => {
    const text = 'Guide text\nmore\n';
    const ctx = ctxWith({ 'a.md': text });
    // A client may send these; an edit at line -1 would be refused by the edit builder as an internal error.
    assert.deepEqual(provideRefactorings(ctx, 'a.md', { start: { line: -1, character: 0 }, end: { line: 1, character: 0 } }), []);
    assert.deepEqual(provideRefactorings(ctx, 'a.md', { start: { line: 0, character: -3 }, end: { line: 1, character: 0 } }), []);
    assert.deepEqual(provideRefactorings(ctx, 'a.md', { start: { line: 0, character: 0.5 }, end: { line: 1, character: 0 } }), []);
    assert.equal(provideRefactorings(ctx, 'a.md', { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }).length, 2, 'a real selection still extracts');
  });
});

describe('extracting keeps every link working', () => {
  const A = [
    '# A', //                                                   0
    '',
    'See [[#Plan]] and [[#Intro]] and [o](../other/Other.md).', // 2
    '',
    '## Plan', //                                               4
    '',
    'Step one [[#Plan]]. Up: [[#Intro]]. [o](../other/Other.md) ^step', // 6
    '',
    '## Intro', //                                              8
    '',
  ].join('\n');
  const notes: Record<string, string> = {
    'notes/A.md': A,
    'other/Other.md': '# Other\n',
    'B.md': 'Links: [[A#Plan]], [[A#^step]], [p](notes/A.md#Plan), [[A#Intro]].\n',
  };

  function ctxOf(all: Record<string, string>): FeatureContext {
    return setup(all);
  }

  it('rewrites links inside the moved text, to what moved, and from other notes', () => {
    const ctx = ctxOf(notes);
    const range: Range = { start: { line: 4, character: 0 }, end: { line: 8, character: 0 } };
    const [extract] = provideRefactorings(withSettings(ctx, { own: { newNoteFolder: 'inbox' } }), 'notes/A.md', range);
    assert.equal(extract.create!.path, 'inbox/Plan.md');
    assert.equal(extract.create!.text, '## Plan\n\nStep one [[#Plan]]. Up: [[A#Intro]]. [o](../other/Other.md) ^step\n\n');
    const a = applyEdits(A, extract.edits);
    assert.equal(a.split('\n')[2], 'See [[Plan#Plan]] and [[#Intro]] and [o](../other/Other.md).');
    assert.deepEqual(extract.otherEdits?.map((o) => o.path), ['B.md']);
    const b = applyEdits(notes['B.md'], extract.otherEdits![0].edits);
    assert.equal(b, 'Links: [[Plan#Plan]], [[Plan#^step]], [p](inbox/Plan.md#Plan), [[A#Intro]].\n');
    // Re-indexed, every link reaches the same heading or block, in its new note.
    const after = ctxOf({ ...notes, 'notes/A.md': a, 'B.md': b, 'inbox/Plan.md': extract.create!.text });
    for (const p of ['notes/A.md', 'B.md', 'inbox/Plan.md']) assert.deepEqual(noteDiagnostics(after.index, p), [], p);
    const reached = (p: string) => after.index.linkTargets(p).map((t) => `${t.target}#${t.heading?.text ?? (t.block ? `^${t.block.id}` : '')}`).sort();
    assert.deepEqual(reached('B.md'), ['inbox/Plan.md#Plan', 'inbox/Plan.md#Plan', 'inbox/Plan.md#^step', 'notes/A.md#Intro']);
    assert.deepEqual(reached('inbox/Plan.md'), ['inbox/Plan.md#Plan', 'notes/A.md#Intro', 'other/Other.md#']);
    assert.deepEqual(reached('notes/A.md'), ['inbox/Plan.md#', 'inbox/Plan.md#Plan', 'notes/A.md#Intro', 'other/Other.md#'], 'the link left in place, and the others');
  });

  it('is not offered for a selection that cuts a link in two', () => {
    const ctx = ctxOf(notes);
    assert.deepEqual(provideRefactorings(ctx, 'notes/A.md', { start: { line: 2, character: 6 }, end: { line: 3, character: 0 } }), []);
  });
});

describe('code actions stay linear in the note', () => {
  /** Milliseconds to offer the extraction of a note of `n` lines, half of them with two links, all selected. */
  function extractionTime(n: number): number {
    const lines = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? `Line ${i} [[#Heading ${i % 100}]] and [o](../Other.md)` : i % 200 === 1 ? `## Heading ${(i - 1) / 2}` : 'text'));
    const text = `# Big\n${lines.join('\n')}\n`;
    const ctx = setup({ 'notes/Big.md': text, 'Other.md': '' });
    const started = process.hrtime.bigint();
    const actions = provideRefactorings(ctx, 'notes/Big.md', { start: { line: 1, character: 0 }, end: { line: n + 1, character: 0 } });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.equal(actions.length, 2);
    assert.ok(actions[0].create!.text.length > text.length / 2);
    return ms;
  }

  it('fixes all of 8,000 problems in time linear in their number', () => {
    const time = (n: number): number => {
      const text = Array.from({ length: n }, (_, i) => `[w${i}](github.com/x${i}) ^dup`).join('\n\n');
      const ctx = setup({ 'a.md': text });
      const started = process.hrtime.bigint();
      const all = provideFixAll(ctx, 'a.md');
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      assert.equal(all!.title, `Fix all auto-fixable problems (${2 * n - 1})`, 'every web address, every duplicate id but the first');
      return ms;
    };
    time(500); // warm-up
    const small = Math.min(time(2000), time(2000));
    const big = time(8000);
    assert.ok(big < small * 8 + 100, `2,000 lines: ${small.toFixed(0)} ms, 8,000 lines: ${big.toFixed(0)} ms`);
  });

  it('extracts 20,000 lines holding 20,000 links in time linear in the note', () => {
    extractionTime(2000); // warm-up
    const small = Math.min(extractionTime(5000), extractionTime(5000));
    const big = extractionTime(20000);
    // Four times the note: about four times the time; a quadratic step would make it sixteen.
    assert.ok(big < small * 8 + 100, `5,000 lines: ${small.toFixed(0)} ms, 20,000 lines: ${big.toFixed(0)} ms`);
  });
});

describe('new note names from extracted text', () => {
  it('names a note from the first line, without markers or characters a file name cannot hold', () => {
    assert.equal(noteNameFromText('\n\n## Meeting: notes 1/2 #tag\nbody'), 'Meeting notes 1 2 tag');
    assert.equal(noteNameFromText('> - [ ] Call [[WHO|the WHO]] about *it*?'), 'Call the WHO about it');
    assert.equal(noteNameFromText('1. First item'), 'First item');
    assert.equal(noteNameFromText('...hidden name.'), 'hidden name');
    assert.equal(noteNameFromText('   \n\t\n'), 'Untitled');
    assert.equal(noteNameFromText('::::'), 'Untitled');
    const long = noteNameFromText('word '.repeat(40));
    assert.ok(long.length <= 80 && !long.endsWith(' ') && long.startsWith('word word'), long);
  });

  it('numbers the name when the vault has it already, in any case', () => {
    const files = new FileLookup(['inbox/Plan.md', 'inbox/plan 1.md', 'Plan 2.md']);
    const planned = freeNewNotePath(files, 'Plan', 'notes/today.md', 'inbox');
    assert.deepEqual(planned, { ok: true, path: 'inbox/Plan 2.md', title: 'Plan 2' });
  });
});
