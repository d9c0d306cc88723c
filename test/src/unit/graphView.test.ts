/**
 * The graph panel's pure parts (client/src/views/graphModel.ts, graphPanel.ts): colour groups and their stable
 * palette slots, neighbours, the node list's order and search, the webview's HTML and content security policy,
 * the refresh debouncer.
 */
import * as assert from 'node:assert/strict';
import { localGraph, parseNote, vaultGraph, VaultIndex, type FeatureContext } from '@ospo-notes/engine';
import { adjacency, ColourSlots, degreeOf, listNodes, nodeDescription, nodeGroups, nodeRadius } from '../../../client/out/views/graphModel';
import { Debouncer, graphCsp, graphHtml, makeNonce } from '../../../client/out/views/graphPanel';

function vault(files: Record<string, string>): FeatureContext {
  const index = new VaultIndex();
  index.load(Object.entries(files).map(([p, t]) => parseNote(p, t)), []);
  return { index, getText: (p) => files[p] };
}

const FILES = {
  'Hub.md': '---\ntitle: The Hub\ntags: [core]\n---\n[[a/One]] [[a/Two]] [[b/Three]] [[Ghost]]\n',
  'a/One.md': '#core #extra [[Hub]]\n',
  'a/Two.md': '#side [[b/Three]]\n',
  'b/Three.md': 'no tags\n',
  'Far.md': '[[b/Three]]\n',
};

describe('graph view: groups, neighbours and the node list', () => {
  it('groups by folder or first tag, largest first; placeholders and untagged notes have none', () => {
    const g = localGraph(vault(FILES), 'Hub.md', 1)!;
    const byFolder = nodeGroups(g, 'folder');
    // The unresolved Ghost has no folder: the root holds Hub alone.
    assert.deepEqual(byFolder.names, ['a', '', 'b']);
    assert.deepEqual(byFolder.counts, [2, 1, 1]);
    const at = (p: string) => g.paths.indexOf(p);
    assert.equal(byFolder.group[at('Ghost')], -1);
    const byTag = nodeGroups(g, 'tag');
    assert.deepEqual(byTag.names, ['core', 'side']);
    assert.deepEqual(byTag.counts, [2, 1]);
    assert.equal(byTag.group[at('b/Three.md')], -1);
    assert.equal(byTag.group[at('a/One.md')], 0, "One's first tag is core");
  });

  it('ranks folders by size', () => {
    const g = vaultGraph(vault(FILES));
    const byFolder = nodeGroups(g, 'folder');
    // Root (Hub, Far) and a (One, Two) tie at two: by name.
    assert.deepEqual(byFolder.names, ['', 'a', 'b']);
    assert.deepEqual(byFolder.counts, [2, 2, 1]);
  });

  it('keeps a name in its palette slot across graphs, and gives the others the free slots', () => {
    const slots = new ColourSlots(3);
    assert.deepEqual([...slots.assign({ names: ['a', 'b'] })], [0, 1]);
    assert.deepEqual([...slots.assign({ names: ['b', 'c', 'a'] })], [1, 2, 0]);
    // Full palette: a new name takes the slot of one not shown now; beyond that, the "other" colour.
    assert.deepEqual([...slots.assign({ names: ['d', 'a', 'e', 'f'] })], [1, 0, 2, -1]);
    assert.deepEqual([...slots.assign({ names: ['a'] })], [0]);
  });

  it('neighbours both ways, degrees and radius', () => {
    const g = localGraph(vault(FILES), 'Hub.md', 2)!;
    const adj = adjacency(g);
    const at = (p: string) => g.paths.indexOf(p);
    const neighbours = (p: string) => [...adj.neighbours.slice(adj.offsets[at(p)], adj.offsets[at(p) + 1])].map((i) => g.paths[i]).sort();
    assert.deepEqual(neighbours('Hub.md'), ['Ghost', 'a/One.md', 'a/One.md', 'a/Two.md', 'b/Three.md'], 'Hub → One and One → Hub are two edges');
    assert.deepEqual(neighbours('b/Three.md'), ['Far.md', 'Hub.md', 'a/Two.md']);
    assert.equal(degreeOf(adj, at('Ghost')), 1);
    assert.ok(nodeRadius(0) < nodeRadius(4) && nodeRadius(4) < nodeRadius(10_000) && nodeRadius(10_000) <= 16);
  });

  it('lists the centre first, then by distance and label; the search looks in label, title and path', () => {
    const g = localGraph(vault(FILES), 'Hub.md', 2)!;
    const paths = (nodes: number[]) => nodes.map((i) => g.paths[i]);
    assert.deepEqual(paths(listNodes(g, '', 100).nodes), ['Hub.md', 'Ghost', 'a/One.md', 'b/Three.md', 'a/Two.md', 'Far.md']);
    assert.deepEqual(paths(listNodes(g, 'ONE', 100).nodes), ['a/One.md']);
    assert.deepEqual(paths(listNodes(g, 'the hub', 100).nodes), ['Hub.md']);
    assert.deepEqual(paths(listNodes(g, 'b/', 100).nodes), ['b/Three.md']);
    const limited = listNodes(g, '', 2);
    assert.equal(limited.nodes.length, 2);
    assert.equal(limited.total, 6);
    assert.equal(nodeDescription(g, g.paths.indexOf('Hub.md')), 'The Hub · Hub.md');
    assert.equal(nodeDescription(g, g.paths.indexOf('a/One.md')), 'a/One.md');
    assert.equal(nodeDescription(g, g.paths.indexOf('Ghost')), '');
  });
});

