/**
 * Every scanner of the parser is linear in the note's size: hostile "storms" of one construct that opens and never
 * closes (or closes in a way that makes a naive scanner restart from every candidate) are parsed in time
 * proportional to their length. Each storm is timed at n and 4n characters (best of three, to ride out a busy
 * machine): 4× the input must cost less than 6× the time (a quadratic scan costs 16×), and 4n stays far under an
 * absolute bound.
 */
import * as assert from 'node:assert/strict';
import { type NoteModel, parseNote } from '@ospo-notes/engine';

function bestOf3(text: string): { ms: number; note: NoteModel } {
  let best = Infinity;
  let note!: NoteModel;
  for (let k = 0; k < 3; k++) {
    const t0 = process.hrtime.bigint();
    note = parseNote('Storm.md', text);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { ms: best, note };
}

/** `unit` repeated to about `chars` characters. */
function storm(unit: string, chars: number): string {
  return unit.repeat(Math.ceil(chars / unit.length));
}

const SMALL = 32_000;
const LARGE = 128_000;

/**
 * Linear enough: 4× the input costs under 6× the time, or the large input is parsed in under 250 ms outright (on
 * this size a quadratic scan costs seconds). The machine may be busy, so a failing measurement is retried twice.
 */
function assertLinear(make: (chars: number) => string, check?: (note: NoteModel) => void): void {
  const smallText = make(SMALL);
  const largeText = make(LARGE);
  parseNote('Warm-up.md', smallText); // compile the paths this storm takes before timing them
  let verdict = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const small = bestOf3(smallText);
    const large = bestOf3(largeText);
    if (attempt === 0) check?.(large.note);
    if (large.ms < 6 * small.ms + 20 || large.ms < 250) return;
    verdict = `4× the input cost ${(large.ms / Math.max(small.ms, 0.01)).toFixed(1)}× the time (${small.ms.toFixed(1)} ms → ${large.ms.toFixed(1)} ms)`;
  }
  assert.fail(verdict);
}

describe('parser scaling: every scan is linear in the note', function () {
  this.timeout(60_000);

  it('`[a](` × 32,000 (128 KB) parses in well under a second and yields no link', () => {
    const { ms, note } = bestOf3('[a]('.repeat(32_000));
    assert.equal(note.links.length, 0);
    assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
  });

  for (const unit of ['[a](', '![a](', '[](', '[a](#', '[a](x ', '[a](x (', '[a](x "', "[a](x '", '[a](<', '[a](x[a](y)', '[a]((']) {
    it(`markdown-link candidates: ${JSON.stringify(unit)} storm`, () => assertLinear((n) => storm(unit, n)));
  }

  it('unclosed `[` before a `](`', () => assertLinear((n) => '['.repeat(n) + '](x)'));

  it('links found in a storm are still the right ones', () => {
    assertLinear(
      (n) => storm('[a](x[b](y) ', n),
      (note) => {
        const unit = '[a](x[b](y) ';
        assert.equal(note.links.length, Math.ceil(LARGE / unit.length));
        assert.deepEqual(
          [...new Set(note.links.map((l) => `${l.display}→${l.destination}`))],
          ['b→y'],
        );
      },
    );
  });

  it('`[[` storms, closed and unclosed', () => {
    assertLinear((n) => storm('[[', n));
    assertLinear((n) => storm('[[a ', n) + ']]');
    assertLinear((n) => storm('[[a]] `x` ', n), (note) => assert.ok(note.links.length > 1000));
  });

  it('backtick storms: runs of many lengths that never close', () => {
    // Runs of lengths 1..k once each, then many pairs of single backticks: a scan per opener over all later runs
    // would cost k × runs.
    assertLinear((n) => {
      let s = '';
      for (let k = 2; s.length < n / 2; k++) s += '`'.repeat(k) + ' x ';
      return s + storm('`a` ', n / 2);
    });
    assertLinear((n) => storm('a``b', n));
  });

  it('`$` storms: openers whose closing `$` never comes', () => {
    assertLinear((n) => storm('$5 ', n));
    assertLinear((n) => storm('$a $1', n));
    assertLinear((n) => storm('$$ ', n));
  });

  it('`%%` storms, also against code spans, headings and definitions', () => {
    assertLinear((n) => storm('%% `%%` ', n));
    assertLinear((n) => storm('%% c %%\n\n# h\n\n', n), (note) => assert.equal(note.headings.length, Math.ceil(LARGE / '%% c %%\n\n# h\n\n'.length)));
    assertLinear((n) => storm('%% c %%\n\n[d]: x\n\n', n));
  });

  it('`<` storms: `<!--`, `<%`, `<` and angle destinations', () => {
    assertLinear((n) => storm('<', n));
    assertLinear((n) => storm('<!-- ', n));
    assertLinear((n) => storm('<% ', n));
    assertLinear((n) => storm('[a](<b', n));
  });

  it('tags, headings, callouts and frontmatter lines that backtracking regexes would choke on', () => {
    assertLinear((n) => '#a' + '/'.repeat(n) + 'b');
    assertLinear((n) => '# a' + ' '.repeat(n) + 'b');
    assertLinear((n) => '> [!note] x' + ' '.repeat(n) + 'y');
    assertLinear((n) => "---\nz: '" + storm('"[[a', n) + "'\n---\n");
    assertLinear(
      (n) => '---\ntags:\n' + Array.from({ length: Math.ceil(n / 10) }, (_, i) => `  - t${i}`).join('\n') + '\n---\n',
      (note) => assert.equal(note.tags.filter((t) => t.range.start.line === 0).length, 0, 'every tag found where it stands'),
    );
    assertLinear((n) => storm('a ^b', n));
  });
});
