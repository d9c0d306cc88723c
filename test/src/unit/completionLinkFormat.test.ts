import * as assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import type { CompletionItem, CompletionList, TextEdit } from 'vscode-languageserver-types';
import {
  effectiveVaultSettings,
  type FeatureContext,
  OBSIDIAN_DEFAULTS,
  type ObsidianSettings,
  parseNote,
  provideCompletion,
  VaultIndex,
  type VaultSettings,
} from '@ospo-notes/engine';

const CURSOR = '‸';

/** A vault in memory whose effective settings come from the given Obsidian settings. */
function vault(notes: Record<string, string>, obsidian: Partial<ObsidianSettings> = {}, attachments: string[] = []): { ctx: FeatureContext; texts: Map<string, string>; settings: { current: VaultSettings } } {
  const texts = new Map(Object.entries(notes));
  const index = new VaultIndex();
  index.load(
    [...texts].map(([p, t]) => parseNote(p, t)),
    attachments,
  );
  const settings = { current: effectiveVaultSettings({ ...OBSIDIAN_DEFAULTS, ...obsidian }) };
  return { ctx: { index, getText: (p) => texts.get(p), settings: () => settings.current }, texts, settings };
}

/** The text after accepting the item labelled `label` at the cursor of `withCursor` in note `path`. */
function accept(v: ReturnType<typeof vault>, path: string, withCursor: string, label: string): { text: string; item: CompletionItem; list: CompletionList } {
  const at = withCursor.indexOf(CURSOR);
  const text = withCursor.slice(0, at) + withCursor.slice(at + CURSOR.length);
  v.texts.set(path, text);
  v.ctx.index.upsertNote(parseNote(path, text));
  const before = text.slice(0, at).split('\n');
  const list = provideCompletion(v.ctx, path, { line: before.length - 1, character: before[before.length - 1].length });
  const item = list.items.find((i) => i.label === label);
  assert.ok(item, `no item ${label} among ${JSON.stringify(list.items.map((i) => i.label))}`);
  const e = item.textEdit as TextEdit;
  const lines = text.split('\n');
  const line = lines[e.range.start.line];
  lines[e.range.start.line] = line.slice(0, e.range.start.character) + e.newText + line.slice(e.range.end.character);
  // What VS Code compares the filter text with: the range's start up to the cursor.
  const typed = line.slice(e.range.start.character, before[before.length - 1].length);
  assert.ok(item.filterText?.toLowerCase().startsWith(typed.slice(0, 2).toLowerCase()), `filterText ${item.filterText} fits the typed ${typed}`);
  return { text: lines.join('\n'), item, list };
}

const md = new MarkdownIt('commonmark').enable('table');
const cells = (row: string): number => (md.render(`| a | b |\n| --- | --- |\n${row}\n`).split('<tbody>')[1].match(/<td>/g) ?? []).length;

