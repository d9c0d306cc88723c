import * as assert from 'node:assert/strict';
import {
  EDGE_EMBED,
  EDGE_LINK,
  EDGE_STRIDE,
  GRAPH_NODE_KINDS,
  GRAPH_VISIBILITY_NONE,
  GRAPH_VISIBILITY_PRIVATE,
  GRAPH_VISIBILITY_PUBLIC,
  graphDepth,
  graphEdgeCount,
  localGraph,
  parseNote,
  RequestCancelledError,
  vaultGraph,
  type VaultGraph,
} from '@ospo-notes/engine';
import { featureContextOf } from '../support/vaults';

const vault = featureContextOf;

/** The graph's edges as readable strings: `source → target [kinds] ×count`, sorted. */
function edges(g: VaultGraph): string[] {
  const out: string[] = [];
  for (let i = 0; i < g.edges.length; i += EDGE_STRIDE) {
    const kinds = [g.edges[i + 2] & EDGE_LINK ? 'link' : '', g.edges[i + 2] & EDGE_EMBED ? 'embed' : ''].filter(Boolean).join('+');
    out.push(`${g.paths[g.edges[i]]} → ${g.paths[g.edges[i + 1]]} [${kinds}] ×${g.edges[i + 3]}`);
  }
  return out.sort();
}

function node(g: VaultGraph, path: string): number {
  const i = g.paths.indexOf(path);
  assert.ok(i >= 0, `${path} is a node of ${JSON.stringify(g.paths)}`);
  return i;
}

// A chain A → B → C → D, E linking to A, B embedding an image and linking to a missing note twice, F waiting on
// the same missing note, G linking nowhere.
const CHAIN = {
  'A.md': '---\ntitle: Alpha\nvisibility: public\ntags: [Project]\n---\nSee [[B]] and [[B#Heading]] and ![[B]].\n',
  'sub/B.md': '# Heading\nOn to [[C]], ![[pic.png]], [[Missing]] and [[missing|again]]. Self: [[#Heading]]. #project #area/work\n',
  'C.md': '---\nvisibility: private\n---\n[D](D.md)\n',
  'D.md': 'The end.\n',
  'E.md': '[[A]]\n',
  'F.md': 'Also waiting on [[Missing]].\n',
  'G.md': 'Alone. [web](https://example.org)\n',
};

