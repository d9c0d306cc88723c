import * as assert from 'node:assert/strict';
import {
  DEFAULT_VAULT_SETTINGS,
  type FeatureContext,
  findOrphans,
  findPlaceholders,
  notesWithTag,
  parseNote,
  placeholderNoteCreation,
  provideCompletion,
  provideHover,
  provideReferences,
  provideQuickFixes,
  type Range,
  tagCounts,
  tagSpelling,
  tagTree,
  type TagTreeNode,
} from '@ospo-notes/engine';
import { featureContextOf } from '../support/vaults';

const vault = featureContextOf;

function r(sl: number, sc: number, el: number, ec: number): Range {
  return { start: { line: sl, character: sc }, end: { line: el, character: ec } };
}

/** The tree as `name own/count` lines, indented by depth: what the Tags view shows. */
function outline(nodes: TagTreeNode[], depth = 0): string[] {
  return nodes.flatMap((n) => [`${'  '.repeat(depth)}${n.label} (${n.name}) ${n.ownCount}/${n.count}`, ...outline(n.children, depth + 1)]);
}

describe('tags: the hierarchy', () => {
  it('nests tags by their slashes, with a parent no note uses alone, and counts each note once per tag', () => {
    const ctx = vault({
      'a.md': 'Body #tech/opensource and #tech/opensource again.\n',
      'b.md': '#tech/ai/llm #inbox\n',
      'c.md': 'Nothing here.\n',
    });
    assert.deepEqual(outline(tagTree(ctx.index)), [
      'inbox (inbox) 1/1',
      'tech (tech) 0/2',
      '  ai (tech/ai) 0/1',
      '    llm (tech/ai/llm) 1/1',
      '  opensource (tech/opensource) 1/1',
    ]);
  });

  it('reads frontmatter tags in list, flow-list and string forms, `tags` and `tag`, with or without `#`', () => {
    const ctx = vault({
      'list.md': '---\ntags:\n  - project/alpha\n  - "#meeting"\n---\n',
      'flow.md': '---\ntags: [project, idea]\n---\n',
      'string.md': '---\ntags: project/beta, meeting\n---\n',
      'singular.md': '---\ntag: idea\n---\n#idea in the body too\n',
    });
    assert.deepEqual(outline(tagTree(ctx.index)), [
      'idea (idea) 2/2',
      'meeting (meeting) 2/2',
      'project (project) 1/3',
      '  alpha (project/alpha) 1/1',
      '  beta (project/beta) 1/1',
    ]);
    assert.deepEqual(
      notesWithTag(ctx.index, 'idea').map((n) => [n.path, n.occurrences.map((o) => [o.range.start.line, o.inFrontmatter])]),
      [
        ['flow.md', [[1, true]]],
        ['singular.md', [[1, true], [3, false]]],
      ],
    );
    assert.deepEqual(notesWithTag(ctx.index, 'meeting')[0], { path: 'list.md', occurrences: [{ range: r(3, 6, 3, 13), inFrontmatter: true }] });
  });

  it('groups tags case-insensitively and shows the most common spelling, for parents too', () => {
    const ctx = vault({
      'a.md': '#Tech/AI #tech/ai\n',
      'b.md': '#tech/ai #TECH\n',
      'c.md': '#Tech/web\n',
    });
    // tech: Tech ×2 (Tech/AI, Tech/web), tech ×2 (tech/ai ×2), TECH ×1 → a tie of two, broken in code-point order.
    assert.deepEqual(outline(tagTree(ctx.index)), ['Tech (Tech) 1/3', '  ai (tech/ai) 2/2', '  web (Tech/web) 1/1']);
    assert.equal(tagSpelling(ctx.index, 'TECH'), 'Tech');
    assert.equal(tagSpelling(ctx.index, 'TECH/AI'), 'tech/ai');
    assert.deepEqual(tagCounts(ctx.index, 'tech'), { ownCount: 1, count: 3 });
    assert.deepEqual(tagCounts(ctx.index, 'tech/AI'), { ownCount: 2, count: 2 });
    assert.deepEqual(
      notesWithTag(ctx.index, 'TECH/ai').map((n) => [n.path, n.occurrences.length]),
      [
        ['a.md', 2],
        ['b.md', 1],
      ],
    );
  });

  it('completion offers a tag in the spelling the Tags view shows', () => {
    const ctx = vault({ 'a.md': '#Tech/AI #tech/ai\n', 'b.md': '#tech/ai\n', 'c.md': '#Tech/AI #tech/ai\n', 'd.md': 'x #te\n' });
    const labels = provideCompletion(ctx, 'd.md', { line: 0, character: 5 }).items.map((i) => i.label);
    // tech/ai ×3 against Tech/AI ×2; `tech` alone: tech ×3, Tech ×2.
    assert.deepEqual(outline(tagTree(ctx.index)), ['te (te) 1/1', 'tech (tech) 0/3', '  ai (tech/ai) 3/3']);
    assert.deepEqual(labels, ['#tech/ai']);
  });

  it('is not fooled by a tag that merely starts like another (#technology is not under #tech)', () => {
    const ctx = vault({ 'a.md': '#tech #technology #tech/x\n' });
    assert.deepEqual(outline(tagTree(ctx.index)), ['tech (tech) 1/1', '  x (tech/x) 1/1', 'technology (technology) 1/1']);
    assert.deepEqual(
      provideReferences(ctx, 'a.md', { line: 0, character: 2 }, false).map((l) => l.range.start.character),
      [0, 18],
    );
  });

  it('follows the index as notes change', () => {
    const ctx = vault({ 'a.md': '#one\n', 'b.md': '#one/two\n' });
    assert.equal(tagCounts(ctx.index, 'one').count, 2);
    ctx.index.upsertNote(parseNote('b.md', 'no tags\n'));
    assert.deepEqual(outline(tagTree(ctx.index)), ['one (one) 1/1']);
  });
});