describe('completion writes links in the vault\'s format', () => {
  const notes = {
    'tech/OpenSource.md': '---\naliases: [FOSS]\n---\n# Open Source\n## Licences\n',
    'people/Github.md': '# Github\n\nA platform. ^gh\n',
    'notes/Index.md': '',
  };

  it('writes an alias in a table row with \\| so the row keeps its cells (R2.4)', () => {
    const v = vault(notes);
    const row = '| x | [[FOS‸ |';
    const { text } = accept(v, 'notes/Index.md', `| a | b |\n| --- | --- |\n${row}\n`, 'FOSS');
    const written = text.split('\n')[2];
    assert.equal(written, '| x | [[OpenSource\\|FOSS]] |');
    assert.equal(cells(written), 2);
    // Outside a table the separator stays `|`.
    assert.equal(accept(v, 'notes/Index.md', 'See [[FOS‸', 'FOSS').text, 'See [[OpenSource|FOSS]]');
  });

  it('writes markdown links with relative paths when the vault uses them (useMarkdownLinks, newLinkFormat)', () => {
    const v = vault(notes, { useMarkdownLinks: true, newLinkFormat: 'relative' });
    assert.equal(accept(v, 'notes/Index.md', 'See [[Git‸', 'Github').text, 'See [Github](../people/Github.md)');
    assert.equal(accept(v, 'notes/Index.md', 'See [[Git‸]] now', 'Github').text, 'See [Github](../people/Github.md) now');
    assert.equal(accept(v, 'notes/Index.md', 'See [[FOS‸', 'FOSS').text, 'See [FOSS](../tech/OpenSource.md)');
    assert.equal(accept(v, 'notes/Index.md', 'See [[OpenSource#Lic‸', 'Licences').text, 'See [OpenSource > Licences](../tech/OpenSource.md#Licences)');
    assert.equal(accept(v, 'notes/Index.md', 'See [[Github#^g‸]]', 'gh').text, 'See [Github](../people/Github.md#^gh)');
    // In a table the text's `|` is escaped.
    const row = accept(v, 'notes/Index.md', '| a | b |\n| --- | --- |\n| [[Git‸|x|y]] | z |', 'Github').text.split('\n')[2];
    assert.equal(row, '| [x\\|y](../people/Github.md) | z |');
    assert.equal(cells(row), 2);
    // A markdown link typed by hand gets the relative path too.
    assert.equal(accept(v, 'notes/Index.md', 'See [x](Git‸)', 'Github.md').text, 'See [x](../people/Github.md)');
  });

  it('writes wiki-links with the vault\'s path form, and our own settings override Obsidian\'s', () => {
    const v = vault(notes, { newLinkFormat: 'absolute' });
    assert.equal(accept(v, 'notes/Index.md', 'See [[Git‸', 'Github').text, 'See [[people/Github]]');
    v.settings.current = effectiveVaultSettings({ ...OBSIDIAN_DEFAULTS, newLinkFormat: 'absolute' }, { linkStyle: 'markdown', linkPathForm: 'shortest', updateLinks: 'obsidian', newNoteFolder: '', templatesFolder: '' });
    assert.equal(accept(v, 'notes/Index.md', 'See ![[Git‸', 'Github').text, 'See ![](Github.md)');
  });

  it('writes a markdown link for a name a wiki-link cannot hold (R2.6)', () => {
    const v = vault({ ...notes, 'C# tips.md': '' });
    assert.equal(accept(v, 'notes/Index.md', 'See [[C‸', 'C# tips').text, 'See [C# tips](C%23%20tips.md)');
  });
});

describe('isTableRow', () => {
  it('tells table rows from other lines with a |, from the live text', async () => {
    const { isTableRow, splitLines } = await import('@ospo-notes/engine');
    const lines = splitLines('Para with a | bar\n\n| a | b |\n| --- | --- |\n| c | d |\n\n> | x | y |\n> |---|---|\n> | z | w |\n\n    | code | x |\n    |---|---|\n');
    assert.deepEqual(
      lines.map((_, i) => isTableRow(lines, i)),
      [false, false, true, true, true, false, true, true, true, false, false, false, false],
    );
    // A huge paragraph is read in part, and quickly.
    const big = Array.from({ length: 100000 }, (_, i) => `line ${i} | with a bar`);
    const t0 = Date.now();
    assert.equal(isTableRow(big, 50000), false);
    assert.ok(Date.now() - t0 < 1000);
  });
});

describe('completion in the frontmatter', () => {
  it('writes wiki-links in properties even where the vault writes markdown links (R7.5)', () => {
    const v = vault({ 'people/Github.md': '# Github\n', 'C# tips.md': '', 'n.md': '' }, { useMarkdownLinks: true });
    assert.equal(accept(v, 'n.md', '---\nrelated: "[[Git‸"\n---\n', 'Github').text, '---\nrelated: "[[Github]]"\n---\n');
    // A name a wiki-link cannot hold is not offered there: a markdown link is no link in a property.
    const at = '---\nrelated: "[[C‸"\n---\n';
    const text = at.replace('‸', '');
    v.texts.set('n.md', text);
    const list = provideCompletion(v.ctx, 'n.md', { line: 1, character: at.split('\n')[1].indexOf('‸') });
    assert.ok(!list.items.some((i) => i.label === 'C# tips'), JSON.stringify(list.items.map((i) => i.label)));
    assert.equal(accept(v, 'n.md', 'Body [[C‸', 'C# tips').text, 'Body [C# tips](C%23%20tips.md)');
  });
});
