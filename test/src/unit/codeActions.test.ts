import * as assert from 'node:assert/strict';
import { type FeatureContext, noteDiagnostics, parseNote, provideQuickFixes, VaultIndex } from '@ospo-notes/engine';

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
    assert.deepEqual(titles, ["Change to 'Github'", "Change to 'x/Topic'", "Change to 'y/Topic'"]);
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
    const ctx = setup({ 'a.md': '[[Completely unknown]] [[]]' });
    assert.deepEqual(provideQuickFixes(ctx, 'a.md', noteDiagnostics(ctx.index, 'a.md')), []);
  });
});
