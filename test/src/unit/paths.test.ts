import * as assert from 'node:assert/strict';
import {
  basename,
  dirname,
  extname,
  hasUriScheme,
  isNotePath,
  lookupKey,
  normalizeVaultPath,
  percentDecode,
  resolveDotSegments,
  stem,
  uriScheme,
} from '@ospo-notes/engine';

describe('paths', () => {
  describe('normalizeVaultPath', () => {
    it('turns backslashes into slashes and drops empty and `.` segments', () => {
      assert.equal(normalizeVaultPath('public\\tech\\OSPO.md'), 'public/tech/OSPO.md');
      assert.equal(normalizeVaultPath('/a//b/./c.md/'), 'a/b/c.md');
      assert.equal(normalizeVaultPath(''), '');
    });
    it('composes to NFC (R3.10)', () => {
      assert.equal(normalizeVaultPath('Cafe\u0301.md'), 'Caf\u00e9.md');
    });
    it('keeps `..` for resolveDotSegments to judge', () => {
      assert.equal(normalizeVaultPath('a/../b'), 'a/../b');
    });
  });

  describe('lookupKey', () => {
    it('folds case and composes', () => {
      assert.equal(lookupKey('CAFE\u0301/Log.MD'), 'caf\u00e9/log.md');
    });
  });

  describe('dirname / basename / extname / stem', () => {
    it('splits vault paths', () => {
      assert.equal(dirname('public/tech/OSPO.md'), 'public/tech');
      assert.equal(dirname('OSPO.md'), '');
      assert.equal(basename('public/tech/OSPO.md'), 'OSPO.md');
      assert.equal(basename('OSPO.md'), 'OSPO.md');
    });
    it('lower-cases the extension and treats a leading dot as part of the name', () => {
      assert.equal(extname('a/Ext.MD'), 'md');
      assert.equal(extname('My.Note.md'), 'md');
      assert.equal(extname('My.Note'), 'note');
      assert.equal(extname('README'), '');
      assert.equal(extname('.gitignore'), '');
      assert.equal(extname('a.b/README'), '');
      assert.equal(stem('x/My.Note.md'), 'My.Note');
      assert.equal(stem('.gitignore'), '.gitignore');
    });
  });

  describe('R3.2 notes', () => {
    it('recognises notes by `.md` in any case', () => {
      assert.ok(isNotePath('a/Note.md'));
      assert.ok(isNotePath('Ext.MD'));
      assert.ok(!isNotePath('a/Note.mdx'));
      assert.ok(!isNotePath('md'));
    });
  });

  describe('resolveDotSegments', () => {
    it('applies `.` and `..`', () => {
      assert.deepEqual(resolveDotSegments(['a', 'b', '..', '.', 'c']), ['a', 'c']);
      assert.deepEqual(resolveDotSegments(['', 'a', '']), ['a']);
    });
    it('reports an escape above the first segment', () => {
      assert.equal(resolveDotSegments(['a', '..', '..', 'b']), undefined);
      assert.equal(resolveDotSegments(['..']), undefined);
    });
  });

  describe('R6.5 scheme detection', () => {
    it('finds schemes of external destinations', () => {
      assert.equal(uriScheme('https://example.com'), 'https');
      assert.equal(uriScheme('mailto:someone@example.com'), 'mailto');
      assert.equal(uriScheme('obsidian://open?vault=MainVault&file=My%20Note.md'), 'obsidian');
      assert.equal(uriScheme('file:///C:/notes/x.md'), 'file');
      assert.equal(uriScheme('HTTP://EXAMPLE.COM'), 'http');
      assert.equal(uriScheme('git+ssh://host/repo'), 'git+ssh');
      assert.ok(hasUriScheme('tel:+123'));
    });
    it('treats scheme-less domains as internal paths', () => {
      assert.ok(!hasUriScheme('github.com/github/github-ospo'));
      assert.ok(!hasUriScheme('www.example.com'));
      assert.ok(!hasUriScheme('Three%20laws%20of%20motion.md'));
      assert.ok(!hasUriScheme('#Heading'));
      assert.ok(!hasUriScheme('../images/x.png'));
      assert.ok(!hasUriScheme('a/b:c.md'));
      assert.ok(!hasUriScheme(''));
    });
    it('does not take a drive letter for a scheme', () => {
      assert.ok(!hasUriScheme('C:/notes/x.md'));
      assert.ok(!hasUriScheme('c:\\notes\\x.md'));
    });
    it('does not take a file name with `: ` for a scheme', () => {
      assert.ok(!hasUriScheme('Note: draft.md'));
      assert.ok(hasUriScheme('Note:%20draft.md'));
    });
    it('requires the scheme to start with a letter', () => {
      assert.ok(!hasUriScheme('1http://x'));
      assert.ok(!hasUriScheme('+a:b'));
    });
  });

  describe('percentDecode', () => {
    it('decodes UTF-8 escapes (R6.2)', () => {
      assert.equal(percentDecode('Three%20laws%20of%20motion'), 'Three laws of motion');
      assert.equal(percentDecode('Caf%C3%A9'), 'Caf\u00e9');
      assert.equal(percentDecode('%F0%9F%93%96'), '\u{1F4D6}');
      assert.equal(percentDecode('a%23b'), 'a#b');
    });
    it('keeps malformed escapes literally and never throws', () => {
      assert.equal(percentDecode('100%'), '100%');
      assert.equal(percentDecode('50%off'), '50%off');
      assert.equal(percentDecode('%zz%2'), '%zz%2');
      assert.equal(percentDecode('%E2%82'), '%E2%82');
      assert.equal(percentDecode('%FF%20x'), '%FF x');
      assert.equal(percentDecode('%C3%28'), '%C3(');
      assert.equal(percentDecode('%ED%A0%80'), '%ED%A0%80'); // a UTF-16 surrogate is not valid UTF-8
      assert.equal(percentDecode('%C0%AF'), '%C0%AF'); // overlong
    });
    it('does not turn `+` into a space', () => {
      assert.equal(percentDecode('a+b'), 'a+b');
    });
  });
});
