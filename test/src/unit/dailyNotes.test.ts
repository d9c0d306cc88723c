import * as assert from 'node:assert/strict';
import {
  adjacentDailyNote,
  dailyNoteDate,
  dailyNotePath,
  effectiveVaultSettings,
  isObsidianConfigPath,
  OBSIDIAN_DEFAULTS,
  OWN_DEFAULTS,
  parseObsidianConfig,
  parseNote,
  planDailyNote,
  readOwnVaultSettings,
  VaultIndex,
  type FeatureContext,
  type VaultSettings,
} from '@ospo-notes/engine';
import { localClock } from '../../../client/out/localClock';

/** Friday 5 January 2024, 08:30 local time. */
const NOW = new Date(2024, 0, 5, 8, 30);

function setup(notes: Record<string, string>, daily: Partial<VaultSettings['dailyNotes']> = {}): FeatureContext {
  const index = new VaultIndex();
  index.load(Object.entries(notes).map(([p, t]) => parseNote(p, t)), []);
  const settings = effectiveVaultSettings(OBSIDIAN_DEFAULTS);
  settings.dailyNotes = { ...settings.dailyNotes, ...daily };
  return { index, getText: (p) => notes[p], settings: () => settings };
}

describe('daily notes', () => {
  describe('settings', () => {
    it('reads .obsidian/daily-notes.json as Obsidian writes it', () => {
      const read = parseObsidianConfig(undefined, undefined, JSON.stringify({ folder: 'Journal/', format: 'YYYY/MM/YYYY-MM-DD', template: 'templates/Daily', autorun: true }));
      assert.deepEqual(read.warnings, []);
      assert.deepEqual(read.settings.dailyNotes, { folder: 'Journal/', format: 'YYYY/MM/YYYY-MM-DD', template: 'templates/Daily', autorun: true });
      assert.ok(isObsidianConfigPath('.obsidian/daily-notes.json'), 'a change re-reads it');
      assert.equal(parseObsidianConfig(undefined, undefined, '{"format": ""}').settings.dailyNotes.format, 'YYYY-MM-DD', 'an empty format is the default, as in Obsidian');
      const bad = parseObsidianConfig(undefined, undefined, '{"folder": 3, "format": "DD.MM"}');
      assert.equal(bad.settings.dailyNotes.folder, '');
      assert.equal(bad.settings.dailyNotes.format, 'DD.MM');
      assert.deepEqual(bad.warnings, ['.obsidian/daily-notes.json: ignored "folder" (unexpected value); Obsidian\'s default is used']);
      assert.match(parseObsidianConfig(undefined, undefined, '{').warnings[0], /^\.obsidian\/daily-notes\.json is not valid JSON/);
    });

    it('ours override Obsidian\'s key by key; blank ones defer', () => {
      const obsidian = { ...OBSIDIAN_DEFAULTS, dailyNotes: { folder: '/Journal/', format: 'DD.MM.YYYY', template: 'templates/Daily', autorun: false } };
      assert.deepEqual(effectiveVaultSettings(obsidian).dailyNotes, { folder: 'Journal', format: 'DD.MM.YYYY', template: 'templates/Daily' });
      const own = readOwnVaultSettings({ dailyNotes: { folder: 'Days', format: ' ', template: '' } });
      assert.deepEqual(effectiveVaultSettings(obsidian, own).dailyNotes, { folder: 'Days', format: 'DD.MM.YYYY', template: 'templates/Daily' });
      const all = readOwnVaultSettings({ dailyNotes: { folder: '/', format: 'YYYY-[W]WW', template: 'T' } });
      assert.deepEqual(effectiveVaultSettings(obsidian, all).dailyNotes, { folder: '', format: 'YYYY-[W]WW', template: 'T' });
      assert.deepEqual(effectiveVaultSettings(OBSIDIAN_DEFAULTS, OWN_DEFAULTS).dailyNotes, { folder: '', format: 'YYYY-MM-DD', template: '' }, 'nothing set: the vault root, YYYY-MM-DD, no template');
      assert.deepEqual(readOwnVaultSettings({ dailyNotes: { folder: 7 } }).dailyNotes, { folder: '', format: '', template: '' });
    });
  });

  describe('names and dates', () => {
    it('the note of a date: folder, format (with / for sub-folders), .md', () => {
      assert.deepEqual(dailyNotePath({ folder: '', format: 'YYYY-MM-DD', template: '' }, NOW), { ok: true, path: '2024-01-05.md' });
      assert.deepEqual(dailyNotePath({ folder: 'Journal', format: 'YYYY/MM/dddd, MMMM Do', template: '' }, NOW), { ok: true, path: 'Journal/2024/01/Friday, January 5th.md' });
      const bad = dailyNotePath({ folder: '', format: 'HH:mm', template: '' }, NOW);
      assert.ok(!bad.ok && /not allowed in file names/.test(bad.reason));
      const empty = dailyNotePath({ folder: '', format: '[ ]', template: '' }, NOW);
      assert.ok(!empty.ok);
    });

    it('the date of a daily note from its name, strictly', () => {
      const s = { folder: 'Journal', format: 'YYYY/MM/YYYY-MM-DD', template: '' };
      assert.equal(dailyNoteDate(s, 'Journal/2024/01/2024-01-05.md')?.getTime(), new Date(2024, 0, 5).getTime());
      assert.equal(dailyNoteDate(s, 'anywhere/2023-11-28.md')?.getTime(), new Date(2023, 10, 28).getTime());
      assert.equal(dailyNoteDate(s, 'Journal/2024-1-5.md'), undefined);
      assert.equal(dailyNoteDate(s, 'Journal/2024-01-05.png'), undefined);
    });
  });

  describe('"Open Today\'s Note"', () => {
    it('creates today\'s note from the template, expanded in the default formats', () => {
      const ctx = setup({ 'templates/Daily.md': '---\ntags: [daily]\n---\n# {{date:dddd, MMMM Do YYYY}}\n{{title}} at {{time}}, {{date}}\n' }, { folder: 'Journal', template: 'Daily' });
      assert.deepEqual(planDailyNote(ctx, NOW), { kind: 'create', path: 'Journal/2024-01-05.md', text: '---\ntags: [daily]\n---\n# Friday, January 5th 2024\n2024-01-05 at 08:30, 2024-01-05\n' });
    });

    it('opens the note that exists (in any case), creates an empty one without a template', () => {
      assert.deepEqual(planDailyNote(setup({ 'journal/2024-01-05.md': 'mine' }, { folder: 'Journal' }), NOW), { kind: 'open', path: 'journal/2024-01-05.md' });
      assert.deepEqual(planDailyNote(setup({}), NOW), { kind: 'create', path: '2024-01-05.md', text: '' });
    });

    it('refuses, saying where to fix it, when the template is missing or the format names no note', () => {
      const missing = planDailyNote(setup({}, { template: 'templates/Nope' }), NOW);
      assert.ok(missing.kind === 'refuse' && /template "templates\/Nope" is not a note of the vault.*daily-notes\.json.*ospoNotes\.dailyNotes\.template/.test(missing.reason), JSON.stringify(missing));
      const colon = planDailyNote(setup({}, { format: 'HH:mm' }), NOW);
      assert.ok(colon.kind === 'refuse' && /ospoNotes\.dailyNotes\.format/.test(colon.reason));
    });
  });

  describe('previous and next daily note', () => {
    const notes = {
      'Journal/2023-12-31.md': '',
      'Journal/2024-01-02.md': '',
      'Journal/2024-01-05.md': '',
      'Journal/2024/01/2024-01-09.md': '',
      'events/2023-11-28.md': '',
      'Journal/2024-01-07 draft.md': '',
      'Journal/Plan.md': '',
    };
    const ctx = setup(notes, { folder: 'Journal', format: 'YYYY-MM-DD' });
    const go = (direction: 'previous' | 'next', from: string | undefined, today = NOW) => adjacentDailyNote(ctx, direction, from, today)?.path;

    it('from a daily note, the nearest existing one before or after its date', () => {
      assert.equal(go('previous', 'Journal/2024-01-05.md'), 'Journal/2024-01-02.md');
      assert.equal(go('previous', 'Journal/2024-01-02.md'), 'Journal/2023-12-31.md');
      assert.equal(go('previous', 'Journal/2023-12-31.md'), 'events/2023-11-28.md', 'anywhere in the vault, as Obsidian looks');
      assert.equal(go('previous', 'events/2023-11-28.md'), undefined);
      assert.equal(go('next', 'Journal/2024-01-05.md'), 'Journal/2024/01/2024-01-09.md', 'names that are not dates are skipped');
      assert.equal(go('next', 'Journal/2024/01/2024-01-09.md'), undefined);
    });

    it('from another note, relative to today', () => {
      assert.equal(go('previous', 'Journal/Plan.md', new Date(2024, 0, 4, 23, 59)), 'Journal/2024-01-02.md');
      assert.equal(go('next', undefined, new Date(2024, 0, 4, 0, 1)), 'Journal/2024-01-05.md');
      assert.equal(go('previous', undefined, NOW), 'Journal/2024-01-02.md', 'today itself is not before today');
    });
  });

  it('the client sends its local wall-clock time, which the server reads back as the same day and time', () => {
    const late = new Date(2024, 11, 31, 23, 59, 7);
    assert.equal(localClock(late), '2024-12-31T23:59:07');
    assert.equal(new Date(localClock(late)).getTime(), late.getTime(), 'no offset: read as local time');
    assert.equal(localClock(new Date(987, 0, 2, 3, 4, 5)), '0987-01-02T03:04:05');
  });
});
