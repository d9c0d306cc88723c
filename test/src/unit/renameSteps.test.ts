/**
 * Rename as steps (renameAtSteps, renameFilesSteps): a big rename yields between runs of links and between whole
 * notes it re-parses, gives what the one-go rename gives, and refuses instead of proposing stale edits when the
 * vault changed between its steps.
 */
import * as assert from 'node:assert/strict';
import { parseBuffer, renameAt, renameAtSteps, renameFiles, renameFilesSteps, runSteps, type RenameResult } from '@ospo-notes/engine';
import { MemoryVault } from '../support/memoryVault';

/** A hub note and notes linking to it `perNote` times each. */
function hubVault(notes: number, perNote: number): MemoryVault {
  const files: Record<string, string> = { 'Hub.md': '# Hub\n\n## Part\n\ntext ^blk\n' };
  for (let i = 0; i < notes; i++) files[`src/S${i}.md`] = Array.from({ length: perNote }, (_, k) => `- ${k} [[Hub]] [[Hub#Part]] [[Hub#^blk]]\n`).join('');
  return new MemoryVault(files);
}

/** How many times the steps yield before their answer, and the answer. */
function drive(steps: Generator<void, RenameResult>, between?: (n: number) => void): { yields: number; result: RenameResult } {
  let yields = 0;
  for (;;) {
    const step = steps.next();
    if (step.done) return { yields, result: step.value };
    yields++;
    between?.(yields);
  }
}

describe('rename in steps', () => {
  it('yields between runs of links and answers what renameAt answers', () => {
    const v = hubVault(8, 400);
    const position = { line: 0, character: 7 };
    const whole = renameAt(v.ctx, 'src/S0.md', position, 'Centre', v.options);
    const { yields, result } = drive(renameAtSteps(v.ctx, 'src/S0.md', position, 'Centre', v.options));
    assert.ok(!('refused' in result), JSON.stringify(result));
    assert.ok(yields >= 4, `9,600 links planned in ${yields} steps`);
    assert.deepEqual(result, whole);
    assert.deepEqual(runSteps(renameAtSteps(v.ctx, 'src/S0.md', position, 'Centre', v.options)), whole);
  });

  it('renames a heading of a big note in steps, the note re-parsed in steps too', () => {
    const big = Array.from({ length: 20000 }, (_, k) => `- ${k} see [[#Part]]\n`).join('');
    const v = new MemoryVault({ 'Big.md': `# Big\n\n## Part\n\n${big}`, 'Other.md': '[[Big#Part]]\n' });
    const whole = renameAt(v.ctx, 'Big.md', { line: 2, character: 4 }, 'Section', v.options);
    const { yields, result } = drive(renameAtSteps(v.ctx, 'Big.md', { line: 2, character: 4 }, 'Section', v.options));
    assert.ok(yields >= 10, `${yields} steps`);
    assert.deepEqual(result, whole);
    v.apply('refused' in result ? assert.fail(result.refused) : result.edit);
    assert.ok(v.texts.get('Other.md')!.startsWith('[[Big#Section]]'));
    assert.equal(v.texts.get('Big.md')!.split('[[#Section]]').length - 1, 20000);
  });

  it('refuses when a note it read is re-indexed between its steps, and proposes nothing', () => {
    const v = hubVault(8, 400);
    const { result } = drive(renameAtSteps(v.ctx, 'Hub.md', { line: 0, character: 3 }, 'Centre', v.options), (n) => {
      if (n !== 2) return;
      // The user types into a linking note while the rename is planned.
      const text = v.texts.get('src/S0.md')!.replace('- 0 [[Hub]]', '- 0 x [[Hub]]');
      v.texts.set('src/S0.md', text);
      v.index.upsertNote(parseBuffer('src/S0.md', text));
    });
    assert.ok('refused' in result, 'a plan over a changed note was proposed');
    assert.match(result.refused, /changed while the rename was planned/);
  });

  it('refuses when a text changes between its steps though its model did not (a buffer not re-indexed yet)', () => {
    const v = hubVault(8, 400);
    const { result } = drive(renameAtSteps(v.ctx, 'Hub.md', { line: 0, character: 3 }, 'Centre', v.options), (n) => {
      if (n === 3) v.texts.set('src/S7.md', 'typed ' + v.texts.get('src/S7.md')!);
    });
    assert.ok('refused' in result);
    assert.match(result.refused, /changed/);
  });

  it('refuses when the file list changes between its steps', () => {
    const v = hubVault(8, 400);
    const { result } = drive(renameFilesSteps(v.ctx, [{ oldPath: 'Hub.md', newPath: 'Centre.md' }], v.options), (n) => {
      if (n === 1) v.index.addAttachment('new.png');
    });
    assert.ok('refused' in result);
    assert.match(result.refused, /changed while the rename was planned/);
    // Asked again, with nothing changing under it, the same move is planned.
    const again = renameFiles(v.ctx, [{ oldPath: 'Hub.md', newPath: 'Centre.md' }], v.options);
    assert.ok(!('refused' in again), JSON.stringify(again));
  });
});
