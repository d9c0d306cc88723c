import * as assert from 'node:assert/strict';
import {
  DIAGNOSTIC_RULES,
  type DiagnosticRule,
  noteDiagnostics,
  parseNote,
  ProblemCache,
  ruleOfCode,
  rulesToRerun,
  VaultIndex,
} from '@ospo-notes/engine';
import { prng } from '../support/prng';

function vault(notes: Record<string, string>): VaultIndex {
  const index = new VaultIndex();
  index.load(Object.entries(notes).map(([p, t]) => parseNote(p, t)), []);
  return index;
}

/** A rule that counts its runs per note and reports nothing, declaring `dependsOn` and `affected` as given. */
function countingRule(id: string, dependsOn: DiagnosticRule['dependsOn'], affected?: DiagnosticRule['affected']): DiagnosticRule & { runs: string[] } {
  const runs: string[] = [];
  return { id, codes: [], dependsOn, affected, runs, check: (_ctx, path) => (runs.push(path), []) };
}

/** `note: rule ids` per note of a rerun map, sorted by note. */
function plan(m: Map<string, DiagnosticRule[]>): string[] {
  return [...m].map(([p, rules]) => `${p}: ${rules.map((r) => r.id).join(' ')}`).sort();
}

describe('diagnostic rules: the registry', () => {
  it('lists each rule once, each code under one rule', () => {
    const ids = DIAGNOSTIC_RULES.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length, ids.join(', '));
    const codes = DIAGNOSTIC_RULES.flatMap((r) => r.codes);
    assert.equal(new Set(codes).size, codes.length, codes.join(', '));
    assert.equal(ruleOfCode('unresolved-link')?.id, 'links');
    assert.equal(ruleOfCode('yaml-syntax')?.id, 'yaml-syntax');
    assert.equal(ruleOfCode('no-such-code'), undefined);
  });

  it('every code a rule emits is one it declares', () => {
    const index = vault({
      'a.md': '---\ntitle: [x\n---\n[[nowhere]] [[b#Missing]] [[b#^gone]] ![[pic.png]] [x](github.com/y) [[]]\n\npara ^id\n\nagain ^id\n',
      'b.md': '# B\n',
    });
    for (const rule of DIAGNOSTIC_RULES) {
      for (const d of rule.check({ index, options: {} }, 'a.md')) assert.ok(rule.codes.includes(d.code), `${rule.id} emitted ${d.code}`);
    }
    assert.deepEqual(
      noteDiagnostics(index, 'a.md').map((d) => d.code),
      ['yaml-syntax', 'unresolved-link', 'missing-heading', 'missing-block', 'missing-embed', 'empty-link', 'missing-scheme', 'duplicate-block-id'],
    );
  });
});

describe('diagnostic rules: what a change re-runs', () => {
  const own = countingRule('own', []);
  const links = countingRule('links', ['resolutions']);
  const byFrontmatter = countingRule('by-frontmatter', ['frontmatter']);
  const chain = countingRule('chain', [], (change, index) => [...change.changed].flatMap((p) => [...index.backlinksOf(p)].flatMap((q) => [q, ...index.backlinksOf(q)])));
  const rules = [own, links, byFrontmatter, chain];
  const notes = { 'a.md': '![[b]]\n', 'b.md': '---\nvisibility: public\n---\n# H\n![[c]]\n', 'c.md': '---\nvisibility: private\n---\ntext\n', 'd.md': '[[b#H]]\n' };

  it('typing in a paragraph re-runs every rule for the edited note only', () => {
    const index = vault(notes);
    const change = index.upsertNote(parseNote('c.md', notes['c.md'].replace('text', 'more text')));
    // `chain` lists the notes up the chain (b, then a and d) whatever changed: it asked for them.
    assert.deepEqual(plan(rulesToRerun(change, index, rules)), ['a.md: chain', 'b.md: chain', 'c.md: own links by-frontmatter chain', 'd.md: chain']);
  });

  it('a frontmatter change re-runs the rules depending on it for the notes linking there', () => {
    const index = vault(notes);
    const change = index.upsertNote(parseNote('b.md', notes['b.md'].replace('public', 'private')));
    assert.deepEqual(plan(rulesToRerun(change, index, rules)), ['a.md: by-frontmatter chain', 'b.md: own links by-frontmatter chain', 'd.md: by-frontmatter chain']);
  });

  it('a heading change re-runs the link rule for the notes the index re-resolved', () => {
    const index = vault(notes);
    const change = index.upsertNote(parseNote('b.md', notes['b.md'].replace('# H', '# G')));
    // a.md embeds b whole: b's headings do not change its link's result, so its link rule does not re-run.
    assert.deepEqual(plan(rulesToRerun(change, index, rules)), ['a.md: chain', 'b.md: own links by-frontmatter chain', 'd.md: links chain']);
  });

  it('a removed note is not listed; the notes linking to it re-run their link rule', () => {
    const index = vault(notes);
    const change = index.removeFile('c.md');
    assert.deepEqual(plan(rulesToRerun(change, index, rules)), ['b.md: links']);
  });
});

