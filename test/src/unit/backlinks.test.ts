/**
 * The Backlinks view's engine: linked mentions (reverse edges, grouping by target heading or block, context,
 * heading path, embeds) and unlinked mentions (names, word boundaries, what is not text, case, the cap,
 * cancellation, the cache) and the edits that link them.
 */
import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  blockContext,
  type FeatureContext,
  findUnlinkedMentions,
  MentionCache,
  MentionMatcher,
  mentionTerms,
  parseNote,
  planMentionLinks,
  provideBacklinks,
  provideBacklinksInSlices,
  RequestCancelledError,
  VaultIndex,
  DEFAULT_VAULT_SETTINGS,
  splitLines,
  linkRange,
} from '@ospo-notes/engine';

function vault(files: Record<string, string>, reads?: string[]): FeatureContext & { texts: Map<string, string> } {
  const texts = new Map(Object.entries(files));
  const index = new VaultIndex();
  index.load([...texts].map(([p, t]) => parseNote(p, t)), []);
  return { index, texts, getText: (p) => (reads?.push(p), texts.get(p)) };
}

const WHO = ['---', 'title: World Health Organization', 'acronym: WHO', 'aliases:', '  - UN health agency', '---', '# World Health Organization', '', '## OSPO', '', 'The office. ^office', ''].join('\n');

describe('backlinks', () => {
  const ctx = vault({
    'orgs/WHO.md': WHO,
    'a.md': ['# A', '', '## Partners', '', '### Health', '', '- [[WHO]] works with us', '- see [[WHO#OSPO|their office]] and ![[WHO#^office]]', ''].join('\n'),
    'b.md': ['Intro [x](orgs/WHO.md) and a paragraph', 'that goes on over', 'three lines.', '', '[[WHO#Nowhere]]', ''].join('\n'),
    'c.md': 'No links here.\n',
    'd.md': '[[#Self]] [[c]]\n',
  });

  it('lists the linking notes in path order, each link once, grouped by the target part it names', () => {
    const b = provideBacklinks(ctx, 'orgs/WHO.md');
    assert.deepEqual(
      b.notes.map((n) => n.path),
      ['a.md', 'b.md'],
    );
    assert.equal(b.count, 5);
    const a = b.notes[0];
    assert.deepEqual(
      a.groups.map((g) => [g.kind, g.label, g.occurrences.length]),
      [
        ['note', undefined, 1],
        ['heading', 'OSPO', 1],
        ['block', '^office', 1],
      ],
    );
    assert.equal(a.groups[1].line, 8, "the target heading's line");
    const embed = a.groups[2].occurrences[0];
    assert.equal(embed.embed, true);
    assert.equal(a.groups[1].occurrences[0].embed, false);
    const b2 = b.notes[1];
    assert.deepEqual(
      b2.groups.map((g) => [g.kind, g.label]),
      [
        ['note', undefined],
        ['missing', '#Nowhere'],
      ],
      'a missing heading is its own group, after the whole note',
    );
    assert.equal(b2.groups[0].occurrences[0].syntax, 'markdown');
  });

  it('gives each link its context with the link highlighted, and the heading path without the title heading', () => {
    const a = provideBacklinks(ctx, 'orgs/WHO.md').notes[0];
    const first = a.groups[0].occurrences[0];
    assert.equal(first.context.text, '[[WHO]] works with us', 'the list marker is dropped');
    assert.deepEqual(first.headingPath, ['Partners', 'Health']);
    const office = a.groups[1].occurrences[0].context;
    assert.equal(office.text.slice(...office.highlight), '[[WHO#OSPO|their office]]');
    const para = provideBacklinks(ctx, 'orgs/WHO.md').notes[1].groups[0].occurrences[0].context;
    assert.equal(para.text, 'Intro [x](orgs/WHO.md) and a paragraph that goes on over three lines.', 'the whole paragraph, joined');
    assert.equal(para.text.slice(...para.highlight), '[x](orgs/WHO.md)');
  });

  it('reads only the linking notes, and leaves out a note linking itself', () => {
    const reads: string[] = [];
    const c = vault({ 'x.md': '[[x]] [[#H]]\n# H\n', 'y.md': '[[x]]\n', 'z.md': 'nothing\n' }, reads);
    const b = provideBacklinks(c, 'x.md');
    assert.deepEqual(
      b.notes.map((n) => n.path),
      ['y.md'],
    );
    assert.deepEqual(reads, ['y.md']);
  });

  it("shows a heading's text without its #s or a setext underline", () => {
    const text = '## About [[WHO]]\n\nAlso [[WHO]] here\n======\n';
    const note = parseNote('h.md', text);
    const lines = splitLines(text);
    assert.deepEqual(
      note.links.map((l) => blockContext(note, lines, linkRange(l)).text),
      ['About [[WHO]]', 'Also [[WHO]] here'],
    );
  });

  it('cuts a long context around the link, at word boundaries', () => {
    const long = `${'word '.repeat(80)}[[WHO]]${' more'.repeat(80)}`;
    const note = parseNote('l.md', long);
    const c = blockContext(note, splitLines(long), linkRange(note.links[0]));
    assert.ok(c.text.length <= 202, `${c.text.length} characters`);
    assert.ok(c.text.startsWith('…') && c.text.endsWith('…'));
    assert.equal(c.text.slice(...c.highlight), '[[WHO]]');
    assert.doesNotMatch(c.text, /…or|wor…/, 'no word cut in half');
    assert.ok(c.highlight[0] <= 61, `at most 60 characters before the link, not ${c.highlight[0]}`);
  });

  it('stops when the request is cancelled', () => {
    assert.throws(() => provideBacklinks({ ...ctx, cancellation: { isCancellationRequested: true } }, 'orgs/WHO.md'), RequestCancelledError);
  });

  it('in slices: the same answer, with pauses, and stops once cancelled', async () => {
    let pauses = 0;
    const sliced = await provideBacklinksInSlices(ctx, 'orgs/WHO.md', async () => void pauses++, 0);
    assert.deepEqual(sliced, provideBacklinks(ctx, 'orgs/WHO.md'));
    assert.equal(pauses, 2, 'one pause before each linking note');
    const cancellation = { isCancellationRequested: false };
    await assert.rejects(
      provideBacklinksInSlices({ ...ctx, cancellation }, 'orgs/WHO.md', async () => void (cancellation.isCancellationRequested = true), 0),
      RequestCancelledError,
    );
  });
});

