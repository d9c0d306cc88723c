import * as assert from 'node:assert/strict';
import {
  emptyChange,
  exportChanges,
  type IndexChange,
  mergeChange,
  noteDiagnostics,
  type NoteModel,
  parseNote,
  VaultIndex,
} from '@ospo-notes/engine';
import { prng } from '../support/prng';

const note = (path: string, text: string): NoteModel => parseNote(path, text);
/** Sorted paths: of a set, or of a change record's notes whose resolutions changed. */
const sorted = (s: Iterable<string> | IndexChange): string[] => [...('resolutions' in s ? s.resolutions : s)].sort();

function vault(notes: Record<string, string>, attachments: string[] = []): VaultIndex {
  const index = new VaultIndex();
  index.load(
    Object.entries(notes).map(([p, t]) => note(p, t)),
    attachments,
  );
  return index;
}

/** The files the first link of a note matches, winner first (a single match needs no resolution detail). */
function candidates(index: VaultIndex, path: string): string[] {
  const t = index.linkTargets(path)[0];
  return t.resolution?.candidates ?? (t.target ? [t.target] : []);
}

/** Each link of a note as `status target`, in link order. */
function statuses(index: VaultIndex, path: string): string[] {
  return index.linkTargets(path).map((t) => (t.target ? `${t.status} ${t.target}` : t.status));
}

