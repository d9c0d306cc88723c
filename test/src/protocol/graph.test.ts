/**
 * `ospo/graph` over the protocol, on a copy of the sample vault: a note's local graph by its document URI (from
 * the open buffer's current text), the whole vault's graph, and clear errors for bad parameters.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { copySampleVault, LspTestClient } from './lspTestClient';

interface Graph {
  paths: string[];
  labels: string[];
  kinds: number[];
  visibility: number[];
  edges: number[];
  center?: number;
  distance?: number[];
}
interface GraphResponse {
  vault?: string;
  ready: boolean;
  graph?: Graph;
  reason?: string;
}

/** The notes of the vault copy, counted on disk. */
function notesOnDisk(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    if (e.isDirectory()) n += notesOnDisk(path.join(dir, e.name));
    else if (e.name.endsWith('.md')) n++;
  }
  return n;
}

/** Edges as `source → target` of the node paths, sorted. */
function edgeList(g: Graph): string[] {
  const out: string[] = [];
  for (let i = 0; i < g.edges.length; i += 4) out.push(`${g.paths[g.edges[i]]} → ${g.paths[g.edges[i + 1]]}`);
  return out.sort();
}

describe('language server: ospo/graph', function () {
  this.timeout(60000);
  let root: string;
  let client: LspTestClient;

  before(async () => {
    root = copySampleVault('graph');
    client = new LspTestClient(root);
    await client.start();
  });

  after(async () => {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("answers OSPO's local graph at depth 1: its links out (the pdf embed too) and its backlinks", async () => {
    const answer = await client.request<GraphResponse>('ospo/graph', { uri: client.uri('public/tech/OSPO.md'), depth: 1 });
    assert.equal(answer.ready, true);
    assert.equal(answer.vault, client.uri('').replace(/\/$/, ''));
    const g = answer.graph!;
    assert.equal(g.paths[g.center!], 'public/tech/OSPO.md');
    for (const p of ['public/orgs/WHO.md', 'public/orgs/Github.md', 'public/orgs/CERN.md', 'public/tech/OpenSource.md', 'private/people/Samuel Mbuthia.md', 'public/events/2023-11-28.md', 'attachments/ospo_infographic.pdf']) {
      assert.ok(g.paths.includes(p), `${p} in ${JSON.stringify(g.paths)}`);
    }
    const who = g.paths.indexOf('public/orgs/WHO.md');
    assert.equal(g.labels[who], 'WHO');
    assert.equal(g.distance![who], 1);
    assert.equal(g.visibility[who], 1, 'WHO is public');
    assert.equal(g.visibility[g.paths.indexOf('private/people/Samuel Mbuthia.md')], 2, 'Samuel Mbuthia is private');
    assert.ok(edgeList(g).includes('public/tech/OSPO.md → public/orgs/WHO.md'));
    assert.ok(edgeList(g).includes('public/tech/OSPO.md → attachments/ospo_infographic.pdf'));
    // Backlinks: the notes that link to OSPO come in too, with their edges.
    assert.deepEqual(
      edgeList(g).filter((e) => e.endsWith('→ public/tech/OSPO.md')),
      [
        'public/orgs/CERN.md → public/tech/OSPO.md',
        'public/orgs/Github.md → public/tech/OSPO.md',
        'public/orgs/WHO.md → public/tech/OSPO.md',
        'public/tech/OpenSource.md → public/tech/OSPO.md',
        'templates/Daily.md → public/tech/OSPO.md',
      ],
    );
    // The link of OSPO.md to itself (`[[OSPO]]` under People) is no edge.
    assert.ok(!edgeList(g).includes('public/tech/OSPO.md → public/tech/OSPO.md'));
  });

  it('follows the open buffer: a link typed in OSPO.md shows as a placeholder node, before any save', async () => {
    const text = await client.open('public/tech/OSPO.md');
    await client.change('public/tech/OSPO.md', `${text}\n- [[Not Written Yet]]\n`);
    const g = (await client.request<GraphResponse>('ospo/graph', { uri: client.uri('public/tech/OSPO.md'), depth: 1 })).graph!;
    const placeholder = g.paths.indexOf('Not Written Yet');
    assert.ok(placeholder >= 0, JSON.stringify(g.paths));
    assert.equal(g.kinds[placeholder], 2, 'an unresolved placeholder');
    assert.ok(edgeList(g).includes('public/tech/OSPO.md → Not Written Yet'));
    await client.change('public/tech/OSPO.md', text);
    const after = (await client.request<GraphResponse>('ospo/graph', { uri: client.uri('public/tech/OSPO.md'), depth: 1 })).graph!;
    assert.ok(!after.paths.includes('Not Written Yet'));
  });

  it('depth 2 reaches further than depth 1', async () => {
    const one = (await client.request<GraphResponse>('ospo/graph', { uri: client.uri('public/orgs/CERN.md'), depth: 1 })).graph!;
    const two = (await client.request<GraphResponse>('ospo/graph', { uri: client.uri('public/orgs/CERN.md'), depth: 2 })).graph!;
    assert.ok(two.paths.length > one.paths.length, `${one.paths.length} then ${two.paths.length}`);
    assert.ok(Math.max(...two.distance!) === 2);
  });

  it('answers the whole vault, by the vault URI or a document URI inside it, or with no vault named (one vault)', async () => {
    const byVault = await client.request<GraphResponse>('ospo/graph', { vault: client.uri('').replace(/\/$/, ''), whole: true });
    const byNote = await client.request<GraphResponse>('ospo/graph', { vault: client.uri('public/orgs/WHO.md'), whole: true });
    const unnamed = await client.request<GraphResponse>('ospo/graph', { whole: true });
    for (const a of [byVault, byNote, unnamed]) {
      assert.equal(a.ready, true);
      assert.equal(a.graph!.kinds.filter((k) => k === 0).length, notesOnDisk(root), 'every note of the vault');
      assert.equal(a.graph!.center, undefined);
    }
    assert.deepEqual(edgeList(byVault.graph!), edgeList(unnamed.graph!));
  });

  it('says why when there is no graph, and refuses bad parameters with InvalidParams', async () => {
    const outside = await client.request<GraphResponse>('ospo/graph', { uri: 'file:///nowhere/at/all.md', depth: 1 });
    assert.equal(outside.graph, undefined);
    assert.match(outside.reason!, /not part of a vault/);
    const attachment = await client.request<GraphResponse>('ospo/graph', { uri: client.uri('attachments/ospo_infographic.pdf'), depth: 1 });
    assert.equal(attachment.graph, undefined);
    assert.match(attachment.reason!, /not a note/);
    for (const bad of [{}, { uri: 42 }, { uri: client.uri('public/tech/OSPO.md'), depth: 9 }, { uri: client.uri('public/tech/OSPO.md'), depth: 1.5 }, { whole: true, vault: 3 }, null]) {
      await assert.rejects(client.request('ospo/graph', bad), (e: { code?: number; message?: string }) => e.code === -32602 && /ospo\/graph/.test(e.message ?? ''), JSON.stringify(bad));
    }
  });
});
