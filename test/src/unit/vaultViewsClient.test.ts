/**
 * The editor-free parts of the Tags, Orphans and Placeholders views: live refresh (debounced, only while
 * visible), tag order, how paths and lines are shown, and one listener list per server notification.
 */
import * as assert from 'node:assert/strict';
import type { Clock } from '../../../client/out/previewHost';
import type { TagTreeNode } from '../../../client/out/protocol';
import { LiveRefresh, pathParts, quotedLine, sortTags } from '../../../client/out/views/vaultLists';

class FakeClock implements Clock {
  t = 0;
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private next = 1;
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== handle);
  }
  advance(ms: number): void {
    this.t += ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= this.t).sort((a, b) => a.at - b.at)[0];
      if (!due) return;
      this.timers = this.timers.filter((x) => x !== due);
      due.fn();
    }
  }
}

describe('vault views: live refresh', () => {
  it('turns a burst of changes into one refresh after the last, and none while hidden', () => {
    const clock = new FakeClock();
    let refreshes = 0;
    const live = new LiveRefresh(() => refreshes++, 300, clock);
    live.changed();
    clock.advance(1000);
    assert.equal(refreshes, 0, 'hidden: no refresh');

    live.setVisible(true);
    clock.advance(299);
    assert.equal(refreshes, 0);
    clock.advance(1);
    assert.equal(refreshes, 1, 'shown while stale: refreshed once');

    for (let i = 0; i < 10; i++) {
      live.changed();
      clock.advance(100);
    }
    assert.equal(refreshes, 1, 'still typing: debounced');
    clock.advance(200);
    assert.equal(refreshes, 2, 'one refresh after the burst');

    clock.advance(5000);
    assert.equal(refreshes, 2, 'nothing changed: nothing refreshed');
  });

  it('hidden before the refresh runs: it waits until shown again', () => {
    const clock = new FakeClock();
    let refreshes = 0;
    const live = new LiveRefresh(() => refreshes++, 300, clock);
    live.setVisible(true);
    live.changed();
    live.setVisible(false);
    clock.advance(1000);
    assert.equal(refreshes, 0);
    live.setVisible(true);
    clock.advance(300);
    assert.equal(refreshes, 1);
    live.dispose();
  });
});

describe('vault views: tags, paths and lines', () => {
  const node = (label: string, count: number): TagTreeNode => ({ name: label, label, ownCount: count, count, children: [] });

  it('sorts tags by name case-insensitively, or by count then name, without changing the answer', () => {
    const tags = [node('beta', 1), node('Alpha', 3), node('gamma', 3), node('alpha', 2)];
    assert.deepEqual(sortTags(tags, 'name').map((t) => t.label), ['Alpha', 'alpha', 'beta', 'gamma']);
    assert.deepEqual(sortTags(tags, 'count').map((t) => t.label), ['Alpha', 'gamma', 'alpha', 'beta']);
    assert.deepEqual(tags.map((t) => t.label), ['beta', 'Alpha', 'gamma', 'alpha']);
  });

  it('shows a path as its name and folder, and quotes a line trimmed and cut', () => {
    assert.deepEqual(pathParts('public/tech/OpenSource.md'), { name: 'OpenSource', folder: 'public/tech' });
    assert.deepEqual(pathParts('Home.md'), { name: 'Home', folder: '' });
    assert.equal(quotedLine('a\n   - see [[X]]  \r\nz', 1), '- see [[X]]');
    assert.equal(quotedLine('x'.repeat(200), 0, 10), 'xxxxxxxxx…');
    assert.equal(quotedLine('a', 5), '');
    const long = `  ${'word '.repeat(30)}[[Target]] and more text after it.`;
    const quoted = quotedLine(long, 0, 60, long.indexOf('[[Target]]'));
    assert.ok(quoted.startsWith('…') && quoted.includes('[[Target]]') && quoted.endsWith('…') && quoted.length === 60, quoted);
    assert.equal(quotedLine(long, 0, 200, 100), long.trim(), 'a line that fits is not cut');
    assert.ok(quotedLine(long, 0, 60, long.length).endsWith('after it.'), 'a quote ending the line has no trailing ellipsis');
  });
});