describe('graph: the local graph of a note', () => {
  it('depth 1: links out and backlinks, with the edges deduplicated and counted by kind', () => {
    const g = localGraph(vault(CHAIN, ['pic.png']), 'A.md', 1)!;
    assert.equal(g.center, 0);
    assert.equal(g.paths[0], 'A.md');
    assert.deepEqual([...g.paths].sort(), ['A.md', 'E.md', 'sub/B.md']);
    assert.deepEqual(edges(g), ['A.md → sub/B.md [link+embed] ×3', 'E.md → A.md [link] ×1']);
    assert.equal(g.distance![node(g, 'sub/B.md')], 1);
    assert.equal(g.distance![node(g, 'E.md')], 1);
  });

  it('depth 2 reaches attachments, unresolved targets (one placeholder per missing name, case-folded) and their edges', () => {
    const g = localGraph(vault(CHAIN, ['pic.png']), 'A.md', 2)!;
    assert.deepEqual([...g.paths].sort(), ['A.md', 'C.md', 'E.md', 'Missing', 'pic.png', 'sub/B.md']);
    const missing = node(g, 'Missing');
    assert.equal(GRAPH_NODE_KINDS[g.kinds[missing]], 'unresolved');
    assert.equal(g.labels[missing], 'Missing');
    assert.equal(g.folder[missing], -1);
    assert.equal(GRAPH_NODE_KINDS[g.kinds[node(g, 'pic.png')]], 'attachment');
    assert.equal(g.labels[node(g, 'pic.png')], 'pic.png');
    assert.deepEqual(edges(g), [
      'A.md → sub/B.md [link+embed] ×3',
      'E.md → A.md [link] ×1',
      'sub/B.md → C.md [link] ×1',
      'sub/B.md → Missing [link] ×2',
      'sub/B.md → pic.png [embed] ×1',
    ]);
    assert.equal(g.distance![missing], 2);
  });

  it('depth 3 goes through a placeholder to the other notes waiting on it, and through markdown links', () => {
    const g = localGraph(vault(CHAIN, ['pic.png']), 'A.md', 3)!;
    assert.deepEqual([...g.paths].sort(), ['A.md', 'C.md', 'D.md', 'E.md', 'F.md', 'Missing', 'pic.png', 'sub/B.md']);
    assert.equal(g.distance![node(g, 'F.md')], 3);
    assert.equal(g.distance![node(g, 'D.md')], 3);
    assert.ok(edges(g).includes('F.md → Missing [link] ×1'));
    assert.ok(edges(g).includes('C.md → D.md [link] ×1'));
    assert.ok(!g.paths.includes('G.md'), 'a note with no link to the neighbourhood stays out');
  });

  it('follows backlinks from a note that only others link to, and shows the edges among its neighbours', () => {
    const ctx = vault({ 'Hub.md': 'nothing out\n', 'X.md': '[[Hub]] [[Y]]\n', 'Y.md': '[[Hub]]\n' });
    const g = localGraph(ctx, 'Hub.md', 1)!;
    assert.deepEqual([...g.paths].sort(), ['Hub.md', 'X.md', 'Y.md']);
    assert.deepEqual(edges(g), ['X.md → Hub.md [link] ×1', 'X.md → Y.md [link] ×1', 'Y.md → Hub.md [link] ×1']);
  });

  it('nodes carry label, title, folder, tags and visibility (the visibility default applies to notes without one)', () => {
    const ctx = vault(CHAIN, ['pic.png']);
    const g = localGraph(ctx, 'A.md', 2)!;
    const a = node(g, 'A.md');
    const b = node(g, 'sub/B.md');
    const c = node(g, 'C.md');
    assert.equal(g.labels[a], 'A');
    assert.equal(g.titles[a], 'Alpha');
    assert.equal(g.titles[b], '');
    assert.equal(g.folders[g.folder[b]], 'sub');
    assert.equal(g.folders[g.folder[a]], '');
    // `Project` and `#project` are one tag, kept as first written.
    assert.deepEqual(g.tags[a].map((t) => g.tagNames[t]), ['Project']);
    assert.deepEqual(g.tags[b].map((t) => g.tagNames[t]), ['Project', 'area/work']);
    assert.equal(g.visibility[a], GRAPH_VISIBILITY_PUBLIC);
    assert.equal(g.visibility[c], GRAPH_VISIBILITY_PRIVATE);
    assert.equal(g.visibility[b], GRAPH_VISIBILITY_PRIVATE, 'no visibility: the default, private');
    assert.equal(g.visibility[node(g, 'pic.png')], GRAPH_VISIBILITY_NONE);
    const publicByDefault = localGraph({ ...ctx, defaultVisibility: 'public' }, 'A.md', 2)!;
    assert.equal(publicByDefault.visibility[node(publicByDefault, 'sub/B.md')], GRAPH_VISIBILITY_PUBLIC);
    assert.equal(publicByDefault.visibility[node(publicByDefault, 'C.md')], GRAPH_VISIBILITY_PRIVATE);
  });

  it('follows the index as notes change: a link removed drops its node', () => {
    const ctx = vault({ 'A.md': '[[B]] [[C]]\n', 'B.md': '', 'C.md': '' });
    assert.deepEqual([...localGraph(ctx, 'A.md', 1)!.paths].sort(), ['A.md', 'B.md', 'C.md']);
    ctx.index.upsertNote(parseNote('A.md', '[[B]]\n'));
    assert.deepEqual([...localGraph(ctx, 'A.md', 1)!.paths].sort(), ['A.md', 'B.md']);
    ctx.index.upsertNote(parseNote('C.md', '[[A]]\n'));
    assert.deepEqual([...localGraph(ctx, 'A.md', 1)!.paths].sort(), ['A.md', 'B.md', 'C.md']);
  });

  it('clamps the depth to 1–3 and answers undefined for a path that is not a note', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 2.7, NaN, '2', undefined].map(graphDepth), [1, 1, 2, 3, 3, 2, 1, 1, 1]);
    const ctx = vault(CHAIN, ['pic.png']);
    assert.equal(localGraph(ctx, 'nowhere.md', 1), undefined);
    assert.equal(localGraph(ctx, 'pic.png', 1), undefined);
    assert.deepEqual(localGraph(ctx, 'A.md', 99)!.paths.length, localGraph(ctx, 'A.md', 3)!.paths.length);
  });
});

