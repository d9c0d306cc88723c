/**
 * The Backlinks view's tree without VS Code (client/src/views/backlinksModel.ts): what each row says, what it
 * highlights, what a click opens, which actions it offers; and its refresh scheduling.
 */
import * as assert from 'node:assert/strict';
import type { BacklinksAnswer } from '../../../client/out/protocol';
import { backlinksSummary, backlinksTree, CONTEXT, RefreshScheduler, type BacklinkNode } from '../../../client/out/views/backlinksModel';

const R = (line: number, s: number, e: number) => ({ start: { line, character: s }, end: { line, character: e } });

const ANSWER: BacklinksAnswer = {
  uri: 'file:///v/orgs/WHO.md',
  vaultUri: 'file:///v',
  path: 'orgs/WHO.md',
  linked: {
    count: 3,
    notes: [
      {
        uri: 'file:///v/tech/OSPO.md',
        path: 'tech/OSPO.md',
        title: 'Open Source Program Office',
        count: 3,
        groups: [
          { kind: 'note', occurrences: [{ range: R(4, 2, 9), syntax: 'wiki', embed: false, context: { text: '[[WHO]] runs one', highlight: [0, 7] }, headingPath: ['Organisations'] }] },
          { kind: 'heading', label: 'OSPO', line: 8, occurrences: [{ range: R(6, 0, 14), syntax: 'wiki', embed: true, context: { text: '![[WHO#OSPO]]', highlight: [0, 13] }, headingPath: [] }] },
          { kind: 'missing', label: '#Gone', occurrences: [{ range: R(7, 0, 14), syntax: 'wiki', embed: false, context: { text: '[[WHO#Gone]]', highlight: [0, 12] }, headingPath: [] }] },
        ],
      },
    ],
  },
  unlinked: {
    count: 1,
    more: 2,
    terms: ['WHO', 'World Health Organization'],
    skippedTerms: [],
    notes: [{ uri: 'file:///v/CERN.md', path: 'CERN.md', count: 3, mentions: [{ range: R(2, 10, 13), text: 'who', term: 'WHO', termKind: 'name', context: { text: 'works with who', highlight: [11, 14] }, headingPath: ['Partners'] }] }],
  },
};

const labels = (nodes: BacklinkNode[]): string[] => nodes.map((n) => n.label);

describe('client: backlinks view tree', () => {
  it('has a linked and an unlinked section with counts, and a summary', () => {
    const tree = backlinksTree(ANSWER);
    assert.deepEqual(labels(tree), ['Linked mentions', 'Unlinked mentions']);
    assert.deepEqual(
      tree.map((n) => n.description),
      ['3', '3'],
    );
    assert.equal(backlinksSummary(ANSWER), '3 linked · 3 unlinked');
    assert.match(tree[1].tooltip!, /WHO, World Health Organization/);
  });

  it('shows a linking note with its whole-note lines first, then a group per heading, each line highlighted', () => {
    const [note] = backlinksTree(ANSWER)[0].children;
    assert.equal(note.label, 'OSPO');
    assert.equal(note.description, '3 · tech');
    assert.deepEqual(labels(note.children), ['[[WHO]] runs one', 'OSPO', '#Gone']);
    const line = note.children[0];
    assert.deepEqual(line.highlights, [[0, 7]]);
    assert.equal(line.description, 'Organisations');
    assert.deepEqual(line.open, { uri: 'file:///v/tech/OSPO.md', range: R(4, 2, 9) });
    const heading = note.children[1];
    assert.equal(heading.kind, 'group');
    assert.equal(heading.children[0].description, 'embed · line 7', 'an embed says so; no heading path: the line');
    assert.equal(note.children[2].description, 'not found');
  });

  it('offers Link Mention on a mention and Link All Mentions on its note, and counts what is not shown', () => {
    const unlinked = backlinksTree(ANSWER)[1];
    const [note, more] = unlinked.children;
    assert.equal(note.contextValue, CONTEXT.mentioningNote);
    assert.deepEqual(note.mentionsIn, { target: ANSWER.uri, source: 'file:///v/CERN.md' });
    const [mention, inNote] = note.children;
    assert.equal(mention.contextValue, CONTEXT.mention);
    assert.deepEqual(mention.mention, { target: ANSWER.uri, source: 'file:///v/CERN.md', range: R(2, 10, 13), text: 'who' });
    assert.equal(mention.label.slice(...mention.highlights![0]), 'who');
    assert.equal(inNote.label, '2 more mentions not shown');
    assert.equal(more.label, '2 more mentions not shown');
  });

  it('is empty when nothing links to or mentions the note, and says which names were too short to search', () => {
    const none = { ...ANSWER, linked: { count: 0, notes: [] }, unlinked: { ...ANSWER.unlinked, count: 0, more: 0, notes: [] } };
    assert.deepEqual(backlinksTree(none), []);
    const short = backlinksTree({ ...none, unlinked: { ...none.unlinked, terms: [], skippedTerms: ['Go'] } });
    assert.equal(short[1].tooltip, 'Not searched, too short: Go');
  });
});

describe('client: backlinks refresh', () => {
  function fakeClock() {
    let now = 0;
    const timers: Array<{ at: number; f: () => void; id: number }> = [];
    let next = 1;
    return {
      setTimeout: (f: () => void, ms: number) => {
        timers.push({ at: now + ms, f, id: next });
        return next++;
      },
      clearTimeout: (id: unknown) => {
        const i = timers.findIndex((t) => t.id === id);
        if (i >= 0) timers.splice(i, 1);
      },
      advance(ms: number) {
        now += ms;
        for (const t of timers.filter((t) => t.at <= now)) {
          timers.splice(timers.indexOf(t), 1);
          t.f();
        }
      },
    };
  }

  it('collapses a burst into one refresh after the last trigger, and waits while hidden', () => {
    const clock = fakeClock();
    let visible = true;
    let runs = 0;
    const s = new RefreshScheduler(() => runs++, 300, () => visible, clock);
    s.trigger();
    clock.advance(200);
    s.trigger();
    clock.advance(200);
    assert.equal(runs, 0, 'still typing');
    clock.advance(100);
    assert.equal(runs, 1);
    visible = false;
    s.trigger();
    clock.advance(1000);
    assert.equal(runs, 1, 'hidden: no request');
    visible = true;
    s.shown();
    clock.advance(300);
    assert.equal(runs, 2, 'shown again: refreshed once');
    s.shown();
    clock.advance(300);
    assert.equal(runs, 2, 'nothing changed meanwhile');
  });
});
