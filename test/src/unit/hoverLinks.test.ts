import * as assert from 'node:assert/strict';
import { type FeatureContext, parseNote, provideHover, VaultIndex } from '@ospo-notes/engine';

function context(notes: Record<string, string>, attachments: string[] = []): FeatureContext {
  const texts = new Map(Object.entries(notes));
  const index = new VaultIndex();
  index.load([...texts].map(([p, t]) => parseNote(p, t)), attachments);
  return { index, getText: (p) => texts.get(p) };
}

const toUri = (p: string) => `file:///vault/${p.split('/').map(encodeURIComponent).join('/')}`;

function hoverAt(ctx: FeatureContext, path: string, line: number, character: number): string | undefined {
  return (provideHover(ctx, path, { line, character }, { toUri })?.contents as { value: string } | undefined)?.value;
}

describe('hover: the previewed text links as it does in the note', () => {
  const ctx = context(
    {
      'Source.md': 'See [[people/WHO]].\n',
      'people/WHO.md': [
        '# WHO', // 0
        '', // 1
        'Works with [[CERN]], [[CERN#Events|the events]] and [[Nowhere]].', // 2
        'A block [[CERN#^b1]] and a [markdown link](../CERN.md) and [web](https://who.int).', // 3
        '![[logo.png]] ![[CERN]]', // 4
        '`[[CERN]]` stays code.', // 5
      ].join('\n'),
      'CERN.md': '# CERN\n\n## Events\n\nA paragraph. ^b1\n',
    },
    ['people/logo.png'],
  );

  it('renders resolved links as links to the file (with the line of a heading or block), unresolved ones plainly', () => {
    const value = hoverAt(ctx, 'Source.md', 0, 8)!;
    const lines = value.split('\n');
    assert.equal(lines[0], '`people/WHO.md`');
    assert.ok(lines.includes('Works with [CERN](file:///vault/CERN.md), [the events](file:///vault/CERN.md#L3) and Nowhere.'), value);
    assert.ok(lines.includes('A block [CERN > ^b1](file:///vault/CERN.md#L5) and a [markdown link](file:///vault/CERN.md) and [web](https://who.int).'), value);
    assert.ok(lines.includes('![logo.png](file:///vault/people/logo.png) [CERN](file:///vault/CERN.md)'), value);
    assert.ok(lines.includes('`[[CERN]]` stays code.'), value);
    assert.ok(!value.replace('`[[CERN]]`', '').includes('[['), 'no raw wiki-link is left outside code');
  });

  it('escapes link text and keeps block ids hidden next to a link', () => {
    const c = context({ 'S.md': '[[T]]\n', 'T.md': 'Text with [[U|a [b] c]] here ![[U]] ^tail\n', 'U.md': '' });
    const value = hoverAt(c, 'S.md', 0, 2)!;
    assert.equal(value.split('\n').pop(), 'Text with [a \\[b\\] c](file:///vault/U.md) here [U](file:///vault/U.md)');
  });
});