describe('vault: the index and its incremental updates', () => {
  describe('load', () => {
    it('resolves every link against the complete file set and records backlinks', () => {
      const index = vault({ 'A.md': '# H\npara ^b1', 'B.md': '[[A#H]] [[A#^b1]] ![[img.png]]', 'C.md': '[[B]] [[Nowhere]]' }, ['img.png']);
      assert.deepEqual(statuses(index, 'B.md'), ['resolved A.md', 'resolved A.md', 'resolved img.png']);
      assert.deepEqual(statuses(index, 'C.md'), ['resolved B.md', 'unresolved']);
      assert.deepEqual(sorted(index.backlinksOf('A.md')), ['B.md']);
      assert.deepEqual(sorted(index.backlinksOf('img.png')), ['B.md']);
      assert.deepEqual(sorted(index.backlinksOf('B.md')), ['C.md']);
      assert.deepEqual(sorted(index.backlinksOf('C.md')), []);
      assert.equal(index.noteCount, 3);
      assert.equal(index.files.size, 4);
    });
    it('records links under their name key, resolved or not', () => {
      const index = vault({ 'C.md': '[[folder/Nowhere#x]] [[B]]', 'B.md': '' });
      assert.deepEqual(sorted(index.notesLinkingName('NOWHERE')), ['C.md']);
      assert.deepEqual(sorted(index.notesLinkingName('b')), ['C.md']);
    });
    it('counts a self link `[[#H]]` as a backlink of the note itself', () => {
      const index = vault({ 'S.md': '# H\n[[#H]]' });
      assert.deepEqual(sorted(index.backlinksOf('S.md')), ['S.md']);
    });
  });

  describe('upsertNote', () => {
    it('returns the note and the notes linking to it, not unrelated notes', () => {
      const index = vault({ 'A.md': '# H', 'B.md': '[[A#H]]', 'C.md': '[[A]]', 'D.md': '[[E]]', 'E.md': '' });
      const seen: IndexChange[] = [];
      index.onChange((c) => seen.push(c));
      const change = index.upsertNote(note('A.md', '# H2'));
      // C's link names no heading: A's new headings cannot change its result.
      assert.deepEqual(sorted(change), ['A.md', 'B.md']);
      assert.deepEqual([[...change.added], [...change.changed], [...change.removed]], [[], ['A.md'], []]);
      assert.deepEqual(change.exports.get('A.md'), { headings: true, blockIds: false, names: false, frontmatter: false, visibility: false });
      assert.deepEqual(seen, [change]);
    });
    it('turns a link missing-heading when the heading is renamed, and back', () => {
      const index = vault({ 'A.md': '# Heading', 'B.md': 'x [[A#Heading]]' });
      assert.deepEqual(sorted(index.upsertNote(note('A.md', '# Renamed'))), ['A.md', 'B.md']);
      assert.deepEqual(statuses(index, 'B.md'), ['missing-heading A.md']);
      assert.equal(index.linkTargets('B.md')[0].failedSegment, 'Heading');
      assert.deepEqual(sorted(index.upsertNote(note('A.md', '# Heading'))), ['A.md', 'B.md']);
      assert.deepEqual(statuses(index, 'B.md'), ['resolved A.md']);
      assert.equal(index.linkTargets('B.md')[0].heading?.line, 0);
    });
    it('re-resolves only the links into a note whose headings changed, and names only the notes whose results read differently', () => {
      // An index note with thousands of links, a few into A: A's new heading re-resolves those few.
      const many = Array.from({ length: 3000 }, (_, i) => `- [[Other#H${i % 3}]] [[nope ${i}]]`).join('\n');
      const text = `[[A#One]] [[A#Two]] ![[A#^b1]] [[A]]\n${many}\n`;
      const index = vault({ 'A.md': '# One\n\n# Two\n\npara ^b1\n', 'Other.md': '# H0\n# H1\n', 'Index.md': text, 'Plain.md': '[[A]]' });
      const othersBefore = index.linkTargets('Index.md').slice(4);
      // A heading added at the end: every link into A finds what it found before (Plain links to no heading).
      assert.deepEqual(sorted(index.upsertNote(note('A.md', '# One\n\n# Two\n\npara ^b1\n\n# Three\n'))), ['A.md']);
      // `Two` renamed: Index's link to it is missing now, the others into A are resolved as before.
      assert.deepEqual(sorted(index.upsertNote(note('A.md', '# One\n\n# Deux\n\npara ^b1\n\n# Three\n'))), ['A.md', 'Index.md']);
      assert.deepEqual(statuses(index, 'Index.md').slice(0, 4), ['resolved A.md', 'missing-heading A.md', 'resolved A.md', 'resolved A.md']);
      // A heading moved: the link to it now names the heading at its new line.
      assert.deepEqual(sorted(index.upsertNote(note('A.md', '\n# One\n\n# Deux\n\npara ^b1\n\n# Three\n'))), ['A.md', 'Index.md']);
      assert.equal(index.linkTargets('Index.md')[0].heading?.line, 1);
      assert.equal(index.linkTargets('Index.md')[2].block?.startLine, 5);
      // The links elsewhere kept their results, and everything equals a fresh load of the same notes.
      const after = index.linkTargets('Index.md');
      for (let i = 4; i < after.length; i++) assert.equal(after[i], othersBefore[i - 4]);
      const fresh = vault({ 'A.md': '\n# One\n\n# Deux\n\npara ^b1\n\n# Three\n', 'Other.md': '# H0\n# H1\n', 'Index.md': text, 'Plain.md': '[[A]]' });
      assert.deepEqual(index.linkTargets('Index.md'), fresh.linkTargets('Index.md'));
      assert.deepEqual(sorted(index.backlinksOf('A.md')), ['Index.md', 'Plain.md']);
      assert.deepEqual(sorted(index.embeddersOf('A.md')), ['Index.md']);
    });
    it('turns a block link missing-block when the id goes, and back', () => {
      const index = vault({ 'A.md': 'para ^b1', 'B.md': '![[A#^b1]]' });
      index.upsertNote(note('A.md', 'para'));
      assert.deepEqual(statuses(index, 'B.md'), ['missing-block A.md']);
      index.upsertNote(note('A.md', 'para\n\nother ^B1'));
      assert.deepEqual(statuses(index, 'B.md'), ['resolved A.md']);
      assert.equal(index.linkTargets('B.md')[0].block?.startLine, 2);
    });
    it('resolves waiting links when a note of that name is added, and returns those notes only', () => {
      const index = vault({ 'public/tech/OSPO.md': '[[Github]] [[WHO]]', 'X.md': '[[github#Sub]]', 'Other.md': '[[WHO]]' });
      assert.deepEqual(statuses(index, 'public/tech/OSPO.md'), ['unresolved', 'unresolved']);
      assert.deepEqual(sorted(index.upsertNote(note('people/Github.md', '## Sub'))), ['X.md', 'people/Github.md', 'public/tech/OSPO.md']);
      assert.deepEqual(statuses(index, 'public/tech/OSPO.md'), ['resolved people/Github.md', 'unresolved']);
      assert.deepEqual(statuses(index, 'X.md'), ['resolved people/Github.md']);
      assert.deepEqual(sorted(index.backlinksOf('people/Github.md')), ['X.md', 'public/tech/OSPO.md']);
    });
    it('moves backlinks when a note’s links change', () => {
      const index = vault({ 'A.md': '', 'B.md': '', 'S.md': '[[A]]' });
      assert.deepEqual(sorted(index.upsertNote(note('S.md', '[[B]]'))), ['S.md']);
      assert.deepEqual(sorted(index.backlinksOf('A.md')), []);
      assert.deepEqual(sorted(index.backlinksOf('B.md')), ['S.md']);
      assert.deepEqual(sorted(index.notesLinkingName('A')), []);
    });
  });

  describe('change records', () => {
    it('keep the document version of a buffer upsert, and forget it for a disk read or a removal', () => {
      const index = vault({ 'A.md': '' });
      index.upsertNote(note('A.md', 'x'), 7);
      assert.equal(index.versionOf('A.md'), 7);
      index.upsertNote(note('A.md', 'y'));
      assert.equal(index.versionOf('A.md'), undefined);
      index.upsertNote(note('A.md', 'z'), 9);
      index.removeFile('A.md');
      assert.equal(index.versionOf('A.md'), undefined);
    });
    it('merge: a file added then removed was never there; removed then added is changed', () => {
      const index = vault({ 'A.md': '[[B]]' });
      const records: IndexChange[] = [];
      index.onChange((c) => records.push(c));
      index.upsertNote(note('B.md', '# B'));
      index.removeFile('B.md');
      index.removeFile('A.md');
      index.upsertNote(note('A.md', 'again'));
      const merged = records.reduce(mergeChange, emptyChange());
      assert.deepEqual([[...merged.added], [...merged.changed], [...merged.removed]], [[], ['A.md'], []]);
      assert.deepEqual([...merged.exports.keys()], ['A.md']);
    });
  });

  describe('addAttachment', () => {
    it('resolves waiting embeds and returns only those notes', () => {
      const index = vault({ 'A.md': '![[pic.png]] [x](doc.pdf)', 'B.md': '[[pic]]', 'C.md': '' });
      assert.deepEqual(sorted(index.addAttachment('img/pic.png')), ['A.md']);
      assert.deepEqual(statuses(index, 'A.md'), ['resolved img/pic.png', 'unresolved']);
      assert.deepEqual(statuses(index, 'B.md'), ['unresolved']);
    });
    it('returns nothing for a file already known, and refuses a note', () => {
      const index = vault({ 'A.md': '![[pic.png]]' }, ['pic.png']);
      assert.deepEqual(sorted(index.addAttachment('pic.png')), []);
      assert.throws(() => index.addAttachment('N.md'), /addAttachment called with a note: N\.md/);
    });
  });

  describe('removeFile', () => {
    it('makes links to a removed note unresolved and returns the linking notes, not the removed one', () => {
      const index = vault({ 'A.md': '[[B]]', 'B.md': '[[A]]', 'C.md': '[[b#x]]', 'D.md': '[[D]]' });
      assert.deepEqual(sorted(index.removeFile('B.md')), ['A.md', 'C.md']);
      assert.deepEqual(statuses(index, 'A.md'), ['unresolved']);
      assert.deepEqual(statuses(index, 'C.md'), ['unresolved']);
      assert.equal(index.note('B.md'), undefined);
      assert.deepEqual(statuses(index, 'B.md'), []);
      assert.deepEqual(sorted(index.backlinksOf('A.md')), []);
    });
    it('removes an attachment', () => {
      const index = vault({ 'A.md': '![[pic.png]]' }, ['pic.png']);
      assert.deepEqual(sorted(index.removeFile('pic.png')), ['A.md']);
      assert.deepEqual(statuses(index, 'A.md'), ['unresolved']);
    });
    it('returns nothing for an unknown file', () => {
      const index = vault({ 'A.md': '[[B]]' });
      const seen: IndexChange[] = [];
      index.onChange((c) => seen.push(c));
      const change = index.removeFile('B.md');
      assert.deepEqual(sorted(change), []);
      assert.equal(change.removed.size, 0);
      assert.deepEqual(seen, []);
    });
  });

  describe('renameFile', () => {
    it('moves the model, re-resolves links to the old and the new name', () => {
      const index = vault({ 'A.md': '# H', 'B.md': '[[A#H]]', 'C.md': '[[A2]]', 'D.md': '' });
      assert.deepEqual(sorted(index.renameFile('A.md', 'x/A2.md')), ['B.md', 'C.md', 'x/A2.md']);
      assert.equal(index.note('A.md'), undefined);
      assert.equal(index.note('x/A2.md')?.headings[0].text, 'H');
      assert.equal(index.note('x/A2.md')?.path, 'x/A2.md');
      assert.deepEqual(statuses(index, 'B.md'), ['unresolved']);
      assert.deepEqual(statuses(index, 'C.md'), ['resolved x/A2.md']);
    });
    it('keeps the name when only the folder changes', () => {
      const index = vault({ 'A.md': '# H', 'B.md': '[[A#H]]' });
      assert.deepEqual(sorted(index.renameFile('A.md', 'sub/A.md')), ['B.md', 'sub/A.md']);
      assert.deepEqual(statuses(index, 'B.md'), ['resolved sub/A.md']);
    });
    it('renames attachments', () => {
      const index = vault({ 'A.md': '![[old.png]] ![[new.png]]' }, ['old.png']);
      assert.deepEqual(sorted(index.renameFile('old.png', 'new.png')), ['A.md']);
      assert.deepEqual(statuses(index, 'A.md'), ['unresolved', 'resolved new.png']);
    });
  });

  describe('aliases and titles ("did you mean")', () => {
    it('re-resolves notes waiting under an alias when it is added or removed, and the diagnostic follows', () => {
      const index = vault({ 'X.md': '[[AI]]', 'Y.md': '[[Other]]', 'Artificial Intelligence.md': '' });
      assert.equal(noteDiagnostics(index, 'X.md')[0].data?.aliasOf, undefined);
      assert.deepEqual(sorted(index.upsertNote(note('Artificial Intelligence.md', '---\naliases: [AI]\n---\n'))), ['Artificial Intelligence.md', 'X.md']);
      assert.equal(noteDiagnostics(index, 'X.md')[0].data?.aliasOf, 'Artificial Intelligence.md');
      assert.deepEqual(sorted(index.notesWithAlias('ai')), ['Artificial Intelligence.md']);
      assert.deepEqual(sorted(index.upsertNote(note('Artificial Intelligence.md', 'no alias'))), ['Artificial Intelligence.md', 'X.md']);
      assert.equal(noteDiagnostics(index, 'X.md')[0].data?.aliasOf, undefined);
      assert.deepEqual(sorted(index.notesWithAlias('AI')), []);
    });
    it('re-resolves notes waiting under a title, and when the titled note is removed', () => {
      const index = vault({ 'X.md': '[[Big Title]]', 'T.md': '' });
      assert.deepEqual(sorted(index.upsertNote(note('T.md', '---\ntitle: Big Title\n---'))), ['T.md', 'X.md']);
      assert.deepEqual(noteDiagnostics(index, 'X.md')[0].data?.suggestions, ['T.md']);
      assert.deepEqual(sorted(index.removeFile('T.md')), ['X.md']);
      assert.deepEqual(noteDiagnostics(index, 'X.md')[0].data?.suggestions, undefined);
    });
  });

  describe('near names ("did you mean" for typos)', () => {
    it('returns notes whose unresolved link is a near name of a file added or removed', () => {
      const index = vault({ 'X.md': '[[Gihub]]', 'Y.md': '[[Zebra]]' });
      assert.equal(noteDiagnostics(index, 'X.md')[0].data?.suggestions, undefined);
      assert.deepEqual(sorted(index.upsertNote(note('orgs/Github.md', ''))), ['X.md', 'orgs/Github.md']);
      assert.deepEqual(noteDiagnostics(index, 'X.md')[0].data?.suggestions, ['orgs/Github.md']);
      assert.deepEqual(sorted(index.renameFile('orgs/Github.md', 'orgs/Gitlab.md')), ['X.md', 'orgs/Gitlab.md']);
      assert.equal(noteDiagnostics(index, 'X.md')[0].data?.suggestions, undefined);
      assert.deepEqual(sorted(index.addAttachment('Gihub.png')), []);
      assert.deepEqual(sorted(index.upsertNote(note('Gihubb.md', ''))), ['Gihubb.md', 'X.md']);
      assert.deepEqual(sorted(index.removeFile('Gihubb.md')), ['X.md']);
    });
  });

  describe('ambiguity', () => {
    it('appears when a same-name note is added and disappears when it is removed', () => {
      const index = vault({ 'a/Dup.md': '', 'S.md': '[[Dup]]', 'U.md': '[[Other]]' });
      assert.deepEqual(candidates(index, 'S.md'), ['a/Dup.md']);
      assert.deepEqual(sorted(index.upsertNote(note('b/Dup.md', ''))), ['S.md', 'b/Dup.md']);
      assert.deepEqual(index.linkTargets('S.md')[0].resolution, { target: 'a/Dup.md', candidates: ['a/Dup.md', 'b/Dup.md'], rule: 'shortest' });
      assert.deepEqual(
        noteDiagnostics(index, 'S.md').map((d) => d.code),
        ['ambiguous-link'],
      );
      assert.deepEqual(sorted(index.upsertNote(note('Dup.md', ''))), ['Dup.md', 'S.md']);
      assert.deepEqual(index.linkTargets('S.md')[0].resolution, { target: 'Dup.md', candidates: ['Dup.md', 'a/Dup.md', 'b/Dup.md'], rule: 'exact' });
      assert.deepEqual(noteDiagnostics(index, 'S.md'), []);
      assert.deepEqual(sorted(index.removeFile('Dup.md')), ['S.md']);
      assert.deepEqual(sorted(index.removeFile('b/Dup.md')), ['S.md']);
      assert.deepEqual(candidates(index, 'S.md'), ['a/Dup.md']);
      assert.deepEqual(noteDiagnostics(index, 'S.md'), []);
    });
  });

  describe('incremental updates equal a fresh load (seeded random edits)', () => {
    const FOLDERS = ['', 'a/', 'b/', 'a/b/'];
    const NAMES = ['Alpha', 'alpha', 'Beta', 'Gamma', 'Github', 'Gihub', 'Dup'];
    const ATTACHMENTS = ['pic.png', 'doc.pdf', 'a/pic.png'];
    const HEADINGS = ['H1', 'H2', 'Sub'];
    const IDS = ['b1', 'b2'];

    function run(seed: number, steps: number): void {
      const rand = prng(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
      const notePath = (): string => `${pick(FOLDERS)}${pick(NAMES)}.md`;
      const linkText = (): string => {
        const name = pick([...NAMES, 'AI', 'Big Title', 'Nowhere']);
        switch (Math.floor(rand() * 9)) {
          case 0:
            return `[[${name}]]`;
          case 1:
            return `[[${name}#${pick(HEADINGS)}]]`;
          case 2:
            return `![[${name}#^${pick(IDS)}]]`;
          case 3:
            return `[[${pick(FOLDERS)}${name}]]`;
          case 4:
            return `![[${pick(ATTACHMENTS)}]]`;
          case 5:
            return `[x](${encodeURI(name)}.md#${pick(HEADINGS)})`;
          case 6:
            return `[[#${pick(HEADINGS)}]]`;
          case 7:
            return `[[${name}#${pick(HEADINGS)}#${pick(HEADINGS)}]]`;
          default:
            return `[[${name}|shown]]`;
        }
      };
      const content = (): string => {
        const out: string[] = [];
        if (rand() < 0.4) {
          out.push('---');
          if (rand() < 0.5) out.push(`aliases: [${pick(['AI', 'Gamma', 'Beta'])}]`);
          if (rand() < 0.5) out.push(`title: ${pick(['Big Title', 'Other'])}`);
          out.push('---');
        }
        const n = Math.floor(rand() * 6);
        for (let i = 0; i < n; i++) {
          const r = rand();
          if (r < 0.25) out.push(`${'#'.repeat(1 + Math.floor(rand() * 3))} ${pick(HEADINGS)}`);
          else if (r < 0.4) out.push(`para ^${pick(IDS)}`, '');
          else out.push(`text ${linkText()} ${linkText()}`, '');
        }
        return out.join('\n');
      };

      const models = new Map<string, NoteModel>();
      const attachments = new Set<string>();
      const index = new VaultIndex();
      for (let i = 0; i < 6; i++) {
        const p = notePath();
        models.set(p, note(p, content()));
      }
      index.load(models.values(), attachments);

      const fresh = (): VaultIndex => {
        const f = new VaultIndex();
        f.load(models.values(), attachments);
        return f;
      };
      const diagnosticsOf = (v: VaultIndex): Map<string, string> =>
        new Map([...models.keys()].map((p) => [p, JSON.stringify(noteDiagnostics(v, p))]));

      const done = { upsert: 0, addAttachment: 0, remove: 0, rename: 0 };
      /** Steps that changed the problems of a note other than the one edited: the interesting ones. */
      let ripples = 0;
      let before = diagnosticsOf(fresh());
      const records: IndexChange[] = [];
      index.onChange((c) => records.push(c));
      for (let step = 0; step < steps; step++) {
        const op = rand();
        records.length = 0;
        const filesAtStart = new Set(index.files.paths());
        const modelsAtStart = new Map(models);
        let affected: Set<string>;
        let what: string;
        if (op < 0.45) {
          const p = rand() < 0.5 && models.size > 0 ? pick([...models.keys()]) : notePath();
          const m = note(p, content());
          what = `upsert ${p}`;
          done.upsert++;
          models.set(p, m);
          affected = index.upsertNote(m).resolutions;
        } else if (op < 0.6) {
          const p = pick(ATTACHMENTS);
          what = `addAttachment ${p}`;
          done.addAttachment++;
          affected = index.addAttachment(p).resolutions;
          attachments.add(p);
        } else if (op < 0.8) {
          const all = [...models.keys(), ...attachments];
          if (all.length === 0) continue;
          const p = pick(all);
          what = `remove ${p}`;
          done.remove++;
          affected = index.removeFile(p).resolutions;
          models.delete(p);
          attachments.delete(p);
        } else {
          const from = models.size > 0 ? pick([...models.keys()]) : undefined;
          const to = notePath();
          if (!from || models.has(to)) continue;
          what = `rename ${from} → ${to}`;
          done.rename++;
          const moved = { ...models.get(from)!, path: to };
          models.delete(from);
          models.set(to, moved);
          affected = index.renameFile(from, to).resolutions;
        }
        const context = `seed ${seed}, step ${step}: ${what}`;
        // The change records (merged over the step) name exactly the files that came and went, and every note
        // whose exports changed.
        const change = records.reduce(mergeChange, emptyChange());
        const filesNow = new Set(index.files.paths());
        assert.deepEqual(sorted(change.added), sorted([...filesNow].filter((f) => !filesAtStart.has(f))), `${context}: added`);
        assert.deepEqual(sorted(change.removed), sorted([...filesAtStart].filter((f) => !filesNow.has(f))), `${context}: removed`);
        for (const [p, m] of models) {
          const old = modelsAtStart.get(p);
          if (!old || old === m) continue;
          const diff = exportChanges(old, m);
          if (diff.headings || diff.blockIds || diff.names || diff.frontmatter) assert.deepEqual(change.exports.get(p), diff, `${context}: exports of ${p}`);
        }
        const reference = fresh();
        assert.deepEqual(sorted(index.notePaths()), sorted(models.keys()), context);
        assert.equal(index.files.size, models.size + attachments.size, context);
        for (const p of models.keys()) {
          assert.deepEqual(index.linkTargets(p), reference.linkTargets(p), `${context}: links of ${p}`);
          assert.deepEqual(sorted(index.backlinksOf(p)), sorted(reference.backlinksOf(p)), `${context}: backlinks of ${p}`);
          assert.equal(JSON.stringify(noteDiagnostics(index, p)), JSON.stringify(noteDiagnostics(reference, p)), `${context}: diagnostics of ${p}`);
        }
        // Every note whose diagnostics changed must have been returned, or the editor would keep stale problems.
        const after = diagnosticsOf(reference);
        let rippled = false;
        for (const [p, d] of after) {
          if (!before.has(p) || before.get(p) === d) continue;
          assert.ok(affected.has(p), `${context}: ${p} changed but was not returned:\n${before.get(p)}\n${d}`);
          if (!what.endsWith(` ${p}`)) rippled = true;
        }
        if (rippled) ripples++;
        for (const p of affected) assert.ok(models.has(p), `${context}: returned ${p}, which is not a note`);
        before = after;
      }
      // The sequence must exercise every operation and many cross-note effects, or it proves little.
      for (const [op, n] of Object.entries(done)) assert.ok(n >= steps / 20, `seed ${seed}: only ${n} ${op} operations`);
      assert.ok(ripples >= steps / 10, `seed ${seed}: only ${ripples} steps changed another note`);
    }

    for (const seed of [1, 7, 42, 2024, 99991]) {
      it(`seed ${seed}: 300 edits`, () => run(seed, 300));
    }
  });
});

describe('vault: edits that other notes do not depend on', () => {
  const hub = '---\naliases: [Start]\n---\n# Home\n\nIntro text.\n\n## Projects\n\nList ^plist\n';
  function hubVault(): VaultIndex {
    return vault({ 'Home.md': hub, 'a.md': '[[Home#Projects]]', 'b.md': '[[Home#^plist]]', 'c.md': '[[Home]]', 'd.md': '[[Start]]' });
  }

  it('typing in a paragraph re-resolves the edited note alone', () => {
    const index = hubVault();
    const change = index.upsertNote(parseNote('Home.md', hub.replace('Intro text.', 'Intro text, longer.')));
    assert.deepEqual([...change.resolutions], ['Home.md']);
    assert.deepEqual([...change.exports], []);
  });

  it('a heading, a block id or a line shift re-resolves the notes linking here, and names those whose results changed', () => {
    const index = hubVault();
    // Only a.md links to the renamed heading; b.md's block and c.md's whole-note link find what they found.
    assert.deepEqual(sorted(index.upsertNote(parseNote('Home.md', hub.replace('## Projects', '## Work')))), ['Home.md', 'a.md']);
    assert.equal(noteDiagnostics(index, 'a.md')[0]?.code, 'missing-heading');
    assert.deepEqual(sorted(index.upsertNote(parseNote('Home.md', hub))), ['Home.md', 'a.md']);
    assert.deepEqual(noteDiagnostics(index, 'a.md'), []);
    // A new line above the heading moves it and the block: definitions must land on their new lines.
    assert.deepEqual(sorted(index.upsertNote(parseNote('Home.md', hub.replace('Intro text.', 'Intro\ntext.')))), ['Home.md', 'a.md', 'b.md']);
    assert.equal(index.linkTargets('a.md')[0].heading?.line, 8);
    assert.equal(index.linkTargets('b.md')[0].block?.startLine, 10);
  });

  it('keeps the results of unchanged links and resolves only the new ones, but never reuses a link into itself', () => {
    const index = vault({ 'A.md': '# Top\n\n[[B#H]] [[#Top]] [[C]]', 'B.md': '# H', 'C.md': '' });
    const before = index.linkTargets('A.md');
    index.upsertNote(parseNote('A.md', '# Top\n\nnew words [[B#H]] [[#Top]] [[C]] [[B]]'));
    const after = index.linkTargets('A.md');
    assert.equal(after[0], before[0], 'the same result object: not resolved again');
    assert.equal(after[2], before[2]);
    assert.deepEqual(after.map((t) => [t.status, t.target, t.heading?.text]), [['resolved', 'B.md', 'H'], ['resolved', 'A.md', 'Top'], ['resolved', 'C.md', undefined], ['resolved', 'B.md', undefined]]);
    // The note's own heading renamed: its link to it must see that.
    index.upsertNote(parseNote('A.md', '# Renamed\n\nnew words [[B#H]] [[#Top]] [[C]] [[B]]'));
    assert.equal(index.linkTargets('A.md')[1].status, 'missing-heading');
  });

  it('an alias change re-resolves the notes whose suggestions name it', () => {
    const index = hubVault();
    const change = index.upsertNote(parseNote('Home.md', hub.replace('[Start]', '[Begin]')));
    assert.deepEqual(sorted(change), ['Home.md', 'd.md']);
    assert.deepEqual(change.exports.get('Home.md'), { headings: false, blockIds: false, names: true, frontmatter: true, visibility: false });
  });
});
