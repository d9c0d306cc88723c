import * as assert from 'node:assert/strict';
import { type FrontmatterValue, parseNote, type Range } from '@ospo-notes/engine';

const parse = (text: string) => parseNote('n.md', text);
const r = (x: Range | undefined): string => (x ? `${x.start.line}:${x.start.character}-${x.end.line}:${x.end.character}` : 'none');

/** A value as `text@range` (scalars) or `[…]` / `{…}` of its parts. */
function shape(v: FrontmatterValue): string {
  if (v.kind === 'list') return `[${(v.items ?? []).map(shape).join(' ')}]@${r(v.range)}`;
  if (v.kind === 'map') return `{${(v.entries ?? []).map((e) => `${e.key}@${r(e.range)}=${shape(e.value)}`).join(' ')}}@${r(v.range)}`;
  return `${v.text}:${v.type}@${r(v.range)}`;
}

describe('frontmatter: values as typed, with their ranges (yaml, YAML 1.2 core schema)', () => {
  it('keeps what the user typed: a date is a title, 1e3 and 0x1F stay as written', () => {
    const note = parse('---\ntitle: 2024-01-15\naliases: [1e3, 0x1F]\n---\n');
    assert.equal(note.title, '2024-01-15');
    assert.deepEqual(note.aliases, ['1e3', '0x1F']);
    const fm = note.frontmatter!;
    assert.deepEqual(fm.data, { title: '2024-01-15', aliases: [1000, 31] });
    assert.deepEqual(fm.keys.map((k) => `${k.key}@${r(k.range)} ${shape(k.value)}`), [
      'title@1:0-1:5 2024-01-15:string@1:7-1:17',
      'aliases@2:0-2:7 [1e3:number@2:10-2:13 0x1F:number@2:15-2:19]@2:9-2:20',
    ]);
  });

  it('gives a tag inside a flow list and an alias on its own list line their exact ranges', () => {
    const note = parse('---\ntags: [alpha, "#beta", gamma/delta]\naliases:\n  - First One\n  - \'Second\'\n---\n');
    assert.deepEqual(note.tags.map((t) => `${t.name}@${r(t.range)}`), ['alpha@1:7-1:12', 'beta@1:16-1:20', 'gamma/delta@1:23-1:34']);
    const aliases = note.frontmatter!.keys[1].value;
    assert.deepEqual(aliases.items!.map(shape), ['First One:string@3:4-3:13', "Second:string@4:4-4:12"]);
    assert.equal(aliases.items![1].style, 'single-quoted');
  });

  it('describes nested maps, empty values, quoted keys, block scalars and YAML aliases', () => {
    const fm = parse('---\n"my key": v\nempty:\nmeta: {a: 1, b: [x]}\nbody: |\n  line\nanchor: &a hello\ncopy: *a\n---\n').frontmatter!;
    assert.equal(fm.error, undefined);
    assert.deepEqual(fm.keys.map((k) => `${k.key}@${r(k.range)} ${shape(k.value)}`), [
      'my key@1:0-1:8 v:string@1:10-1:11',
      'empty@2:0-2:5 :null@2:6-2:6',
      'meta@3:0-3:4 {a@3:7-3:8=1:number@3:10-3:11 b@3:13-3:14=[x:string@3:17-3:18]@3:16-3:19}@3:6-3:20',
      'body@4:0-4:4 line\n:string@4:6-6:0',
      'anchor@6:0-6:6 hello:string@6:11-6:16',
      'copy@7:0-7:4 hello:string@7:6-7:8',
    ]);
    assert.equal(fm.keys[3].value.style, 'block');
    assert.deepEqual(fm.data!.copy, 'hello');
  });

  it('keeps the model plain JSON data: YAML 1.1 tags (!!timestamp, !!binary, !!set) stay the text written', () => {
    const fm = parse('---\nd: !!timestamp 2020-01-01\nk: !!binary aGVsbG8=\nset: !!set {a, b}\ns: !!str 3\nn: 3\n---\n').frontmatter!;
    assert.equal(fm.error, undefined);
    assert.deepEqual(fm.data, { d: '2020-01-01', k: 'aGVsbG8=', set: { a: null, b: null }, s: '3', n: 3 });
    assert.deepEqual(JSON.parse(JSON.stringify(fm)), fm);
    assert.deepEqual(fm.keys.map((k) => `${k.value.text}:${k.value.type}`).filter((x) => !x.startsWith('undefined')), ['2020-01-01:string', 'aGVsbG8=:string', '3:string', '3:number']);
  });

  it('reports an unclosed `[one, two` on its own line, at the bracket (js-yaml said the next line)', () => {
    const fm = parse('---\ntitle: T\ntags: [one, two\nnext: 1\n---\nbody').frontmatter!;
    assert.equal(r(fm.error!.range), '2:6-2:15');
    assert.equal(fm.error!.message, "Invalid YAML in frontmatter: this list is never closed: ']' is missing (line 3, column 7).");
    const map = parse('---\nmeta: {a: 1\n---\n').frontmatter!;
    assert.equal(r(map.error!.range), '1:6-1:11');
    assert.match(map.error!.message, /this map is never closed: '}' is missing \(line 2, column 7\)/);
    // A closed list nested in an unclosed one: the outer bracket is the one to close.
    assert.equal(r(parse('---\nk: [[a], b\n---\n').frontmatter!.error!.range), '1:3-1:10');
  });

  it('keeps the keys it could read when the YAML has an error, but reads no title, aliases or tags', () => {
    const note = parse('---\ntitle: T\naliases: [a\n---\n');
    assert.deepEqual(note.frontmatter!.keys.map((k) => k.key), ['title', 'aliases']);
    assert.equal(note.frontmatter!.data, undefined);
    assert.deepEqual([note.title, note.aliases], [undefined, []]);
  });

  it('survives hostile YAML: deep nesting, a billion laughs, an alias to nothing, tabs', () => {
    const deep = parse(`---\nk: ${'['.repeat(2000)}${']'.repeat(2000)}\n---\n[[x]]`);
    assert.equal(deep.links.length, 1);
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    const started = Date.now();
    const laughs = parse(`---\n${levels.join('\n')}\n---\n`).frontmatter!;
    assert.ok(Date.now() - started < 2000, `${Date.now() - started} ms`);
    assert.match(laughs.error!.message, /^Invalid YAML in frontmatter: /);
    assert.equal(laughs.data, undefined);
    const unset = parse('---\ntitle: T\naliases: [a, *missing]\n---\n').frontmatter!.error!;
    assert.equal(r(unset.range), '2:13-2:21');
    assert.match(unset.message, /^Invalid YAML in frontmatter: Unresolved alias .*: missing \(line 3, column 14\)\.$/);
    assert.ok(parse('---\nk:\n\t- tab\n---\n').frontmatter!.error);
  });
});