describe('diagnostic rules: the problem cache', () => {
  it('re-runs only the (note, rule) pairs a change names', () => {
    const own = countingRule('own', []);
    const links = countingRule('links', ['resolutions']);
    const cache = new ProblemCache([own, links]);
    const index = vault({ 'a.md': '[[b#H]]\n', 'b.md': '# H\n', 'c.md': 'alone\n' });
    for (const p of ['a.md', 'b.md', 'c.md']) cache.problems(index, p);
    assert.deepEqual([own.runs.length, links.runs.length], [3, 3]);
    index.upsertNote(parseNote('b.md', '# G\n'));
    assert.deepEqual([...cache.takeStale()].sort(), ['a.md', 'b.md']);
    own.runs.length = links.runs.length = 0;
    for (const p of ['a.md', 'b.md', 'c.md']) cache.problems(index, p);
    assert.deepEqual(own.runs, ['b.md']);
    assert.deepEqual(links.runs.sort(), ['a.md', 'b.md']);
    assert.deepEqual([...cache.takeStale()], []);
  });

  it('starts afresh for other options or another index', () => {
    const own = countingRule('own', []);
    const cache = new ProblemCache([own]);
    const index = vault({ 'a.md': 'x\n' });
    cache.problems(index, 'a.md');
    cache.problems(index, 'a.md');
    cache.problems(index, 'a.md', { unresolvedLinkSeverity: 'error' });
    cache.problems(index, 'a.md', { unresolvedLinkSeverity: 'error' });
    cache.problems(vault({ 'a.md': 'x\n' }), 'a.md', { unresolvedLinkSeverity: 'error' });
    assert.equal(own.runs.length, 3);
  });

  it('gives what a full computation gives after random edits', () => {
    const rand = prng(9);
    const names = ['a', 'b', 'c', 'd', 'e'];
    const texts = ['# H\n', '[[b#H]] [[c]]\n', '---\naliases: [Cee]\n---\n[[Cee]] [[e#^x]]\n', 'para ^x\n', '[[a]] ![[d]]\n', '[[nowhere]] ^x\n\n^x\n', '---\ntitle: [x\n---\n'];
    const index = vault({ 'a.md': texts[0], 'b.md': texts[1] });
    const cache = new ProblemCache();
    for (let step = 0; step < 300; step++) {
      const p = `${names[Math.floor(rand() * names.length)]}.md`;
      if (rand() < 0.2) index.removeFile(p);
      else index.upsertNote(parseNote(p, texts[Math.floor(rand() * texts.length)]));
      for (const q of index.notePaths()) assert.deepEqual(cache.problems(index, q), noteDiagnostics(index, q), `step ${step}: ${q}`);
    }
  });
});

describe('diagnostic rules: problems computed in slices', () => {
  const big = (n: number, extra = ''): string => Array.from({ length: n }, (_, i) => `- [[nope ${i}]] [[B]]\n`).join('') + extra;

  it('gives what the one-step computation gives, pausing between runs of links', async () => {
    const index = vault({ 'A.md': big(5000), 'B.md': '# B\n' });
    let pauses = 0;
    const sliced = await new ProblemCache().problemsInSlices(index, 'A.md', {}, async () => void pauses++, 0);
    assert.deepEqual(sliced, new ProblemCache().problems(index, 'A.md', {}));
    assert.equal(sliced?.length, 5000);
    // 5,000 links in steps of 256, and a zero time budget: a pause after every step.
    assert.ok(pauses >= 19, `${pauses} pauses`);
  });

  it('gives the problems of the model it started from when the note changes during a pause, without keeping them', async () => {
    const index = vault({ 'A.md': big(3000), 'B.md': '# B\n', 'C.md': 'c\n' });
    const cache = new ProblemCache();
    let pauses = 0;
    const elsewhere = await cache.problemsInSlices(index, 'A.md', {}, async () => {
      if (pauses++ === 2) index.upsertNote(parseNote('C.md', 'c [[A]]\n'));
    }, 0);
    assert.equal(elsewhere?.length, 3000);
    cache.clear();
    pauses = 0;
    const moved = await cache.problemsInSlices(index, 'A.md', {}, async () => {
      if (pauses++ === 2) index.upsertNote(parseNote('A.md', big(3000, '[[gone]]\n')));
    }, 0);
    assert.equal(moved?.length, 3000, 'the problems of the model the computation started from');
    // Asked again, it computes the note as it is now: nothing of the old model was kept.
    assert.equal(cache.problems(index, 'A.md', {}).length, 3001);
    assert.equal((await cache.problemsInSlices(index, 'A.md', {}, async () => undefined, 0))?.length, 3001);
    assert.deepEqual(cache.problems(index, 'A.md', {}), noteDiagnostics(index, 'A.md', {}));
  });
});
