import * as assert from 'node:assert/strict';
import type { CompletionList } from 'vscode-languageserver-types';
import { FileLookup, parseNote, prepareCompletion, provideCompletion, sortSteps, VaultIndex, writeLinkPath, type CompletionOptions, type FeatureContext } from '@ospo-notes/engine';

/**
 * The name index behind `[[` completion gives the same list as weighing every name (`scanAllNames`), on seeded
 * random vaults changed note by note (added, renamed, removed, aliases and titles changed) and random queries.
 */
describe('completion name index', () => {
  const words = ['Note', 'note', 'Nota', 'Topic', 'topicX', 'Meeting', 'Ideas', 'Índice', 'İstanbul', 'area', 'key', 'Key ideas', 'a-b', 'x', 'zz top', 'ÉTÉ'];

  function rng(seed: number): (n: number) => number {
    let s = seed >>> 0;
    return (n) => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return (s >>> 8) % n;
    };
  }

  async function check(seed: number, options: { changeWhilePreparing?: boolean; notes?: number } = {}): Promise<void> {
    const next = rng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[next(xs.length)];
    const name = (): string => (next(3) === 0 ? pick(words) : `${pick(words)}${pick([' ', '', '-', ' '])}${next(3) === 0 ? pick(words) : next(40)}`);
    const folder = (): string => pick(['', 'a/', 'a/b/', 'c/', 'Ideas/']);
    const frontmatter = (): string => {
      const parts: string[] = [];
      if (next(3) === 0) parts.push(`aliases: [${[name(), name()].slice(0, 1 + next(2)).join(', ')}]`);
      if (next(4) === 0) parts.push(`title: ${name()}`);
      if (next(6) === 0) parts.push(`acronym: ${pick(['KI', 'NT', 'x'])}`);
      return parts.length ? `---\n${parts.join('\n')}\n---\nbody\n` : 'body\n';
    };
    const index = new VaultIndex();
    const texts = new Map<string, string>();
    const ctx: FeatureContext = { index, getText: (p) => texts.get(p) };
    const notes: string[] = [];
    const initial = [];
    for (let i = 0; i < (options.notes ?? 60 + next(120)); i++) {
      const p = `${folder()}${name()}.md`;
      if (texts.has(p)) continue;
      texts.set(p, frontmatter());
      notes.push(p);
      initial.push(parseNote(p, texts.get(p)!));
    }
    const attachments = Array.from({ length: 10 }, () => `${folder()}${name()}.${pick(['png', 'pdf'])}`);
    texts.set('Current.md', '');
    index.load([...initial, parseNote('Current.md', '')], [...new Set(attachments)]);

    const compare = (round: number): void => {
      for (let q = 0; q < 12; q++) {
        const typed = pick(['', '', 'n', 'no', 'not', 'note', 'Note 1', 'key', 'key i', 'ideas', 'tpc', 'í', 'i̇s', 'zz', 'a-', 'x', 'ete', 'meeting 3', 'qq', pick(words).slice(0, 1 + next(6))]);
        const embed = next(3) === 0 ? '!' : '';
        // Mostly wiki-links; some markdown links (`](`, the index serves them when nothing is typed) and paths.
        const form = next(6);
        const line = form === 0 ? `see [x](${next(2) === 0 ? '' : typed.replace(/ /g, '%20')}` : form === 1 ? `${embed}[[${pick(['a/', 'Ideas/', 'c/n', ''])}${typed}` : `${embed}[[${typed}`;
        const current = next(4) === 0 && notes.length ? pick(notes) : 'Current.md';
        texts.set(current, line);
        index.upsertNote(parseNote(current, line));
        const options: CompletionOptions = {
          maxItems: pick([1, 3, 10, 100]),
          matchOnWordStartOnly: next(3) !== 0,
          recentPaths: next(2) === 0 ? [pick(notes), pick(notes), current] : undefined,
        };
        const ask = (scanAllNames: boolean): CompletionList => provideCompletion(ctx, current, { line: 0, character: line.length }, { ...options, scanAllNames });
        const what = `seed ${seed}, round ${round}, ${line} in ${current}, ${JSON.stringify(options)}`;
        assert.deepEqual(ask(false), ask(true), what);
      }
    };

    const change = (): void => {
      const op = next(5);
      if (op === 0 || notes.length < 5) {
        const p = `${folder()}${name()}.md`;
        if (!texts.has(p)) {
          texts.set(p, frontmatter());
          notes.push(p);
          index.upsertNote(parseNote(p, texts.get(p)!));
        }
      } else if (op === 1) {
        const p = notes.splice(next(notes.length), 1)[0];
        texts.delete(p);
        index.removeFile(p);
      } else if (op === 2) {
        const from = notes[next(notes.length)];
        const to = `${folder()}${name()}.md`;
        if (!texts.has(to)) {
          texts.set(to, texts.get(from)!);
          texts.delete(from);
          notes[notes.indexOf(from)] = to;
          index.renameFile(from, to, parseNote(to, texts.get(to)!));
        }
      } else if (op === 3) {
        const p = pick(notes);
        texts.set(p, frontmatter());
        index.upsertNote(parseNote(p, texts.get(p)!));
      } else {
        index.addAttachment(`${folder()}${name()}.png`);
      }
    };
    // The index is built after the load or some rounds later: until then requests weigh every name, and the
    // index built then starts from the names as they are. Built in slices, with notes changing between them.
    // Right after a prepare, asked before any other change reaches the index: what changed during the slices must
    // be in the index already.
    const compareAsPrepared = (): void => {
      for (const typed of ['', 'n', 'note', 'key', 'ideas', 'zz', 'a-', 'x', pick(words).slice(0, 3)]) {
        const line = `[[${typed}`;
        texts.set('Current.md', line);
        const ask = (scanAllNames: boolean): CompletionList => provideCompletion(ctx, 'Current.md', { line: 0, character: line.length }, { maxItems: 1000, scanAllNames });
        assert.deepEqual(ask(false), ask(true), `seed ${seed}, as prepared, ${line}`);
      }
    };
    const prepare = async (): Promise<void> => {
      if (!options.changeWhilePreparing) return prepareCompletion(index);
      await prepareCompletion(index, async () => void (next(3) === 0 && change()), 0);
      compareAsPrepared();
    };
    const buildAt = next(3) === 0 ? 1 + next(10) : 0;
    if (buildAt === 0) await prepare();
    compare(0);
    for (let round = 1; round <= 25; round++) {
      if (round === buildAt) await prepare();
      change();
      compare(round);
    }
  }

  it('answers as a scan of every name does, across notes added, renamed and removed and aliases changed (seeded)', async () => {
    for (let seed = 1; seed <= 12; seed++) await check(seed);
  });

  it('answers the same when notes change between the slices in which the index is prepared (seeded)', async () => {
    for (let seed = 1; seed <= 12; seed++) await check(seed, { changeWhilePreparing: true });
    // Enough names for the sort to run in steps (runs of 2,048 merged).
    await check(13, { changeWhilePreparing: true, notes: 5000 });
  });

  it('stays right across a change record too large to apply name by name (rebuilt)', async () => {
    const index = new VaultIndex();
    const texts = new Map<string, string>([['Current.md', '[[Big 1']]);
    const ctx: FeatureContext = { index, getText: (p) => texts.get(p) };
    index.load([parseNote('Current.md', '[[Big 1')], []);
    await prepareCompletion(index);
    const at = { line: 0, character: '[[Big 1'.length };
    assert.deepEqual(provideCompletion(ctx, 'Current.md', at).items, []);
    // One load of 2,000 notes: one change record.
    index.load([parseNote('Current.md', '[[Big 1'), ...Array.from({ length: 2000 }, (_, i) => parseNote(`big/Big ${i}.md`, `---\naliases: [Huge ${i}]\n---\n`))], []);
    const indexed = provideCompletion(ctx, 'Current.md', at);
    assert.deepEqual(indexed, provideCompletion(ctx, 'Current.md', at, { scanAllNames: true }));
    assert.deepEqual(indexed.items.slice(0, 3).map((i) => i.label), ['Big 1', 'Big 10', 'Big 11']);
    assert.equal(indexed.isIncomplete, true);
  });
});

