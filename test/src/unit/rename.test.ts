/**
 * Rename, kind by kind: notes (on a link, on the title heading, on the frontmatter title), attachments, folders,
 * headings (on the heading, on a link's segment, chains, markdown fragments) and block ids, the refusals, and the
 * edits' shape (versions, the RenameFile operation after the text edits).
 */
import * as assert from 'node:assert/strict';
import type { RenameFile, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { prepareRename, renameAt, renameFiles, type Position, type RenameResult } from '@ospo-notes/engine';
import { MemoryVault, memUri } from '../support/memoryVault';

function edited(result: RenameResult): WorkspaceEdit {
  if ('refused' in result) assert.fail(`refused: ${result.refused}`);
  return result.edit;
}

function refusal(result: RenameResult | { refused: string } | { range: unknown }): string {
  assert.ok('refused' in result, `expected a refusal, got ${JSON.stringify(result)}`);
  return (result as { refused: string }).refused;
}

/** The position of the `nth` occurrence of `needle` in a note, plus `delta` characters. */
function at(vault: MemoryVault, path: string, needle: string, delta = 0, nth = 0): Position {
  const lines = vault.texts.get(path)!.split(/\r\n|\r|\n/);
  let seen = 0;
  for (let line = 0; line < lines.length; line++) {
    let from = 0;
    for (;;) {
      const c = lines[line].indexOf(needle, from);
      if (c < 0) break;
      if (seen++ === nth) return { line, character: c + delta };
      from = c + 1;
    }
  }
  throw new Error(`${needle} not in ${path}`);
}

function sampleVault(): MemoryVault {
  return new MemoryVault({
    'orgs/WHO.md': ['# WHO', '', 'Intro. ^intro', '', '## OSPO', '', '### Team', '', 'Team text.', '', '## Funding', 'See [[#OSPO]] and [[#^intro]].', ''].join('\n'),
    'tech/OSPO.md': [
      '# OSPO',
      '',
      '- [[WHO#OSPO]] and [[WHO]] and ![[WHO#^intro]]',
      '- [who](../orgs/WHO.md#OSPO) and [chain](<../orgs/WHO.md#OSPO#Team>)',
      '- [[WHO#OSPO#Team|the team]]',
      '',
      '| org | note |',
      '| --- | --- |',
      '| [[WHO\\|World Health]] | x |',
      '',
      '![[diagram.png]] and ![d](../diagram.png)',
      '',
    ].join('\n'),
    'Other.md': 'Links: [[orgs/WHO|who]], [[Missing]], [[WHO#Nope]].\n',
    'diagram.png': null,
  });
}

describe('rename', () => {
  describe('prepareRename', () => {
    it('gives the linkpath and the file name on a link, the id on a block link, the segment on a heading link', () => {
      const v = sampleVault();
      const p = 'tech/OSPO.md';
      const onPath = prepareRename(v.ctx, p, at(v, p, '[[WHO]]', 3));
      assert.deepEqual(onPath, { range: { start: { line: 2, character: 21 }, end: { line: 2, character: 24 } }, placeholder: 'WHO' });
      const onBlock = prepareRename(v.ctx, p, at(v, p, '^intro', 2));
      assert.ok('range' in onBlock);
      assert.equal(onBlock.placeholder, 'intro');
      assert.equal(onBlock.range.start.character, at(v, p, '^intro', 1).character);
      const onTeam = prepareRename(v.ctx, p, at(v, p, '#Team|', 2));
      assert.ok('range' in onTeam);
      assert.equal(onTeam.placeholder, 'Team');
      const onChainHead = prepareRename(v.ctx, p, at(v, p, 'OSPO#Team|', 1));
      assert.ok('range' in onChainHead);
      assert.equal(onChainHead.placeholder, 'OSPO');
    });

    it('refuses display text, plain text, broken links and web addresses with the reason', () => {
      const v = sampleVault();
      const p = 'tech/OSPO.md';
      assert.match(refusal(prepareRename(v.ctx, p, at(v, p, 'the team', 2))), /display text/);
      assert.match(refusal(prepareRename(v.ctx, p, at(v, p, ' and ', 2))), /Nothing to rename here/);
      assert.match(refusal(prepareRename(v.ctx, 'Other.md', at(v, 'Other.md', 'Missing', 2))), /names no file/);
      assert.match(refusal(prepareRename(v.ctx, 'Other.md', at(v, 'Other.md', 'Nope', 1))), /names no heading/);
    });

    it('on the title heading that spells the file name: the note; on another heading: the heading', () => {
      const v = sampleVault();
      assert.deepEqual(prepareRename(v.ctx, 'orgs/WHO.md', { line: 0, character: 3 }), { range: { start: { line: 0, character: 2 }, end: { line: 0, character: 5 } }, placeholder: 'WHO' });
      assert.deepEqual(prepareRename(v.ctx, 'orgs/WHO.md', { line: 4, character: 4 }), { range: { start: { line: 4, character: 3 }, end: { line: 4, character: 7 } }, placeholder: 'OSPO' });
    });
  });

  describe('a note', () => {
    it('on a link: every link form is rewritten, then the file is renamed', () => {
      const v = sampleVault();
      const p = 'tech/OSPO.md';
      const edit = edited(renameAt(v.ctx, p, at(v, p, '[[WHO]]', 3), 'World Health Organization', v.options));
      const ops = edit.documentChanges!;
      assert.deepEqual(ops[ops.length - 1], { kind: 'rename', oldUri: memUri('orgs/WHO.md'), newUri: memUri('orgs/World Health Organization.md') } satisfies RenameFile);
      assert.ok(ops.slice(0, -1).every((o) => 'textDocument' in o), 'text edits come before the rename');
      v.apply(edit);
      assert.deepEqual(v.texts.get('tech/OSPO.md')!.split('\n').slice(2, 9), [
        '- [[World Health Organization#OSPO]] and [[World Health Organization]] and ![[World Health Organization#^intro]]',
        '- [who](../orgs/World%20Health%20Organization.md#OSPO) and [chain](<../orgs/World%20Health%20Organization.md#OSPO#Team>)',
        '- [[World Health Organization#OSPO#Team|the team]]',
        '',
        '| org | note |',
        '| --- | --- |',
        '| [[World Health Organization\\|World Health]] | x |',
      ]);
      assert.equal(v.texts.get('Other.md'), 'Links: [[orgs/World Health Organization|who]], [[Missing]], [[World Health Organization#Nope]].\n');
      // Self links inside the renamed note need nothing.
      assert.ok(v.texts.get('orgs/World Health Organization.md')!.includes('See [[#OSPO]] and [[#^intro]].'));
      v.reindex();
      assert.equal(v.index.linkTargets('tech/OSPO.md')[0].target, 'orgs/World Health Organization.md');
    });

    it('open notes are edited at their version; closed files at null', () => {
      const v = sampleVault();
      v.open.set('tech/OSPO.md', 7);
      const edit = edited(renameAt(v.ctx, 'Other.md', at(v, 'Other.md', 'orgs/WHO', 5), 'WHO2', v.options));
      const versions = Object.fromEntries(edit.documentChanges!.filter((c): c is TextDocumentEdit => 'textDocument' in c).map((c) => [c.textDocument.uri, c.textDocument.version]));
      assert.deepEqual(versions, { [memUri('tech/OSPO.md')]: 7, [memUri('Other.md')]: null });
    });

    it('on the title heading: the heading takes the new name, and links to it follow', () => {
      const v = new MemoryVault({ 'Alpha.md': '# Alpha\n\ntext\n', 'B.md': '[[Alpha]] and [[Alpha#Alpha]]\n' });
      v.apply(edited(renameAt(v.ctx, 'Alpha.md', { line: 0, character: 4 }, 'Beta', v.options)));
      assert.equal(v.texts.get('Beta.md'), '# Beta\n\ntext\n');
      assert.equal(v.texts.get('B.md'), '[[Beta]] and [[Beta#Beta]]\n');
    });

    it('on the frontmatter title: the file takes the title, and the title the new name', () => {
      const v = new MemoryVault({ 'orgs/WHO.md': '---\ntitle: World Health Organization\n---\n# World Health Organization\n\n## OSPO\n', 'X.md': '[[WHO#OSPO]]\n' });
      const prepared = prepareRename(v.ctx, 'orgs/WHO.md', { line: 1, character: 10 });
      assert.deepEqual(prepared, { range: { start: { line: 1, character: 7 }, end: { line: 1, character: 32 } }, placeholder: 'World Health Organization' });
      v.apply(edited(renameAt(v.ctx, 'orgs/WHO.md', { line: 1, character: 10 }, 'World Health Organization', v.options)));
      assert.equal(v.texts.get('X.md'), '[[World Health Organization#OSPO]]\n');
      assert.ok(v.texts.has('orgs/World Health Organization.md'));
      const v2 = new MemoryVault({ 'N.md': "---\ntitle: 'Old'\n---\n", 'M.md': '[[N]]\n' });
      v2.apply(edited(renameAt(v2.ctx, 'N.md', { line: 1, character: 9 }, "It's new", v2.options)));
      assert.equal(v2.texts.get("It's new.md"), "---\ntitle: 'It''s new'\n---\n");
      assert.equal(v2.texts.get('M.md'), "[[It's new]]\n");
    });

    it('a bare name that would become ambiguous gets the shortest unambiguous path, and other links keep their target', () => {
      const v = new MemoryVault({ 'a/X.md': 'x\n', 'b/Y.md': 'y\n', 'a/Src.md': '[[X]] [[Y]]\n', 'Top.md': '[[X]] [[Y]]\n' });
      v.apply(edited(renameFiles(v.ctx, [{ oldPath: 'a/X.md', newPath: 'a/Y.md' }], v.options)), [{ oldPath: 'a/X.md', newPath: 'a/Y.md' }]);
      v.reindex();
      for (const note of ['a/Src.md', 'Top.md']) {
        const targets = v.index.linkTargets(note).map((t) => t.target);
        assert.deepEqual(targets, ['a/Y.md', 'b/Y.md'], `${note}: ${v.texts.get(note)}`);
      }
    });

    it('refuses when a note changed on disk since it was indexed, instead of editing shifted text', () => {
      const v = new MemoryVault({ 'A.md': 'a\n', 'B.md': 'see [[A]]\n' });
      v.texts.set('B.md', 'now see [[A]] here\n');
      assert.match(refusal(renameFiles(v.ctx, [{ oldPath: 'A.md', newPath: 'C.md' }], v.options)), /B\.md changed since it was indexed/);
      v.reindex();
      v.apply(edited(renameFiles(v.ctx, [{ oldPath: 'A.md', newPath: 'C.md' }], v.options)), [{ oldPath: 'A.md', newPath: 'C.md' }]);
      assert.equal(v.texts.get('B.md'), 'now see [[C]] here\n');
    });

    it('a broken link that asks for the new name starts to resolve, as in Obsidian', () => {
      const v = new MemoryVault({ 'Draft.md': 'd\n', 'A.md': '[[Final]] and [[Draft]]\n' });
      v.apply(edited(renameAt(v.ctx, 'A.md', at(v, 'A.md', 'Draft', 1), 'Final', v.options)));
      assert.equal(v.texts.get('A.md'), '[[Final]] and [[Final]]\n');
    });
  });

  describe('files in the explorer', () => {
    it('a folder: links to its files and relative links inside its notes are rewritten', () => {
      const v = new MemoryVault({
        'docs/guide/Intro.md': '[next](Next.md) [up](../Index.md) [[Next]] ![](img/pic.png)\n',
        'docs/guide/Next.md': 'n\n',
        'docs/guide/img/pic.png': null,
        'docs/Index.md': '[intro](guide/Intro.md) [[guide/Next]] [[docs/guide/Intro#Top]]\n',
      });
      const moves = [{ oldPath: 'docs/guide', newPath: 'manual' }];
      const edit = edited(renameFiles(v.ctx, moves, v.options));
      assert.ok(!edit.documentChanges!.some((c) => 'kind' in c), 'the explorer moves the files itself');
      v.apply(edit, moves);
      assert.equal(v.texts.get('manual/Intro.md'), '[next](Next.md) [up](../docs/Index.md) [[Next]] ![](img/pic.png)\n');
      const index = v.texts.get('docs/Index.md')!;
      assert.match(index, /^\[intro\]\(\.\.\/manual\/Intro\.md\) \[\[(\.\.\/)?manual\/Next\]\] \[\[manual\/Intro#Top\]\]\n$/);
      v.reindex();
      assert.deepEqual(v.index.linkTargets('docs/Index.md').map((t) => t.target).sort(), ['manual/Intro.md', 'manual/Intro.md', 'manual/Next.md']);
    });

    it('an attachment: its embeds are rewritten', () => {
      const v = sampleVault();
      const moves = [{ oldPath: 'diagram.png', newPath: 'img/architecture.png' }];
      v.apply(edited(renameFiles(v.ctx, moves, v.options)), moves);
      assert.ok(v.texts.get('tech/OSPO.md')!.includes('![[architecture.png]] and ![d](../img/architecture.png)'), v.texts.get('tech/OSPO.md'));
    });

    it('an attachment from a link to it: the extension is kept when the new name has none', () => {
      const v = sampleVault();
      const p = 'tech/OSPO.md';
      assert.deepEqual(prepareRename(v.ctx, p, at(v, p, 'diagram.png]]', 1)), { range: { start: { line: 10, character: 3 }, end: { line: 10, character: 14 } }, placeholder: 'diagram.png' });
      const edit = edited(renameAt(v.ctx, p, at(v, p, 'diagram.png]]', 1), 'architecture', v.options));
      v.apply(edit);
      assert.ok(v.attachments.has('architecture.png'));
      assert.equal(v.texts.get(p)!.split('\n')[10], '![[architecture.png]] and ![d](../architecture.png)');
    });

    it('a change of case only: links that still resolve are left as written', () => {
      const v = sampleVault();
      const moves = [{ oldPath: 'orgs/WHO.md', newPath: 'orgs/who.md' }];
      const before = new Map(v.texts);
      v.apply(edited(renameFiles(v.ctx, moves, v.options)), moves);
      for (const [p, t] of before) assert.equal(v.texts.get(p === 'orgs/WHO.md' ? 'orgs/who.md' : p), t, p);
      v.reindex();
      assert.equal(v.index.linkTargets('tech/OSPO.md').filter((t) => t.target === 'orgs/who.md').length, 7);
    });

    it('a move out of the vault or into another kind of file is refused', () => {
      const v = sampleVault();
      assert.match(refusal(renameFiles(v.ctx, [{ oldPath: 'Other.md', newPath: 'Other.txt' }], v.options)), /another kind of file/);
      const options = { ...v.options, isMember: (p: string) => !p.startsWith('.trash/') };
      assert.match(refusal(renameFiles(v.ctx, [{ oldPath: 'Other.md', newPath: '.trash/Other.md' }], options)), /left out of the vault/);
    });
  });

  describe('a heading', () => {
    it('on the heading line: every link through it, chains and markdown fragments included', () => {
      const v = sampleVault();
      v.apply(edited(renameAt(v.ctx, 'orgs/WHO.md', { line: 4, character: 4 }, 'Open Source Office: WHO', v.options)));
      const ospo = v.texts.get('tech/OSPO.md')!.split('\n');
      assert.equal(ospo[2], '- [[WHO#Open Source Office WHO]] and [[WHO]] and ![[WHO#^intro]]');
      assert.equal(ospo[3].slice(0, ospo[3].indexOf(' and ')), '- [who](../orgs/WHO.md#Open%20Source%20Office%20WHO)');
      v.reindex();
      const team = v.index.note('orgs/WHO.md')!.headings[2];
      assert.equal(v.index.linkTargets('tech/OSPO.md')[4].heading, team, `the markdown chain still names Team: ${ospo[3]}`);
      assert.equal(ospo[4], '- [[WHO#Open Source Office WHO#Team|the team]]');
      const who = v.texts.get('orgs/WHO.md')!.split('\n');
      assert.equal(who[4], '## Open Source Office: WHO');
      assert.equal(who[11], 'See [[#Open Source Office WHO]] and [[#^intro]].');
      assert.equal(v.texts.get('Other.md'), 'Links: [[orgs/WHO|who]], [[Missing]], [[WHO#Nope]].\n');
    });

    it('on a chain segment in a link: that heading', () => {
      const v = sampleVault();
      v.apply(edited(renameAt(v.ctx, 'tech/OSPO.md', at(v, 'tech/OSPO.md', '#Team|', 2), 'People', v.options)));
      assert.equal(v.texts.get('orgs/WHO.md')!.split('\n')[6], '### People');
      assert.ok(v.texts.get('tech/OSPO.md')!.includes('[[WHO#OSPO#People|the team]]'));
      v.reindex();
      const people = v.index.note('orgs/WHO.md')!.headings[2];
      assert.equal(v.index.linkTargets('tech/OSPO.md')[4].heading, people);
    });

    it('a GitHub-style fragment stays a slug', () => {
      const v = new MemoryVault({ 'Guide.md': '# Guide\n\n## Getting started\n', 'R.md': '[go](Guide.md#getting-started)\n' });
      v.apply(edited(renameAt(v.ctx, 'Guide.md', { line: 2, character: 5 }, 'First steps', v.options)));
      assert.equal(v.texts.get('R.md'), '[go](Guide.md#first-steps)\n');
    });

    it('refuses a text another heading of the note already has (as links read it)', () => {
      const v = sampleVault();
      assert.match(refusal(renameAt(v.ctx, 'orgs/WHO.md', { line: 4, character: 4 }, 'funding', v.options)), /already has the heading 'Funding'/);
      assert.match(refusal(renameAt(v.ctx, 'orgs/WHO.md', { line: 4, character: 4 }, '  ', v.options)), /cannot be empty/);
      assert.match(refusal(renameAt(v.ctx, 'orgs/WHO.md', { line: 4, character: 4 }, 'See [[Other]]', v.options)), /holds a link/);
    });
  });

  describe('a block id', () => {
    it('on ^id and on #^id in a link: the marker and every link to it', () => {
      for (const [path, needle] of [
        ['orgs/WHO.md', '^intro'],
        ['tech/OSPO.md', '^intro'],
      ] as const) {
        const v = sampleVault();
        v.apply(edited(renameAt(v.ctx, path, at(v, path, needle, 2), 'summary', v.options)));
        assert.equal(v.texts.get('orgs/WHO.md')!.split('\n')[2], 'Intro. ^summary');
        assert.ok(v.texts.get('orgs/WHO.md')!.includes('[[#^summary]]'));
        assert.ok(v.texts.get('tech/OSPO.md')!.includes('![[WHO#^summary]]'));
      }
    });

    it('refuses an id that is taken or not an id', () => {
      const v = new MemoryVault({ 'N.md': 'a ^one\n\nb ^two\n' });
      assert.match(refusal(renameAt(v.ctx, 'N.md', { line: 0, character: 4 }, 'TWO', v.options)), /already has the block id \^two/);
      assert.match(refusal(renameAt(v.ctx, 'N.md', { line: 0, character: 4 }, 'no spaces', v.options)), /only Latin letters, digits and dashes/);
    });
  });

  describe('names Obsidian refuses', () => {
    for (const [name, why] of [
      ['', /cannot be empty/],
      ['a:b', /holds ':'/],
      ['a/b', /holds '\/'/],
      ['what?', /holds '\?'/],
      ['a#b', /holds '#'/],
      ['a^b', /holds '\^'/],
      ['[a]', /holds '\['/],
      ['.hidden', /starts with '\.'/],
    ] as const) {
      it(`'${name}'`, () => {
        const v = sampleVault();
        assert.match(refusal(renameAt(v.ctx, 'tech/OSPO.md', at(v, 'tech/OSPO.md', '[[WHO]]', 3), name, v.options)), why);
      });
    }

    it('an existing file, in any case', () => {
      const w = new MemoryVault({ 'a/One.md': '', 'a/two.md': '', 'L.md': '[[One]]' });
      assert.match(refusal(renameAt(w.ctx, 'L.md', { line: 0, character: 3 }, 'two', w.options)), /^a\/two.md already exists\.$/);
      assert.match(refusal(renameAt(w.ctx, 'L.md', { line: 0, character: 3 }, 'Two', w.options)), /a\/two.md already exists \(the names differ only in case/);
    });
  });

  it('reads only the notes it touches: the cost is the links affected, not the vault', () => {
    const files: Record<string, string> = { 'Target.md': '# Target\n\n## Part\n\ntext ^blk\n' };
    for (let i = 0; i < 3000; i++) files[`bulk/n${i}.md`] = `# n${i}\n\n[[n${(i + 1) % 3000}]] and [[n${(i + 7) % 3000}#n${(i + 7) % 3000}]]\n`;
    for (let i = 0; i < 3; i++) files[`src/L${i}.md`] = `[[Target]] [[Target#Part]] ![[Target#^blk]]\n`;
    const v = new MemoryVault(files);
    const read = new Set<string>();
    let noteLookups = 0;
    const index = new Proxy(v.index, {
      get(target, key) {
        if (key === 'note') noteLookups++;
        const value = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const ctx = { index, getText: (p: string) => (read.add(p), v.texts.get(p)) };
    for (const [position, name] of [
      [{ line: 0, character: 3 }, 'Renamed'],
      [{ line: 2, character: 4 }, 'Section'],
      [{ line: 4, character: 7 }, 'b2'],
    ] as const) {
      read.clear();
      noteLookups = 0;
      const result = renameAt(ctx, 'Target.md', position, name, v.options);
      assert.ok('edit' in result, JSON.stringify(result));
      assert.deepEqual([...read].sort(), ['Target.md', 'src/L0.md', 'src/L1.md', 'src/L2.md'], `${name}: the notes read`);
      assert.ok(noteLookups < 100, `${name}: ${noteLookups} model lookups in a vault of ${v.index.noteCount} notes`);
    }
  });
});