describe('graph: the whole vault', () => {
  it('every note (orphans too), the attachments and unresolved targets linked to, and every edge once', () => {
    const g = vaultGraph(vault(CHAIN, ['pic.png', 'unlinked.pdf']));
    assert.deepEqual([...g.paths].sort(), ['A.md', 'C.md', 'D.md', 'E.md', 'F.md', 'G.md', 'Missing', 'pic.png', 'sub/B.md']);
    assert.equal(g.center, undefined);
    assert.equal(g.distance, undefined);
    // Notes come first.
    assert.deepEqual(g.kinds.slice(0, 7), [0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(edges(g), [
      'A.md → sub/B.md [link+embed] ×3',
      'C.md → D.md [link] ×1',
      'E.md → A.md [link] ×1',
      'F.md → Missing [link] ×1',
      'sub/B.md → C.md [link] ×1',
      'sub/B.md → Missing [link] ×2',
      'sub/B.md → pic.png [embed] ×1',
    ]);
    assert.equal(graphEdgeCount(g), 7);
  });

  it('10,000 notes with 50,000 links: built in well under a second, compact, and cancellable', function () {
    this.timeout(60_000);
    const files: Record<string, string> = {};
    const N = 10_000;
    // A deterministic web: each note links to five others (one of them missing every 50th note) and has a tag.
    for (let i = 0; i < N; i++) {
      const links = [1, 7, 31, 211, 1009].map((k) => `[[n${(i * 13 + k) % N}]]`);
      if (i % 50 === 0) links.push(`[[ghost ${i % 500}]]`);
      files[`f${i % 40}/n${i}.md`] = `---\nvisibility: ${i % 3 === 0 ? 'public' : 'private'}\n---\n#t${i % 20} ${links.join(' ')}\n`;
    }
    const ctx = vault(files);
    vaultGraph(ctx); // warm up
    const started = performance.now();
    const g = vaultGraph(ctx);
    const ms = performance.now() - started;
    assert.equal(g.kinds.filter((k) => k === 0).length, N);
    assert.equal(g.kinds.filter((k) => k === 2).length, 10, 'ghost 0, 50, … 450');
    assert.ok(graphEdgeCount(g) >= 5 * N - 10, `${graphEdgeCount(g)} edges`);
    assert.equal(g.folders.length, 40);
    assert.equal(g.tagNames.length, 20);
    // About 170 ms on an idle machine; the bound leaves room for a loaded one.
    assert.ok(ms < 900, `built in ${ms.toFixed(0)} ms`);
    const bytes = JSON.stringify(g).length;
    // Arrays and tables: four numbers per edge, a few strings per node. (One object per edge with its field names,
    // `{"source":1234,"target":5678,"kinds":1,"count":1}`, would alone be 50 bytes an edge.)
    assert.ok(bytes < 20 * graphEdgeCount(g) + 40 * N, `${bytes} bytes of JSON`);
    process.stdout.write(`      whole vault of ${N} notes, ${graphEdgeCount(g)} edges: ${ms.toFixed(0)} ms, ${(bytes / 1024).toFixed(0)} KiB of JSON\n`);

    let asked = 0;
    const cancelLater = { get isCancellationRequested() { return ++asked > 3; } };
    assert.throws(() => vaultGraph({ ...ctx, cancellation: cancelLater }), RequestCancelledError);
    assert.throws(() => localGraph({ ...ctx, cancellation: { isCancellationRequested: true } }, 'f0/n0.md', 3), RequestCancelledError);
    const local = localGraph(ctx, 'f0/n0.md', 1)!;
    assert.equal(local.paths[0], 'f0/n0.md');
    assert.ok(local.paths.length >= 6 && local.paths.length < 30, `${local.paths.length} nodes around one note`);
  });
});
