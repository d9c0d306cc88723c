import * as assert from 'node:assert/strict';
import { fileNameProblem, newNotePath } from '@ospo-notes/engine';

// One rule says which names a file or folder of the vault may have; creating a note for a link and renaming a
// file both ask it (rename.test.ts covers the rename side through renameAt).
describe('file names: one rule for new notes and renames', () => {
  const refused: Array<[string, RegExp]> = [
    ['a:b', /holds ':'.*not allowed in file names/],
    ['what?', /holds '\?'/],
    ['a*b', /holds '\*'/],
    ['a|b', /holds '\|'/],
    ['a<b', /holds '<'/],
    ['a"b', /holds '"'/],
    ['a#b', /link cannot spell/],
    ['a^b', /link cannot spell/],
    ['[a]', /link cannot spell/],
    ['.hidden', /hidden files and folders/],
    ['ends.', /ends with a dot/],
    [' lead', /starts or ends with a space/],
    ['tab\there', /control character/],
    ['cut \ud83d', /half of a character/],
    ['', /cannot be empty/],
  ];
  for (const [name, why] of refused) {
    it(`refuses ${JSON.stringify(name)}, with the same reason wherever it is asked`, () => {
      const problem = fileNameProblem(name);
      assert.ok(problem, `no problem found with ${JSON.stringify(name)}`);
      assert.match(problem, why);
      if (name.trim() !== '' && name === name.trim()) {
        const planned = newNotePath(name, 'Source.md', '');
        assert.ok(!planned.ok, `a new note named ${JSON.stringify(name)} was planned`);
        assert.ok(planned.reason.includes(problem), planned.reason);
      }
    });
  }

  it('accepts ordinary names, dots and spaces inside and letters of any script included', () => {
    for (const name of ['Plain', 'Café crème', 'v1.2 notes', 'OSPO – 2024', '会议记录', 'emoji 📖']) {
      assert.equal(fileNameProblem(name), undefined, name);
      const planned = newNotePath(name, 'Source.md', '');
      assert.ok(planned.ok, `${name}: ${planned.ok ? '' : planned.reason}`);
    }
  });

  it('says which kind of name it refuses', () => {
    assert.match(fileNameProblem('a:b', 'folder')!, /holds ':'/);
    assert.match(fileNameProblem('', 'folder')!, /A folder name cannot be empty/);
    const inHidden = newNotePath('.trash/Old', 'Source.md', '');
    assert.ok(!inHidden.ok);
    assert.match(inHidden.reason, /'\.trash' starts with '\.'/);
  });
});
