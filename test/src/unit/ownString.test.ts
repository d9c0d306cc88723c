import * as assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ownString } from '@ospo-notes/engine';

describe('ownString: a copy that does not keep its source text alive', () => {
  it('gives the same text for every kind of key a property name can be', () => {
    for (const s of ['short', 'a note name here', '__proto__ and more', '1234567890123456', '4294967294', 'constructor.....', 'emoji 📖 inside a name', '\ud83d lone half', ' spaced  ', 'toString value!']) {
      assert.equal(ownString(s), s);
      assert.equal(ownString(s), s, 'twice: nothing is left behind between calls');
    }
    const text = 'prefix [[A long link path of a note]] suffix';
    assert.equal(ownString(text.slice(9, 35)), 'A long link path of a note');
  });

  it('lets the text a string was sliced from be collected', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const linkPathOf = (i: number): string => {
      const big = `${i} ${'x'.repeat(16 * 1024 * 1024)} [[the link path ${i}]]`;
      return ownString(big.slice(big.indexOf('[[') + 2, big.length - 2));
    };
    gc();
    const before = process.memoryUsage().heapUsed;
    const kept = [0, 1, 2, 3, 4, 5, 6, 7].map(linkPathOf);
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    assert.deepEqual(kept, [0, 1, 2, 3, 4, 5, 6, 7].map((i) => `the link path ${i}`));
    // Kept as slices, the eight texts of 16 MB would all stay (128 MB).
    assert.ok(grown < 40 * 1024 * 1024, `the source texts were kept (heap grew ${(grown / 1048576).toFixed(0)} MB)`);
  });
});
