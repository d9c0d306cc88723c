import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { frontmatterEnd, parseFrontmatter, parseFrontmatterWithYaml, parseSimpleFrontmatter, splitLines } from '@ospo-notes/engine';

/** A small seeded generator (mulberry32), so that a failure names a case that can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Keys and scalars that YAML reads as plain text, and many that it does not (numbers, booleans, nulls,
// indicators, comments, escapes, odd characters), so the simple reader is held to the parser at its edges.
const KEYS = ['title', 'tags', 'aliases', 'a b', 'C#', 'x.y', 'ключ', '1', '01', 'true', 'null', '~', '__proto__', 'x:y', 'k ', '-k', '? k', 'dup', 'dup', '"q"', "'s'", 'a#b', 'é'];
const VALUES = [
  'plain', 'two  words', '2024-01-15', '12', '-5', '+3', '1e3', '1.5', '.5', '0x1F', '0o17', '.inf', '.NaN', '~', 'null', 'Null', 'True', 'FALSE', 'yes', 'no',
  "it's", '"quoted"', "'single'", '"with \\" escape"', '"back\\\\slash"', "'it''s'", '""', "''", '"a" b', "'a' b", '[a, b]', '{a: 1}', 'a: b', 'a:b', 'a #c', 'a#c', '#c',
  '&anchor x', '*alias', '!tag x', '|', '>', '- x', 'x ', ' x', 'é ü', '😀 emoji', 'a\tb', '...', '---x', '%x', '@x', '`x`', 'a,b', 'a, b', 'x:', ':x',
  'https://x.y/z?q=1', '"https://x.y/#a"', 'a]b', '\u2028', '\ufeff', '\u0085x', 'C++', '50%', '$x', 'a - b', '? x', 'x?', '"\ud83d\ude00"', 'Note 00123',
];

const COMMON = ['plain', 'Note 00123', 'two words', '2024-01-15', '"A: quoted title"', "'single'", 'true', '12', 'project/alpha', 'é ü'];

/** A scalar: half the time one of the common ones, so that the simple reader sees whole blocks it can read. */
function scalar(rnd: () => number): string {
  return rnd() < 0.6 ? pick(rnd, COMMON) : pick(rnd, VALUES);
}

function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)];
}

function generatedBlock(rnd: () => number): string[] {
  const lines: string[] = [];
  const n = 1 + Math.floor(rnd() * 5);
  for (let i = 0; i < n; i++) {
    const key = pick(rnd, KEYS);
    const r = rnd();
    if (r < 0.45) lines.push(`${key}:${rnd() < 0.9 ? ' ' : '  '}${scalar(rnd)}`);
    else if (r < 0.55) {
      const items = Array.from({ length: Math.floor(rnd() * 4) }, () => scalar(rnd));
      lines.push(`${key}: [${items.join(pick(rnd, [', ', ', ', ',', ' , ']))}${rnd() < 0.05 ? ', ' : ''}]`);
    }
    else if (r < 0.85) {
      lines.push(`${key}:${rnd() < 0.1 ? ' ' : ''}`);
      const indent = ' '.repeat(pick(rnd, [0, 2, 2, 4]));
      const items = Math.floor(rnd() * 4);
      for (let j = 0; j < items; j++) lines.push(`${rnd() < 0.05 ? ' ' : ''}${indent}-${rnd() < 0.9 ? ' ' : '  '}${scalar(rnd)}`);
    } else if (r < 0.9) lines.push(pick(rnd, ['', '# comment', '  nested: x', '    more', '\t', 'key: x # c']));
    else lines.push(`${key}:`);
  }
  return ['---', ...lines, '---', '', 'Body.'];
}

function compare(lines: string[], what: string): boolean {
  const end = frontmatterEnd(lines);
  if (end < 0) return false;
  const simple = parseSimpleFrontmatter(lines, end);
  if (!simple) return false;
  assert.deepStrictEqual(simple, parseFrontmatterWithYaml(lines, end), `${what}:\n${lines.slice(0, end + 1).join('\n')}`);
  return true;
}

function markdownFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...markdownFiles(p));
    else if (e.name.endsWith('.md')) out.push(p);
  }
  return out;
}

describe('frontmatter: the simple reader gives what the yaml parser gives', () => {
  it('on 20,000 generated blocks, or leaves the block to the parser', () => {
    const rnd = random(20261202);
    let read = 0;
    for (let i = 0; i < 20000; i++) if (compare(generatedBlock(rnd), `case ${i}`)) read++;
    // Not vacuous: a good share of the blocks are simple enough for it.
    assert.ok(read > 1000, `only ${read} blocks read by the simple reader`);
  });

  it('on every note of the fixture vaults', () => {
    const root = path.resolve(__dirname, '../../../test/fixtures');
    let read = 0;
    for (const file of markdownFiles(root)) if (compare(splitLines(fs.readFileSync(file, 'utf8')), file)) read++;
    assert.ok(read > 50, `only ${read} notes read by the simple reader`);
  });

  it('reads the common block itself and leaves the rest to the parser', () => {
    const simple = (text: string) => {
      const lines = splitLines(text);
      return parseSimpleFrontmatter(lines, frontmatterEnd(lines));
    };
    assert.deepEqual(simple('---\ntitle: "A: b"\ntags:\n  - x\n  - y/z\ncreated: 2024-06-07\n---\n')?.data, { title: 'A: b', tags: ['x', 'y/z'], created: '2024-06-07' });
    assert.deepEqual(simple('---\ndraft: true\nn: 12\nnone: ~\ntags: [a, "b c"]\n---\n')?.data, { draft: true, n: 12, none: null, tags: ['a', 'b c'] });
    for (const text of ['---\nn: 0x1F\n---\n', '---\nn: -0\n---\n', '---\nn: 1e3\n---\n', '---\na: x # c\n---\n', '---\ntags: [a, [b]]\n---\n', '---\ntags: [a, b, ]\n---\n', '---\na: x\na: y\n---\n', '---\na: "\\t"\n---\n']) {
      assert.equal(simple(text), undefined, text);
      const lines = splitLines(text);
      assert.deepStrictEqual(parseFrontmatter(lines, frontmatterEnd(lines)), parseFrontmatterWithYaml(lines, frontmatterEnd(lines)));
    }
  });
});