describe('references on a parent tag', () => {
  it('list the nested tags too (#tech lists #tech/opensource), from body and frontmatter', () => {
    const ctx = vault({
      'a.md': '---\ntags: [tech/opensource]\n---\nSee #tech here.\n',
      'b.md': '#Tech/OpenSource/licences\n',
    });
    assert.deepEqual(provideReferences(ctx, 'a.md', { line: 3, character: 6 }, false), [
      { path: 'a.md', range: r(1, 7, 1, 22) },
      { path: 'a.md', range: r(3, 4, 3, 9) },
      { path: 'b.md', range: r(0, 0, 0, 25) },
    ]);
    // From the nested tag: itself and what is nested under it, never its parent.
    assert.deepEqual(provideReferences(ctx, 'a.md', { line: 1, character: 10 }, false), [
      { path: 'a.md', range: r(1, 7, 1, 22) },
      { path: 'b.md', range: r(0, 0, 0, 25) },
    ]);
  });
});

describe('hover on a tag', () => {
  const hover = (ctx: FeatureContext, path: string, line: number, character: number): string | undefined => {
    const h = provideHover(ctx, path, { line, character }, { toUri: (p) => `file:///v/${p}` });
    return h === undefined ? undefined : (h.contents as { value: string }).value;
  };

  it('says what the Tags view says: the spelling, the notes with the tag, and with its nested tags', () => {
    const ctx = vault({
      'a.md': '---\ntags: [Tech/git]\n---\nSee #tech and #Tech/OpenSource.\n',
      'b.md': '#tech/opensource #Tech/git\n',
    });
    const tree = tagTree(ctx.index);
    // tech/opensource and Tech/OpenSource once each: the tie goes to the first in code-point order.
    assert.deepEqual(outline(tree), ['Tech (Tech) 1/2', '  git (Tech/git) 2/2', '  OpenSource (Tech/OpenSource) 2/2']);
    assert.equal(
      hover(ctx, 'a.md', 3, 6),
      '**#Tech** · 1 note\n\n2 notes with the tags nested under it: `#Tech/git`, `#Tech/OpenSource`.\n\nFind All References lists every use; the Tags view shows them all.',
    );
    // A frontmatter tag: the same hover, with the view's spelling.
    assert.equal(hover(ctx, 'a.md', 1, 9), '**#Tech/git** · 2 notes\n\nFind All References lists every use; the Tags view shows them all.');
    assert.equal(hover(ctx, 'b.md', 0, 3)?.split('\n')[0], '**#Tech/OpenSource** · 2 notes');
    assert.equal(hover(ctx, 'a.md', 3, 1), undefined, 'plain text: no hover');
  });
});