describe('unlinked mentions', () => {
  it('searches the file name, title, aliases and acronym once each, and skips names too short to search', () => {
    const note = parseNote('orgs/WHO.md', WHO);
    const { terms, skipped } = mentionTerms(note);
    assert.deepEqual(
      terms.map((t) => [t.kind, t.text]),
      [
        ['name', 'WHO'],
        ['title', 'World Health Organization'],
        ['alias', 'UN health agency'],
      ],
      'the acronym equals the file name: searched once',
    );
    assert.deepEqual(skipped, []);
    const short = mentionTerms(parseNote('Go.md', '---\naliases: [AI, Golang]\n---\n'));
    assert.deepEqual(
      short.skipped.map((t) => t.text),
      ['Go', 'AI'],
    );
    assert.deepEqual(
      short.terms.map((t) => t.text),
      ['Golang'],
    );
  });

  function mentions(text: string, names = ['WHO', 'World Health Organization']): string[] {
    const m = new MentionMatcher(names.map((n) => ({ text: n, kind: 'name' as const })));
    return m.mentionsIn(parseNote('n.md', text), text).map((f) => `${f.range.start.line}:${f.range.start.character}:${f.text}`);
  }

  it('matches whole words only, with Unicode boundaries, case-insensitively', () => {
    assert.deepEqual(mentions('WHOLE and WHO, who; WHO\'s. SWHO WHO2 _WHO_'), ['0:10:WHO', '0:15:who', '0:20:WHO', '0:38:WHO']);
    assert.deepEqual(mentions('éWHO WHOé ÉWHO WHO'), ['0:15:WHO'], 'accented letters are word characters');
    assert.deepEqual(mentions('Café cafés café', ['Café']), ['0:0:Café', '0:11:café']);
    const nfd = 'Cafe\u0301 here';
    assert.deepEqual(mentions(nfd, ['Café']), [`0:0:${'Cafe\u0301'}`], 'a decomposed spelling is the same name');
    assert.deepEqual(mentions('the world health organization met'), ['0:4:world health organization'], 'the longest name at a place');
  });

  it('never matches inside links, link text, reference links, code, frontmatter, tags, block ids, URLs or HTML', () => {
    const text = [
      '---', // 0
      'org: WHO', // 1
      '---', // 2
      '[[WHO]] [[X|WHO]] [WHO](x.md) ![[WHO]] [w](https://who.int/WHO)', // 3
      '`WHO` $WHO$ #WHO ok WHO', // 4
      '```', // 5
      'WHO', // 6
      '```', // 7
      '', // 8
      '    WHO indented code', // 9
      '', // 10
      'https://example.org/WHO www.WHO.int <span title="WHO">x</span> <https://x.org/WHO> who@x.org', // 11
      '%% WHO %% <!-- WHO --> end WHO ^WHO', // 12
      '', // 13
      '[the WHO office][1] and [WHO][] but WHO', // 14
      '', // 15
      '[1]: orgs/WHO.md', // 16
    ].join('\n');
    assert.deepEqual(mentions(text), ['4:20:WHO', '12:27:WHO', '14:36:WHO']);
  });

  it('does not search a note whose links are past the limit (their places are unknown)', () => {
    const text = '[[x|WHO]] WHO\n';
    const note = parseNote('n.md', text);
    const m = new MentionMatcher([{ text: 'WHO', kind: 'name' }]);
    assert.equal(m.mentionsIn(note, text).length, 1);
    assert.deepEqual(m.mentionsIn({ ...note, omittedLinks: 1 }, text), []);
  });

  it('reads a line of thousands of links and mentions in linear time', () => {
    const line = '[[a]] WHO '.repeat(20_000);
    const started = performance.now();
    assert.equal(mentions(line).length, 20_000);
    assert.ok(performance.now() - started < 1000, `${Math.round(performance.now() - started)} ms`);
  });

  it('reads a long line with an @ in linear time', () => {
    const line = `${'a'.repeat(200_000)}@b WHO`;
    const started = performance.now();
    assert.deepEqual(mentions(line), [`0:${line.length - 3}:WHO`]);
    assert.ok(performance.now() - started < 500, `${Math.round(performance.now() - started)} ms`);
  });

  it('scans the other notes in path order, with context and heading path', async () => {
    const ctx = vault({
      'orgs/WHO.md': WHO,
      'b.md': '# B\n\n## Talks\n\n- the who office\n',
      'a.md': 'The World Health Organization and WHO.\n',
      'c.md': 'nothing\n',
    });
    const r = await findUnlinkedMentions(ctx, 'orgs/WHO.md');
    assert.deepEqual(
      r.notes.map((n) => [n.path, n.mentions.map((m) => m.text)]),
      [
        ['a.md', ['World Health Organization', 'WHO']],
        ['b.md', ['who']],
      ],
    );
    const who = r.notes[1].mentions[0];
    assert.equal(who.context.text, 'the who office');
    assert.equal(who.context.text.slice(...who.context.highlight), 'who');
    assert.deepEqual(who.headingPath, ['Talks']);
    assert.equal(r.notes[0].mentions[0].termKind, 'title');
    assert.equal(r.count, 3);
    assert.equal(r.more, 0);
  });

  it('caps the mentions returned and counts the rest', async () => {
    const files: Record<string, string> = { 'WHO.md': '' };
    for (let i = 0; i < 5; i++) files[`n${i}.md`] = 'WHO and WHO\n';
    const r = await findUnlinkedMentions(vault(files), 'WHO.md', { limit: 3 });
    assert.equal(r.count, 3);
    assert.equal(r.more, 7);
    assert.deepEqual(
      r.notes.map((n) => [n.path, n.mentions.length, n.count]),
      [
        ['n0.md', 2, 2],
        ['n1.md', 1, 2],
      ],
    );
  });

  it('pauses between slices and stops once cancelled', async () => {
    const files: Record<string, string> = { 'WHO.md': '' };
    for (let i = 0; i < 50; i++) files[`n${String(i).padStart(2, '0')}.md`] = `${'text '.repeat(2000)}WHO\n`;
    const cancellation = { isCancellationRequested: false };
    let pauses = 0;
    const ctx = { ...vault(files), cancellation };
    const scan = findUnlinkedMentions(ctx, 'WHO.md', {
      sliceMs: 0,
      pause: async () => {
        pauses++;
        if (pauses === 3) cancellation.isCancellationRequested = true;
      },
    });
    await assert.rejects(scan, RequestCancelledError);
    assert.equal(pauses, 3);
  });

  it('reads again only the notes whose model changed', async () => {
    const reads: string[] = [];
    const ctx = vault({ 'WHO.md': '', 'a.md': 'WHO\n', 'b.md': 'who\n' }, reads);
    const cache = new MentionCache();
    await findUnlinkedMentions(ctx, 'WHO.md', { cache });
    assert.deepEqual(reads.sort(), ['a.md', 'b.md']);
    reads.length = 0;
    ctx.texts.set('a.md', 'no more\n');
    ctx.index.upsertNote(parseNote('a.md', 'no more\n'));
    const again = await findUnlinkedMentions(ctx, 'WHO.md', { cache });
    assert.deepEqual(reads, ['a.md']);
    assert.deepEqual(
      again.notes.map((n) => n.path),
      ['b.md'],
    );
  });
});

