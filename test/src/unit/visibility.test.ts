import * as assert from 'node:assert/strict';
import {
  declaredVisibility,
  type DiagnosticOptions,
  noteDiagnostics,
  noteVisibility,
  type FeatureContext,
  parseNote,
  provideCompletion,
  provideHover,
  VaultIndex,
  type Visibility,
  visibilityRule,
} from '@ospo-notes/engine';

const pub = (body: string): string => `---\nvisibility: public\n---\n${body}`;
const priv = (body: string): string => `---\nvisibility: private\n---\n${body}`;

function vault(notes: Record<string, string>, attachments: string[] = []): VaultIndex {
  const index = new VaultIndex();
  index.load(Object.entries(notes).map(([p, t]) => parseNote(p, t)), attachments);
  return index;
}

/** The `private-link` problems of a note, as `line:character chain`. */
function leaks(index: VaultIndex, path: string, options: DiagnosticOptions = {}): string[] {
  return visibilityRule
    .check({ index, options }, path)
    .map((d) => `${d.range.start.line}:${d.range.start.character} ${d.data!.chain!.map((p) => p.replace(/\.md$/, '')).join(' → ')}`);
}

describe('visibility', () => {
  describe('the visibility of a note', () => {
    it('reads public and private from the frontmatter, anything else is undeclared', () => {
      assert.equal(declaredVisibility(parseNote('a.md', pub(''))), 'public');
      assert.equal(declaredVisibility(parseNote('a.md', priv(''))), 'private');
      assert.equal(declaredVisibility(parseNote('a.md', '---\nvisibility: " Public "\n---\n')), 'public');
      assert.equal(declaredVisibility(parseNote('a.md', '---\nvisibility: secret\n---\n')), undefined);
      assert.equal(declaredVisibility(parseNote('a.md', '---\nvisibility: [public]\n---\n')), undefined);
      assert.equal(declaredVisibility(parseNote('a.md', '# no frontmatter\n')), undefined);
      assert.equal(noteVisibility(parseNote('a.md', 'x\n')), 'private');
      assert.equal(noteVisibility(parseNote('a.md', 'x\n'), 'public'), 'public');
      assert.equal(noteVisibility(parseNote('a.md', priv('')), 'public'), 'private');
    });
  });

  describe('private-link', () => {
    it('warns on a public note linking or embedding a private note, naming both', () => {
      const index = vault({ 'A.md': pub('See [[C]] and ![[C]] and [c](C.md).\n'), 'C.md': priv('secret\n') });
      assert.deepEqual(leaks(index, 'A.md'), ['3:4 A → C', '3:14 A → C', '3:25 A → C']);
      const [link, embed] = visibilityRule.check({ index, options: {} }, 'A.md');
      assert.equal(link.severity, 'warning');
      assert.equal(link.code, 'private-link');
      assert.match(link.message, /Public note 'A' links to private note 'C'/);
      assert.match(embed.message, /Public note 'A' embeds private note 'C'/);
      assert.deepEqual(link.related?.map((r) => [r.path, r.range.start.line]), [['C.md', 1]]);
    });

    it('follows a chain through two embeds, and names it on the first embed', () => {
      const index = vault({
        'A.md': pub('# A\n\n![[B]]\n'),
        'B.md': pub('# B\n\n![[B2]]\n'),
        'B2.md': pub('# B2\n\ntext ![[C]]\n'),
        'C.md': priv('secret\n'),
      });
      assert.deepEqual(leaks(index, 'A.md'), ['5:0 A → B → B2 → C']);
      assert.deepEqual(leaks(index, 'B.md'), ['5:0 B → B2 → C']);
      assert.deepEqual(leaks(index, 'B2.md'), ['5:5 B2 → C']);
      const [d] = visibilityRule.check({ index, options: {} }, 'A.md');
      assert.match(d.message, /transcludes private note 'C' through embeds: A → B → B2 → C\./);
      assert.deepEqual(
        d.related?.map((r) => `${r.path}:${r.range.start.line}:${r.range.start.character} ${r.message}`),
        ["B.md:0:0 'B' embeds 'B2'", "B2.md:0:0 'B2' embeds 'C'", "C.md:1:0 'C' is private"],
      );
    });

    it('does not follow plain links: a note linking a private note is its own problem, not its embedders\'', () => {
      const index = vault({ 'A.md': pub('![[B]]\n'), 'B.md': pub('[[C]]\n'), 'C.md': priv('') });
      assert.deepEqual(leaks(index, 'A.md'), []);
      assert.deepEqual(leaks(index, 'B.md'), ['3:0 B → C']);
    });

    it('counts only the embeds inside the heading section or block that is embedded', () => {
      const index = vault({
        'A.md': pub('![[B#Safe]] ![[B#Leaky]] ![[B#^blk]] ![[B#Missing]]\n'),
        'B.md': pub('# Safe\n\nnothing\n\n# Leaky\n\n![[C]]\n\n![[C]] ^blk\n'),
        'C.md': priv(''),
      });
      assert.deepEqual(leaks(index, 'A.md'), ['3:12 A → B → C', '3:25 A → B → C']);
    });

    it('ends on cycles of embeds, and still finds a leak behind one', () => {
      const index = vault({
        'A.md': pub('![[B]]\n'),
        'B.md': pub('![[A]] ![[B]] ![[D]]\n'),
        'D.md': pub('![[B]] ![[C]]\n'),
        'C.md': priv(''),
        'X.md': pub('![[Y]]\n'),
        'Y.md': pub('![[X]] ![[Y#H]]\n# H\n![[X]]\n'),
      });
      assert.deepEqual(leaks(index, 'A.md'), ['3:0 A → B → D → C']);
      assert.deepEqual(leaks(index, 'X.md'), []);
      assert.deepEqual(leaks(index, 'Y.md'), []);
    });

    it('prefers a private note embedded directly over a deeper chain', () => {
      const index = vault({ 'A.md': pub('![[B]]\n'), 'B.md': pub('![[D]] ![[C]]\n'), 'D.md': pub('![[E]]\n'), 'E.md': priv(''), 'C.md': priv('') });
      assert.deepEqual(leaks(index, 'A.md'), ['3:0 A → B → C']);
    });

    it('gives the same chains whichever note is checked first', () => {
      const notes = { 'A.md': pub('![[B]] ![[D]]\n'), 'B.md': pub('![[D]]\n'), 'D.md': pub('![[B]] ![[E]]\n'), 'E.md': pub('![[C]]\n'), 'C.md': priv('') };
      const one = vault(notes);
      const forward = ['A.md', 'B.md', 'D.md', 'E.md'].map((p) => leaks(one, p));
      const two = vault(notes);
      const backward = ['E.md', 'D.md', 'B.md', 'A.md'].map((p) => leaks(two, p)).reverse();
      assert.deepEqual(forward, backward);
      assert.deepEqual(forward[0], ['3:0 A → B → D → E → C', '3:7 A → D → E → C']);
    });

    it('checks only public notes, and ignores links to attachments, missing notes and the note itself', () => {
      const index = vault({ 'P.md': priv('[[C]]\n'), 'A.md': pub('![[img.png]] [[Nope]] [[#H]] [[A]]\n# H\n'), 'C.md': priv('') }, ['img.png']);
      assert.deepEqual(leaks(index, 'P.md'), []);
      assert.deepEqual(leaks(index, 'A.md'), []);
    });

    it('ospoNotes.visibility.default decides for notes without a visibility', () => {
      const index = vault({ 'A.md': '[[C]] [[U]]\n', 'B.md': pub('[[U]] ![[E]]\n'), 'E.md': '![[C]]\n', 'C.md': priv(''), 'U.md': 'no frontmatter\n' });
      // Default private: an unmarked note is not published (A is not checked) and links to it leak.
      assert.deepEqual(leaks(index, 'A.md'), []);
      assert.deepEqual(leaks(index, 'B.md'), ['3:0 B → U', '3:6 B → E']);
      const [toUnmarked] = visibilityRule.check({ index, options: {} }, 'B.md');
      assert.match(toUnmarked.message, /private note 'U' \(private by default: it has no 'visibility'\)/);
      // Default public: unmarked notes are public, so A is checked, B → U is fine and E is followed.
      assert.deepEqual(leaks(index, 'A.md', { defaultVisibility: 'public' }), ['0:0 A → C']);
      assert.deepEqual(leaks(index, 'B.md', { defaultVisibility: 'public' }), ['3:6 B → E → C']);
      // And back: the remembered results belong to one default.
      assert.deepEqual(leaks(index, 'B.md'), ['3:0 B → U', '3:6 B → E']);
    });

    it('is part of the note\'s diagnostics, with the severity the options give', () => {
      const index = vault({ 'A.md': pub('[[C]]\n'), 'C.md': priv('') });
      assert.deepEqual(noteDiagnostics(index, 'A.md').map((d) => `${d.code} ${d.severity}`), ['private-link warning']);
      assert.deepEqual(noteDiagnostics(index, 'A.md', { privateLinkSeverity: 'error' }).map((d) => `${d.code} ${d.severity}`), ['private-link error']);
    });
  });

  describe('incremental: what a change affects', () => {
    it('records a visibility export change, and nothing else changes it', () => {
      const index = vault({ 'B.md': pub('x\n') });
      const change = index.upsertNote(parseNote('B.md', priv('x\n')));
      assert.equal(change.exports.get('B.md')?.visibility, true);
      const typing = index.upsertNote(parseNote('B.md', priv('x y\n')));
      assert.equal(typing.exports.get('B.md')?.visibility ?? false, false);
      const otherKey = index.upsertNote(parseNote('B.md', '---\nvisibility: private\ntitle: B\n---\nx y\n'));
      assert.equal(otherKey.exports.get('B.md')?.frontmatter, true);
      assert.equal(otherKey.exports.get('B.md')?.visibility, false);
    });

    it('changing B\'s visibility affects its linkers and everyone up the embed chain, and their results follow', () => {
      const index = vault({
        'A.md': pub('![[B]]\n'),
        'A2.md': pub('![[A]]\n'),
        'L.md': pub('[[B]]\n'),
        'N.md': pub('unrelated [[A2]]\n'),
        'B.md': pub('![[C]]\n'),
        'C.md': pub('text\n'),
      });
      for (const p of ['A.md', 'A2.md', 'L.md', 'N.md', 'B.md']) assert.deepEqual(leaks(index, p), [], p);

      const cPrivate = index.upsertNote(parseNote('C.md', priv('text\n')));
      assert.deepEqual([...visibilityRule.affected!(cPrivate, index)].sort(), ['A.md', 'A2.md', 'B.md', 'C.md']);
      assert.deepEqual(leaks(index, 'A2.md'), ['3:0 A2 → A → B → C']);
      assert.deepEqual(leaks(index, 'B.md'), ['3:0 B → C']);

      const bPrivate = index.upsertNote(parseNote('B.md', priv('![[C]]\n')));
      assert.deepEqual([...visibilityRule.affected!(bPrivate, index)].sort(), ['A.md', 'A2.md', 'B.md', 'L.md']);
      assert.deepEqual(leaks(index, 'A2.md'), ['3:0 A2 → A → B']);
      assert.deepEqual(leaks(index, 'L.md'), ['3:0 L → B']);

      // Fixed: B no longer embeds C and is public again.
      const fixed = index.upsertNote(parseNote('B.md', pub('plain\n')));
      assert.ok([...visibilityRule.affected!(fixed, index)].includes('A2.md'));
      for (const p of ['A.md', 'A2.md', 'L.md', 'B.md']) assert.deepEqual(leaks(index, p), [], p);
    });

    it('an edit of an embedded note that adds an embed of a private note reaches its embedders', () => {
      const index = vault({ 'A.md': pub('![[B]]\n'), 'B.md': pub('safe\n'), 'C.md': priv('') });
      assert.deepEqual(leaks(index, 'A.md'), []);
      const change = index.upsertNote(parseNote('B.md', pub('safe ![[C]]\n')));
      assert.ok([...visibilityRule.affected!(change, index)].includes('A.md'));
      assert.deepEqual(leaks(index, 'A.md'), ['3:0 A → B → C']);
      index.removeFile('C.md');
      assert.deepEqual(leaks(index, 'A.md'), []);
    });

    it('walks a cycle of embeds once', () => {
      const index = vault({ 'A.md': pub('![[B]]\n'), 'B.md': pub('![[A]]\n'), 'C.md': pub('') });
      const change = index.upsertNote(parseNote('C.md', priv('')));
      assert.deepEqual([...visibilityRule.affected!(change, index)].sort(), ['C.md']);
      const edit = index.upsertNote(parseNote('B.md', pub('![[A]] ![[C]]\n')));
      assert.deepEqual([...visibilityRule.affected!(edit, index)].sort(), ['A.md', 'B.md']);
    });

    it('typing or adding lines in an embedded note reaches none of the notes up its chains; moving an embed to another section does', () => {
      const notes: Record<string, string> = { 'Hub.md': pub('# Hub\n\nText.\n\n![[C]]\n'), 'C.md': priv('') };
      for (let i = 0; i < 50; i++) notes[`E${i}.md`] = pub('![[Hub]]\n');
      for (let i = 0; i < 50; i++) notes[`T${i}.md`] = pub(`![[E${i}]]\n`);
      const index = vault(notes);
      for (let i = 0; i < 50; i++) assert.deepEqual(leaks(index, `T${i}.md`), [`3:0 T${i} → E${i} → Hub → C`]);
      /** What a change affects besides the notes the index re-resolved (which every rule re-runs for anyway). */
      const beyond = (change: ReturnType<VaultIndex['upsertNote']>): string[] => [...visibilityRule.affected!(change, index)].filter((p) => !change.resolutions.has(p));
      assert.deepEqual(beyond(index.upsertNote(parseNote('Hub.md', pub('# Hub\n\nText typed on.\n\n![[C]]\n')))), []);
      assert.deepEqual(beyond(index.upsertNote(parseNote('Hub.md', pub('# Hub\n\nText typed on.\n\nAnd a new line.\n\n![[C]]\n')))), []);
      // Their problems are still right, and name no line that moved.
      assert.deepEqual(leaks(index, 'T7.md'), ['3:0 T7 → E7 → Hub → C']);
      const [d] = visibilityRule.check({ index, options: {} }, 'T7.md');
      assert.deepEqual(d.related?.map((r) => `${r.path}:${r.range.start.line}`), ['E7.md:0', 'Hub.md:0', 'C.md:1']);
      const moved = beyond(index.upsertNote(parseNote('Hub.md', pub('# Hub\n\nText typed on.\n\n## Private part\n\n![[C]]\n'))));
      assert.equal(moved.filter((p) => p.startsWith('T')).length, 50);
    });

    it('typing in a note whose heading others embed reaches none of the notes up their chains (regression)', () => {
      // The embedders keep their resolutions when the target is re-parsed with the same headings: their heading
      // objects are the old model's, and must still name the same part.
      const notes: Record<string, string> = { 'Guide.md': pub('# Guide\n\n## Setup\n\nSteps.\n'), 'Mid.md': pub('![[Guide#Setup]]\n') };
      for (let i = 0; i < 30; i++) notes[`Up${i}.md`] = pub('![[Mid]]\n');
      const index = vault(notes);
      assert.deepEqual(leaks(index, 'Up3.md'), []);
      const beyond = (change: ReturnType<VaultIndex['upsertNote']>): string[] => [...visibilityRule.affected!(change, index)].filter((p) => !change.resolutions.has(p));
      assert.deepEqual(beyond(index.upsertNote(parseNote('Guide.md', pub('# Guide\n\n## Setup\n\nSteps typed on.\n')))), []);
      // Typing in Mid re-resolves it, reusing its embed's result, whose heading is the old model's of Guide.
      assert.deepEqual(beyond(index.upsertNote(parseNote('Mid.md', pub('Typed.\n\n![[Guide#Setup]]\n')))), []);
    });

    it('a memo made while a change is applied takes every chain up from it as affected', () => {
      const index = vault({ 'A.md': pub('![[B]]\n'), 'B.md': pub('x\n') });
      // No check has run on this index yet: affected() is the first to look.
      const change = index.upsertNote(parseNote('B.md', pub('x\n')));
      assert.deepEqual([...visibilityRule.affected!(change, index)].sort(), ['A.md', 'B.md']);
    });

    it('stays linear on a long chain of public embeds', () => {
      const n = 20000;
      const notes: Record<string, string> = {};
      for (let i = 0; i < n; i++) notes[`N${i}.md`] = pub(`![[N${i + 1}]]\n`);
      notes[`N${n}.md`] = pub('end\n');
      const index = vault(notes);
      const started = performance.now();
      for (let i = 0; i < n; i++) assert.deepEqual(visibilityRule.check({ index, options: {} }, `N${i}.md`), []);
      const ms = performance.now() - started;
      assert.ok(ms < 2000, `${ms} ms`);
    });
  });

  describe('completion and hover', () => {
    const texts: Record<string, string> = {
      'Pub.md': pub('[[\n'),
      'Priv.md': priv('[[\n'),
      'Plain.md': '[[\n',
      'Secret Plan.md': priv('# Plan\n'),
      'Site.md': pub('# Site\n'),
      'Scribble.md': 'no frontmatter\n',
    };
    const context = (defaultVisibility?: Visibility): FeatureContext => {
      const index = vault(texts);
      return { index, getText: (p) => texts[p], defaultVisibility };
    };
    /** Completion of `[[` in `path`: label → the label's description. */
    const offered = (path: string, defaultVisibility?: Visibility): Record<string, string> => {
      const list = provideCompletion(context(defaultVisibility), path, { line: path === 'Plain.md' ? 0 : 3, character: 2 });
      const out: Record<string, string> = {};
      for (const i of list.items) if (['Secret Plan', 'Site', 'Scribble'].includes(i.label)) out[i.label] = i.labelDetails?.description ?? '';
      return out;
    };

    it('marks private notes when writing in a public note, and only then', () => {
      assert.deepEqual(offered('Pub.md'), { 'Secret Plan': 'private', Site: '', Scribble: 'private' });
      assert.deepEqual(offered('Priv.md'), { 'Secret Plan': '', Site: '', Scribble: '' });
      assert.deepEqual(offered('Plain.md'), { 'Secret Plan': '', Site: '', Scribble: '' });
      // With public as the default, the note without a visibility is public: it writes, and is offered, as one.
      assert.deepEqual(offered('Plain.md', 'public'), { 'Secret Plan': 'private', Site: '', Scribble: '' });
      const item = provideCompletion(context(), 'Pub.md', { line: 3, character: 2 }).items.find((i) => i.label === 'Secret Plan')!;
      assert.equal(item.detail, 'Secret Plan.md (private note)');
    });

    it("hover on a link names the target's visibility, and says when it is the default's", () => {
      const index = vault({ 'A.md': pub('[[Secret Plan]] [[Site]] [[Scribble]]\n'), 'Secret Plan.md': priv('# Plan\n'), 'Site.md': pub('# Site\n'), 'Scribble.md': 'x\n' });
      const ctx: FeatureContext = { index, getText: () => 'x\n' };
      const title = (character: number, c: FeatureContext = ctx): string => {
        const h = provideHover(c, 'A.md', { line: 3, character }, { toUri: (p) => `file:///${p}` });
        return (h!.contents as { value: string }).value.split('\n')[0];
      };
      assert.equal(title(3), '`Secret Plan.md` · private note');
      assert.equal(title(19), '`Site.md` · public note');
      assert.equal(title(28), '`Scribble.md` · private note (by default: no `visibility`)');
      assert.equal(title(28, { ...ctx, defaultVisibility: 'public' }), '`Scribble.md` · public note (by default: no `visibility`)');
      // From a note that is not public, a note without a visibility is shown as it was: nothing to warn about.
      const plain = vault({ 'P.md': '[[Scribble]] [[Site]]\n', 'Scribble.md': 'x\n', 'Site.md': pub('') });
      const hoverTitle = (character: number): string =>
        (provideHover({ index: plain, getText: () => 'x\n' }, 'P.md', { line: 0, character }, { toUri: (p) => p })!.contents as { value: string }).value.split('\n')[0];
      assert.equal(hoverTitle(3), '`Scribble.md`');
      assert.equal(hoverTitle(16), '`Site.md` · public note');
      // The private-link problem is its diagnostic's to show (the editor puts it in the same hover): not repeated.
      const h = provideHover(ctx, 'A.md', { line: 3, character: 3 }, { toUri: (p) => `file:///${p}` });
      assert.doesNotMatch((h!.contents as { value: string }).value, /links to private note/);
    });
  });
});
