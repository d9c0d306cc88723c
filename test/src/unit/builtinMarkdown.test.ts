import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BUILTIN_MARKDOWN_EXTENSION, leaveHeadingsToBuiltin, OWN_OUTLINE_SETTING, withoutHeadingSymbols } from '../../../client/out/builtinMarkdown';

const REPO = path.resolve(__dirname, '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
  contributes: { configurationDefaults?: Record<string, unknown>; configuration: { properties: Record<string, { default?: unknown; type?: string }> } };
};

describe("client: beside VS Code's built-in Markdown support", () => {
  it('leaves headings to the built-in only while it is enabled and the user has not asked for ours', () => {
    assert.equal(leaveHeadingsToBuiltin(true, undefined), true);
    assert.equal(leaveHeadingsToBuiltin(true, false), true);
    assert.equal(leaveHeadingsToBuiltin(true, true), false);
    // The built-in disabled: ours is the only outline, whatever the setting says.
    assert.equal(leaveHeadingsToBuiltin(false, undefined), false);
    assert.equal(leaveHeadingsToBuiltin(false, false), false);
  });

  it('drops only the headings from our workspace symbols', () => {
    const STRING = 14;
    const found = withoutHeadingSymbols([{ name: 'WHO', kind: 0 }, { name: 'OSPO', kind: STRING }, { name: '^1a1526 Every', kind: 19 }], STRING);
    assert.deepEqual(found.map((s) => s.name), ['WHO', '^1a1526 Every']);
  });

  it('the manifest turns off the built-in path completion and declares the setting that gives the Outline back', () => {
    assert.equal(manifest.contributes.configurationDefaults?.['markdown.suggest.paths.enabled'], false);
    const setting = manifest.contributes.configuration.properties[`ospoNotes.${OWN_OUTLINE_SETTING}`];
    assert.deepEqual([setting?.type, setting?.default], ['boolean', false]);
    assert.equal(BUILTIN_MARKDOWN_EXTENSION, 'vscode.markdown-language-features');
  });
});