describe('linking mentions', () => {
  const apply = (text: string, edits: Array<{ range: import('@ospo-notes/engine').Range; newText: string }>): string => TextDocument.applyEdits(TextDocument.create('x', 'markdown', 1, text), edits);

  it('links one mention, keeping its text as the alias when it differs from the name, and changes nothing else', () => {
    const source = 'The who office and WHO.\n| a | who |\n|---|---|\n';
    const ctx = vault({ 'orgs/WHO.md': WHO, 'n.md': source });
    const plan = planMentionLinks(ctx, 'orgs/WHO.md', 'n.md', source, { range: { start: { line: 0, character: 4 }, end: { line: 0, character: 7 } }, text: 'who' });
    assert.ok('edits' in plan, JSON.stringify(plan));
    assert.equal(plan.edits.length, 1);
    assert.equal(apply(source, plan.edits), source.replace('The who', 'The [[WHO|who]]'));
    const all = planMentionLinks(ctx, 'orgs/WHO.md', 'n.md', source);
    assert.ok('edits' in all);
    assert.equal(apply(source, all.edits), 'The [[WHO|who]] office and [[WHO]].\n| a | [[WHO\\|who]] |\n|---|---|\n', 'a table row gets \\|');
  });

  it("writes the vault's link style", () => {
    const source = 'the World Health Organization\n';
    const ctx = { ...vault({ 'orgs/WHO.md': WHO, 'n.md': source }), settings: () => ({ ...DEFAULT_VAULT_SETTINGS, linkFormat: { style: 'markdown' as const, pathForm: 'relative' as const } }) };
    const plan = planMentionLinks(ctx, 'orgs/WHO.md', 'n.md', source);
    assert.ok('edits' in plan);
    assert.equal(apply(source, plan.edits), 'the [World Health Organization](orgs/WHO.md)\n');
  });

  it('refuses a mention that is no longer there', () => {
    const source = 'The who office.\n';
    const ctx = vault({ 'orgs/WHO.md': WHO, 'n.md': source });
    const now = 'The [[WHO|who]] office.\n';
    const plan = planMentionLinks(ctx, 'orgs/WHO.md', 'n.md', now, { range: { start: { line: 0, character: 4 }, end: { line: 0, character: 7 } }, text: 'who' });
    assert.ok('refused' in plan);
    assert.match(plan.refused, /no longer there/);
    const moved = planMentionLinks(ctx, 'orgs/WHO.md', 'n.md', 'A The who office.\n', { range: { start: { line: 0, character: 4 }, end: { line: 0, character: 7 } }, text: 'who' });
    assert.ok('refused' in moved, 'the same word elsewhere is not linked in its place');
    const none = planMentionLinks(ctx, 'orgs/WHO.md', 'n.md', now);
    assert.ok('refused' in none);
    assert.match(none.refused, /no unlinked mention/);
  });
});