describe('orphans', () => {
  it('are the notes nothing else links to or embeds; self-links do not count; each says how many notes it links to', () => {
    const ctx = vault(
      {
        'Hub.md': '[[Linked]] and [[Linked#Nowhere]]\n',
        'Linked.md': 'Back to [[Hub]].\n',
        'Embedded.md': 'Shown elsewhere.\n',
        'Host.md': '![[Embedded]] [[Host]] [[#Top]]\n# Top\n',
        'Lonely.md': 'Only [[Lonely#Self]] and [[Missing]].\n# Self\n',
        'Outward.md': '[[Hub]] [[pic.png]]\n',
        'Pointed.md': 'x\n',
        'Pointer.md': '[[Pointed#No such heading]]\n',
        'templates/Meeting.md': '# {{title}}\n',
      },
      ['pic.png'],
    );
    assert.deepEqual(findOrphans(ctx.index, { templatesFolder: 'templates' }), [
      { path: 'Host.md', linksOut: 1 },
      { path: 'Lonely.md', linksOut: 0 },
      { path: 'Outward.md', linksOut: 2 },
      { path: 'Pointer.md', linksOut: 1 },
    ]);
    assert.ok(findOrphans(ctx.index).some((o) => o.path === 'templates/Meeting.md'), 'without a templates folder, a template is a note like any other');
  });

  it('keep their title and follow the index', () => {
    const ctx = vault({ 'a.md': '---\ntitle: Alpha\n---\n', 'b.md': 'nothing\n' });
    assert.deepEqual(findOrphans(ctx.index), [
      { path: 'a.md', title: 'Alpha', linksOut: 0 },
      { path: 'b.md', linksOut: 0 },
    ]);
    ctx.index.upsertNote(parseNote('b.md', '[[a]]\n'));
    assert.deepEqual(findOrphans(ctx.index), [{ path: 'b.md', linksOut: 1 }]);
  });
});

describe('placeholders', () => {
  const files = {
    'Home.md': 'See [[Plan]], [[plan]] and [Plan](Plan.md).\nAlso ![[Missing picture.png]] and [[Plan#Goals]] and [[Home#Nope]].\n',
    'projects/Roadmap.md': '[[Plan]] and [[projects/Budget]] and [[What?]] and [web](https://example.com) [gh](github.com/x).\n',
    'Templater.md': '[[<% tp.file.title %>]]\n',
  };

  it('group unresolved note links by the note creating them would make, most-awaited first', () => {
    const ctx = vault(files);
    const found = findPlaceholders(ctx.index, { newNoteFolder: '' });
    assert.deepEqual(
      found.map((p) => [p.name, p.path, p.reason === undefined ? '' : 'refused', p.links.map((l) => `${l.source}:${l.range.start.line}:${l.range.start.character}`)]),
      [
        ['Plan', 'Plan.md', '', ['Home.md:0:4', 'Home.md:0:14', 'Home.md:0:27', 'Home.md:1:34', 'projects/Roadmap.md:0:0']],
        ['Budget', 'projects/Budget.md', '', ['projects/Roadmap.md:0:13']],
        ['What?', undefined, 'refused', ['projects/Roadmap.md:0:37']],
      ],
    );
    assert.match(found[2].reason!, /not allowed in file names/);
  });

  it('keep apart the same name waiting in two folders when new notes go next to the linking note', () => {
    const ctx = vault(files);
    const found = findPlaceholders(ctx.index, { newNoteFolder: '.' });
    assert.deepEqual(
      found.filter((p) => p.name === 'Plan').map((p) => [p.path, p.links.length]),
      [
        ['Plan.md', 4],
        ['projects/Plan.md', 1],
      ],
    );
  });

  it('disappear when the note appears', () => {
    const ctx = vault({ 'a.md': '[[b]]\n' });
    assert.equal(findPlaceholders(ctx.index, { newNoteFolder: '' }).length, 1);
    ctx.index.upsertNote(parseNote('B.md', '# B\n'));
    assert.deepEqual(findPlaceholders(ctx.index, { newNoteFolder: '' }), []);
  });

  it('"Create Note" makes the note the create-note quick fix makes, in the folder for new notes, from the template', () => {
    const ctx: FeatureContext = {
      ...vault({ 'a.md': 'Read [[Reading list]].\n' }),
      settings: () => ({ ...DEFAULT_VAULT_SETTINGS, newNoteFolder: 'inbox' }),
    };
    const [placeholder] = findPlaceholders(ctx.index, { newNoteFolder: 'inbox' });
    assert.equal(placeholder.path, 'inbox/Reading list.md');
    const options = { newNoteTemplate: '---\ntitle: {{title}}\n---\n# {{title}}\n' };
    const created = placeholderNoteCreation(ctx, placeholder.path!, options);
    assert.ok(created.ok);
    assert.deepEqual(created.create, { path: 'inbox/Reading list.md', text: '---\ntitle: Reading list\n---\n# Reading list\n' });
    const fix = provideQuickFixes(ctx, 'a.md', [{ code: 'unresolved-link', range: r(0, 5, 0, 21) }], options).find((f) => f.create);
    assert.deepEqual(fix?.create, created.create);
  });

  it('"Create Note" is refused with a reason when nothing waits any more or a file is there', () => {
    const ctx = vault({ 'a.md': '[[b]]\n' });
    const none = placeholderNoteCreation(ctx, 'nothing.md', {});
    assert.ok(!none.ok);
    assert.match(none.reason, /No link waits/);
    const outside = placeholderNoteCreation(ctx, 'b.md', { isMember: () => false });
    assert.ok(!outside.ok);
    assert.match(outside.reason, /cannot be created/);
  });
});