describe('graph view: the webview page', () => {
  const strings = {
    depth: 'Depth',
    colourBy: 'Colour by',
    folder: 'Folder',
    tag: 'Tag',
    search: 'Find <a> "note"',
    nodes: 'Nodes',
    publicNote: 'Public',
    privateNote: 'Private',
    attachment: 'Attachment',
    unresolved: 'Unresolved',
    noTag: 'No tag',
    root: 'Root',
    more: '{0} more',
    graphLabel: 'Graph',
  };

  it('has a strict content security policy: nothing by default, the one script by its nonce, no eval, no network', () => {
    const csp = graphCsp('https://res.example', 'abc123');
    assert.match(csp, /^default-src 'none'; /);
    assert.match(csp, /script-src 'nonce-abc123'(;|$)/);
    assert.match(csp, /worker-src blob:(;|$)/, 'the layout worker, from the bundled text of the script');
    assert.doesNotMatch(csp, /unsafe-eval|unsafe-inline|https?:\/\/(?!res\.example)|\*/);
  });

  it('loads only the bundled script (by nonce) and stylesheet, and escapes the strings it shows', () => {
    const nonce = makeNonce();
    assert.match(nonce, /^[A-Za-z0-9]{16,}$/);
    assert.notEqual(nonce, makeNonce());
    const html = graphHtml({ cspSource: 'https://res.example', nonce, scriptUri: 'https://res.example/dist/graphView.js', styleUri: 'https://res.example/media/graph.css', strings, language: 'en' });
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    assert.deepEqual(scripts, [`<script nonce="${nonce}" src="https://res.example/dist/graphView.js">`]);
    assert.ok(!/<script[^>]*>[^<]+<\/script>/.test(html), 'no inline script');
    assert.ok(!/\sstyle="/.test(html) && !/<style/.test(html), 'no inline style');
    assert.ok(!/\son[a-z]+="/.test(html), 'no inline event handler');
    assert.ok(html.includes('placeholder="Find &lt;a&gt; &quot;note&quot;"'));
    assert.ok(html.includes('id="node-list"') && html.includes('<canvas id="graph"'));
  });

  it('debounces a burst of refreshes into one', () => {
    const timers: Array<{ at: number; fn: () => void; id: number }> = [];
    let now = 0;
    let id = 0;
    const clock = {
      setTimeout: ((fn: () => void, ms: number) => {
        timers.push({ at: now + ms, fn, id: ++id });
        return id;
      }) as unknown as typeof setTimeout,
      clearTimeout: ((t: number) => {
        const i = timers.findIndex((x) => x.id === t);
        if (i >= 0) timers.splice(i, 1);
      }) as unknown as typeof clearTimeout,
    };
    let runs = 0;
    const d = new Debouncer(() => runs++, 300, clock);
    const advance = (ms: number) => {
      now += ms;
      for (const t of timers.filter((x) => x.at <= now)) {
        timers.splice(timers.indexOf(t), 1);
        t.fn();
      }
    };
    d.trigger();
    advance(200);
    d.trigger();
    advance(200);
    d.trigger();
    assert.equal(runs, 0);
    assert.ok(d.pending);
    advance(300);
    assert.equal(runs, 1);
    assert.ok(!d.pending);
    d.trigger();
    d.dispose();
    advance(1000);
    assert.equal(runs, 1, 'disposed: nothing runs');
  });
});