describe('link path memo', () => {
  it('writes the same link paths as a fresh file set, from any folder, in every form, as files come and go (seeded)', () => {
    let s = 11;
    const next = (n: number): number => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return (s >>> 8) % n;
    };
    const pick = <T>(xs: readonly T[]): T => xs[next(xs.length)];
    const folders = ['', 'a/', 'a/b/', 'b/', 'c/a/'];
    const names = ['X', 'x', 'Index', 'Note 1', 'Y', 'img.png'];
    const files = new FileLookup();
    const add = (): string => {
      const p = `${pick(folders)}${pick(names)}${next(2) ? '' : '.md'}`.replace(/\.png\.md$/, '.png');
      files.add(p.endsWith('.png') || p.endsWith('.md') ? p : `${p}.md`);
      return p;
    };
    for (let i = 0; i < 12; i++) add();
    for (let round = 0; round < 300; round++) {
      if (next(5) === 0) add();
      if (next(7) === 0) files.remove(pick([...files.paths()]));
      const paths = [...files.paths()];
      const to = pick(paths);
      const from = `${pick(folders)}Source ${next(3)}.md`;
      const format = { style: pick(['wiki', 'markdown'] as const), pathForm: pick(['shortest', 'relative', 'absolute'] as const) };
      const fresh = new FileLookup(paths);
      const write = (f: FileLookup): string => {
        try {
          return writeLinkPath(f, from, to, format, { name: true });
        } catch (e) {
          return `error: ${(e as Error).message}`;
        }
      };
      assert.equal(write(files), write(fresh), `round ${round}: ${from} → ${to} ${JSON.stringify(format)}`);
    }
  });
});

describe('sorting in steps', () => {
  it('sorts as Array.prototype.sort does, stable, at every size around its runs (seeded)', () => {
    let s = 5;
    const next = (n: number): number => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return (s >>> 8) % n;
    };
    for (const n of [0, 1, 2, 100, 2047, 2048, 2049, 4096, 5000, 9001]) {
      const items = Array.from({ length: n }, (_, i) => ({ key: next(50), i }));
      const byKey = (a: { key: number }, b: { key: number }): number => a.key - b.key;
      const expected = items.slice().sort(byKey);
      const steps = sortSteps(items, byKey);
      let yields = 0;
      while (!steps.next().done) yields++;
      assert.deepEqual(items, expected, `${n} items`);
      if (n > 2048) assert.ok(yields >= Math.ceil(n / 2048), `${n} items sorted in ${yields + 1} steps`);
    }
  });
});
