/**
 * Nothing in a note becomes invisible because of nesting: markdown-it's `maxNesting` used to drop the rest of the
 * document after a deeply nested list (links never checked, headings reported missing). Lists and quotes nested
 * 10, 100 and 10,000 deep, on one line and line by line, are followed by a heading and links that must be found,
 * in bounded time and without exhausting the stack.
 */
import * as assert from 'node:assert/strict';
import { noteDiagnostics, parseNote, VaultIndex, linkRange } from '@ospo-notes/engine';

const AFTER = '\n\n# After\n\nsee [[Missing note]] and [[#After]] and [x](Target.md)\n';

const SHAPES: Record<string, (depth: number) => string> = {
  'a list nested on one line': (d) => '- '.repeat(d) + 'deep [[Deep]]',
  'a list nested by indentation': (d) => Array.from({ length: d }, (_, i) => '  '.repeat(i) + `- item ${i}` + (i === d - 1 ? ' [[Deep]]' : '')).join('\n'),
  'quotes nested on one line': (d) => '> '.repeat(d) + 'deep [[Deep]]',
  'quotes nested line by line': (d) => Array.from({ length: d }, (_, i) => '>'.repeat(i + 1) + ` q${i}` + (i === d - 1 ? ' [[Deep]]' : '')).join('\n'),
  'lists inside quotes': (d) => '> - '.repeat(d) + 'deep [[Deep]]',
};

describe('parser: deep nesting hides nothing', function () {
  this.timeout(30_000);
  for (const [shape, make] of Object.entries(SHAPES)) {
    for (const depth of [10, 100, 10_000]) {
      // Indented and line-by-line shapes grow with the square of the depth; 10,000 levels of them is 100 MB.
      if (depth > 1000 && !shape.includes('one line') && shape !== 'lists inside quotes') continue;
      it(`${shape}, ${depth} deep`, () => {
        const text = make(depth) + AFTER;
        const t0 = Date.now();
        const note = parseNote('Deep.md', text);
        const ms = Date.now() - t0;
        assert.ok(ms < 2000, `took ${ms} ms`);
        assert.deepEqual(note.headings.map((h) => h.text), ['After']);
        assert.deepEqual(note.links.map((l) => l.path), ['Deep', 'Missing note', '', 'Target.md']);
        const lastLine = text.split('\n').length - 2;
        assert.equal(linkRange(note.links[1]).start.line, lastLine);

        // The checker sees the links after the nesting: the missing note is reported, the heading is found.
        const index = new VaultIndex();
        index.load([note, parseNote('Target.md', '')], []);
        const codes = noteDiagnostics(index, 'Deep.md').map((d) => `${d.code} ${d.range.start.line}`);
        assert.ok(codes.includes(`unresolved-link ${lastLine}`), codes.join('; '));
        assert.ok(!codes.some((c) => c.startsWith('missing-')), codes.join('; '));
      });
    }
  }
});
