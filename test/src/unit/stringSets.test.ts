import * as assert from 'node:assert/strict';
import { StringSetMap } from '@ospo-notes/engine';

/** A small seeded generator, so that a failure replays. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('StringSetMap', () => {
  it('says whether an add gave its key its first value', () => {
    const m = new StringSetMap();
    assert.equal(m.add('k', 'a'), true);
    assert.equal(m.add('k', 'a'), false);
    assert.equal(m.add('k', 'b'), false);
    assert.equal(m.add('j', 'a'), true);
    m.delete('k', 'a');
    m.delete('k', 'b');
    assert.equal(m.add('k', 'c'), true);
  });

  it('keeps a set of one as the string, and reads like a map of Sets', () => {
    const m = new StringSetMap();
    m.add('k', 'a');
    m.add('k', 'a');
    assert.deepEqual([...m.get('k')], ['a']);
    assert.deepEqual([...m.values('k')], ['a']);
    assert.ok(m.includes('k', 'a'));
    assert.ok(!m.includes('k', 'b'));
    m.add('k', 'b');
    assert.deepEqual([...m.get('k')], ['a', 'b']);
    m.delete('k', 'a');
    assert.deepEqual([...m.get('k')], ['b']);
    m.delete('k', 'x');
    m.delete('k', 'b');
    assert.ok(!m.has('k'));
    assert.equal(m.get('k').size, 0);
    assert.deepEqual([...m.values('k')], []);
    assert.equal(m.size, 0);
  });

  it('agrees with a Map of Sets, insertion order included, over seeded random operations', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const next = random(seed);
      const m = new StringSetMap();
      const model = new Map<string, Set<string>>();
      for (let step = 0; step < 2000; step++) {
        const key = `k${Math.floor(next() * 8)}`;
        const value = `v${Math.floor(next() * 5)}`;
        if (next() < 0.55) {
          m.add(key, value);
          if (!model.has(key)) model.set(key, new Set());
          model.get(key)!.add(value);
        } else {
          m.delete(key, value);
          model.get(key)?.delete(value);
          if (model.get(key)?.size === 0) model.delete(key);
        }
        const want = [...(model.get(key) ?? [])];
        assert.deepEqual([...m.get(key)], want, `seed ${seed}, step ${step}`);
        assert.deepEqual([...m.values(key)], want, `seed ${seed}, step ${step}`);
        assert.equal(m.has(key), model.has(key));
        assert.equal(m.includes(key, value), model.get(key)?.has(value) ?? false);
      }
      assert.deepEqual([...m.keys()].sort(), [...model.keys()].sort());
      assert.equal(m.size, model.size);
    }
  });
});
