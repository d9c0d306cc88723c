import * as assert from 'node:assert/strict';
import {
  applyTextEdits,
  effectiveVaultSettings,
  expandTemplate,
  formatDate,
  OBSIDIAN_DEFAULTS,
  parseDate,
  parseNote,
  planNoteFromTemplate,
  planTemplateInsertion,
  templateInsertionEdits,
  templateNotes,
  VaultIndex,
  type FeatureContext,
  type VaultSettings,
} from '@ospo-notes/engine';
import type { Range } from 'vscode-languageserver-types';

/** Friday 5 January 2024, 09:07:03.045 in the machine's local time: every test reads this clock. */
const NOW = new Date(2024, 0, 5, 9, 7, 3, 45);

function setup(notes: Record<string, string>, settings: VaultSettings = effectiveVaultSettings({ ...OBSIDIAN_DEFAULTS, templates: { folder: 'templates', dateFormat: 'YYYY-MM-DD', timeFormat: 'HH:mm' } })): FeatureContext {
  const index = new VaultIndex();
  index.load(Object.entries(notes).map(([p, t]) => parseNote(p, t)), []);
  return { index, getText: (p) => notes[p], settings: () => settings };
}

const cursor = (line: number, character: number): Range => ({ start: { line, character }, end: { line, character } });

describe('templates', () => {
  describe('Moment formats through dayjs', () => {
    // What Moment's `format` gives for each token at NOW (Moment's documentation, `en` locale).
    const table: Array<[string, string]> = [
      ['YYYY', '2024'],
      ['YY', '24'],
      ['M', '1'],
      ['Mo', '1st'],
      ['MM', '01'],
      ['MMM', 'Jan'],
      ['MMMM', 'January'],
      ['Q', '1'],
      ['Qo', '1st'],
      ['D', '5'],
      ['Do', '5th'],
      ['DD', '05'],
      ['DDD', '5'],
      ['DDDo', '5th'],
      ['DDDD', '005'],
      ['d', '5'],
      ['dd', 'Fr'],
      ['ddd', 'Fri'],
      ['dddd', 'Friday'],
      ['e', '5'],
      ['E', '5'],
      ['w', '1'],
      ['wo', '1st'],
      ['ww', '01'],
      ['W', '1'],
      ['Wo', '1st'],
      ['WW', '01'],
      ['gggg', '2024'],
      ['GGGG', '2024'],
      ['H', '9'],
      ['HH', '09'],
      ['h', '9'],
      ['hh', '09'],
      ['k', '9'],
      ['kk', '09'],
      ['A', 'AM'],
      ['a', 'am'],
      ['m', '7'],
      ['mm', '07'],
      ['s', '3'],
      ['ss', '03'],
      ['SSS', '045'],
      ['LT', '9:07 AM'],
      ['LTS', '9:07:03 AM'],
      ['L', '01/05/2024'],
      ['LL', 'January 5, 2024'],
      ['LLL', 'January 5, 2024 9:07 AM'],
      ['LLLL', 'Friday, January 5, 2024 9:07 AM'],
      ['Y', '2024'],
      ['YYYYY', '02024'],
      ['gg', '24'],
      ['GG', '24'],
      ['S', '0'],
      ['SS', '04'],
      ['SSSS', '0450'],
      ['N', 'AD'],
      ['NNNN', 'Anno Domini'],
      ['y', '2024'],
      ['l', '1/5/2024'],
      ['ll', 'Jan 5, 2024'],
      ['z', ''],
      ['[at] HH:mm zz', 'at 09:07 '],
      ['[Week] W [of] GGGG', 'Week 1 of 2024'],
      ['[Do] Do', 'Do 5th'],
      ['dddd, MMMM Do YYYY', 'Friday, January 5th 2024'],
      ['YYYY/MM/YYYY-MM-DD', '2024/01/2024-01-05'],
    ];
    for (const [format, expected] of table) {
      it(`${format} → ${expected}`, () => assert.equal(formatDate(NOW, format), expected));
    }

    it('Unix time in seconds and milliseconds', () => {
      assert.equal(formatDate(NOW, 'X'), String(Math.floor(NOW.getTime() / 1000)));
      assert.equal(formatDate(NOW, 'x'), String(NOW.getTime()));
    });

    it('week years at the turn of the year, ordinals past the teens', () => {
      // Friday 1 January 2021 is in ISO week 53 of 2020, and in week 1 of 2021 for the `en` locale.
      assert.equal(formatDate(new Date(2021, 0, 1), 'GGGG-[W]WW gggg-[w]ww'), '2020-W53 2021-w01');
      // Monday 30 December 2024 is in ISO week 1 of 2025, and in the `en` week 1 of 2025.
      assert.equal(formatDate(new Date(2024, 11, 30), 'GGGG-[W]WW gggg-[w]ww DDDD'), '2025-W01 2025-w01 365');
      assert.equal(['11', '12', '13', '21', '22', '23', '31'].map((d) => formatDate(new Date(2024, 0, Number(d)), 'Do')).join(' '), '11th 12th 13th 21st 22nd 23rd 31st');
    });

    it('never throws, whatever the format: every letter, alone and repeated, formats to text', () => {
      for (let c = 33; c < 127; c++) {
        for (const n of [1, 2, 3, 4, 5, 7]) {
          const format = String.fromCharCode(c).repeat(n);
          assert.equal(typeof formatDate(NOW, format), 'string', format);
          assert.equal(typeof formatDate(NOW, `[${format}] ${format} x${format}`), 'string', format);
          assert.doesNotThrow(() => parseDate('2024-01-05', format), format);
          assert.doesNotThrow(() => parseDate(format, `YYYY${format}`), format);
        }
      }
    });

    it('reads a date back strictly', () => {
      assert.equal(parseDate('2024-01-05', 'YYYY-MM-DD')?.getTime(), new Date(2024, 0, 5).getTime());
      assert.equal(parseDate('2024-1-5', 'YYYY-MM-DD'), undefined);
      assert.equal(parseDate('2024-02-30', 'YYYY-MM-DD'), undefined);
      assert.equal(parseDate('Meeting notes', 'YYYY-MM-DD'), undefined);
      assert.equal(parseDate('05.01.2024', 'DD.MM.YYYY')?.getTime(), new Date(2024, 0, 5).getTime());
    });
  });

  describe('the tags, as the core Templates plugin expands them', () => {
    const expand = (t: string, extra: { dateFormat?: string; timeFormat?: string; title?: string } = {}): string => expandTemplate(t, { title: extra.title ?? 'My Note', now: NOW, ...extra });

    it('{{title}}, {{date}}, {{time}} in the default formats', () => {
      assert.equal(expand('# {{title}}\n{{date}} {{time}}'), '# My Note\n2024-01-05 09:07');
    });

    it('{{date}} and {{time}} in the Templates plugin\'s formats', () => {
      assert.equal(expand('{{date}} {{time}}', { dateFormat: 'DD.MM.YYYY', timeFormat: 'h:mm A' }), '05.01.2024 9:07 AM');
      assert.equal(expand('{{date}}', { dateFormat: '' }), '2024-01-05', 'an empty format is the default');
    });

    it('{{date:FORMAT}} and {{time:FORMAT}}, the format as typed up to the first }}', () => {
      assert.equal(expand('{{date:dddd, MMMM Do YYYY}}'), 'Friday, January 5th 2024');
      assert.equal(expand('{{time:HH:mm:ss}}'), '09:07:03');
      assert.equal(expand('{{date:YYYY}}-{{time:[h]H}}'), '2024-h9');
      assert.equal(expand('{{date: YYYY}}'), ' 2024', 'a space after the colon is part of the format');
      assert.equal(expand('{{date:}}'), '2024-01-05', 'an empty format is the default');
      assert.equal(expand('{{time:YYYY}}'), '2024', 'time with a format is just that format');
    });

    it('case-insensitive names; spaces inside the braces and unknown tags stay as typed', () => {
      assert.equal(expand('{{Title}} {{DATE}} {{Time:HH}}'), 'My Note 2024-01-05 09');
      assert.equal(expand('{{ title }} {{ date }} {{date :YYYY}} {{author}} {{date} <% tp.file.title %>'), '{{ title }} {{ date }} {{date :YYYY}} {{author}} {{date} <% tp.file.title %>');
    });

    it('replaces the title before the dates, as Obsidian does', () => {
      assert.equal(expand('{{title}}', { title: 'Log {{date}}' }), 'Log 2024-01-05');
    });

    it('quotes a frontmatter title only where YAML would misread it; dates stay as the format writes them', () => {
      assert.equal(expand('---\ntitle: {{title}}\ncreated: {{date}}\nday: {{date:dddd}}\n---\n# {{title}}', { title: 'Q: why' }), '---\ntitle: "Q: why"\ncreated: 2024-01-05\nday: Friday\n---\n# Q: why');
      const text = expand('---\ntitle: {{title}}\n---\n', { title: '2024-01-05' });
      assert.equal(parseNote('n.md', text).frontmatter?.data?.title, '2024-01-05');
      assert.equal(expand('---\r\ntitle: {{title}}\r\n---\r\n{{date}}\r\n', { title: 'true' }), '---\r\ntitle: "true"\r\n---\r\n2024-01-05\r\n');
    });
  });

  describe('inserting a template into a note', () => {
    const insert = (note: string, template: string, range: Range) => {
      const r = templateInsertionEdits(note, range, template);
      assert.ok(r.ok, r.ok ? '' : r.reason);
      return applyTextEdits(note, r.edits);
    };

    it('a template without frontmatter goes at the cursor, replacing the selection', () => {
      assert.equal(insert('one\ntwo\n', '- item\n', cursor(1, 0)), 'one\n- item\ntwo\n');
      assert.equal(insert('one two', 'X', { start: { line: 0, character: 4 }, end: { line: 0, character: 7 } }), 'one X');
    });

    it('merges the template\'s frontmatter into the note\'s: new keys added, lists united, the note\'s values kept', () => {
      const note = '---\ntitle: Mine\n# a comment stays\ntags: [work, x]\nstatus:\n---\n# Mine\n\ntext\n';
      const template = '---\ntitle: Other\ntags: [daily, x]\nstatus: draft\nmood: good\n---\n## Log\n';
      const out = insert(note, template, cursor(8, 4));
      assert.equal(out, '---\ntitle: Mine\n# a comment stays\ntags: [work, x, daily]\nstatus: draft\nmood: good\n---\n# Mine\n\ntext## Log\n\n');
      assert.equal((out.match(/^---$/gm) ?? []).length, 2, 'one frontmatter block');
      assert.deepEqual(parseNote('n.md', out).frontmatter?.data, { title: 'Mine', tags: ['work', 'x', 'daily'], status: 'draft', mood: 'good' });
    });

    it('a block list gets the template\'s items; a lone value joins a list', () => {
      const out = insert('---\ntags:\n  - a\n---\nbody\n', '---\ntags: b\n---\n', cursor(4, 0));
      assert.deepEqual(parseNote('n.md', out).frontmatter?.data, { tags: ['a', 'b'] });
      assert.equal(insert('---\ntags: work\n---\nbody\n', '---\ntags: [meeting, work]\n---\n', cursor(3, 0)), '---\ntags: [work, meeting]\n---\nbody\n');
      assert.equal(insert('---\ntitle: Mine\n---\n', '---\ntitle: Theirs\n---\n', cursor(3, 0)), '---\ntitle: Mine\n---\n', 'a scalar of the note is kept');
    });

    it('a note without frontmatter gets the template\'s at its top', () => {
      assert.equal(insert('body\n', '---\ntags: [daily]\n---\nLog\n', cursor(1, 0)), '---\ntags: [daily]\n---\nbody\nLog\n');
      assert.equal(insert('', '---\na: 1\n---\nLog', cursor(0, 0)), '---\na: 1\n---\nLog');
    });

    it('the cursor in the frontmatter inserts the body after it', () => {
      assert.equal(insert('---\na: 1\n---\nbody', '---\nb: 2\n---\nLog\n', cursor(1, 1)), '---\na: 1\nb: 2\n---\nLog\nbody');
      assert.equal(insert('---\na: 1\n---', 'Log', cursor(0, 0)), '---\na: 1\n---\nLog');
    });

    it('nothing changes in a frontmatter that already holds everything', () => {
      const r = templateInsertionEdits('---\ntags: [x]\n---\n', cursor(3, 0), '---\ntags: [x]\n---\nLog');
      assert.ok(r.ok);
      assert.equal(r.edits.length, 1, 'only the body');
    });

    it('refuses broken YAML instead of rewriting it', () => {
      const broken = templateInsertionEdits('---\ntitle: [unclosed\n---\nbody', cursor(3, 0), '---\na: 1\n---\n');
      assert.ok(!broken.ok && /note's frontmatter is not a valid YAML map/.test(broken.reason));
      const list = templateInsertionEdits('body', cursor(0, 0), '---\n- a\n---\n');
      assert.ok(!list.ok && /template's frontmatter/.test(list.reason));
    });
  });

  describe('the templates folder', () => {
    const notes = {
      'templates/Daily.md': '---\ntags: [daily]\n---\n# {{date:dddd, MMMM Do YYYY}}\n',
      'templates/sub/Meeting.md': '# {{title}} ({{time}})\n',
      'Inbox/Note.md': '---\ntitle: Note\n---\nhello\n',
      'Other.md': '',
    };

    it('lists its notes, sub-folders too, and refuses without a folder, saying how to set one', () => {
      assert.deepEqual(templateNotes(setup(notes)), { ok: true, folder: 'templates', paths: ['templates/Daily.md', 'templates/sub/Meeting.md'] });
      const none = templateNotes(setup(notes, effectiveVaultSettings(OBSIDIAN_DEFAULTS)));
      assert.ok(!none.ok && /No templates folder is set.*templates\.json.*ospoNotes\.templates\.folder/.test(none.reason));
      const own = effectiveVaultSettings(OBSIDIAN_DEFAULTS, { linkStyle: 'obsidian', linkPathForm: 'obsidian', updateLinks: 'obsidian', newNoteFolder: '', templatesFolder: 'Inbox/' });
      assert.deepEqual(templateNotes(setup(notes, own)), { ok: true, folder: 'Inbox', paths: ['Inbox/Note.md'] });
      const empty = templateNotes(setup({ 'a.md': '' }));
      assert.ok(!empty.ok && /holds no notes/.test(empty.reason));
    });

    it('inserts a template into a note, expanded for that note, in the Templates plugin\'s formats', () => {
      const settings = effectiveVaultSettings({ ...OBSIDIAN_DEFAULTS, templates: { folder: 'templates', dateFormat: 'DD.MM.YYYY', timeFormat: 'HH:mm:ss' } });
      const ctx = setup(notes, settings);
      const meeting = planTemplateInsertion(ctx, 'Inbox/Note.md', cursor(4, 0), 'templates/sub/Meeting.md', NOW);
      assert.ok(meeting.ok);
      assert.equal(applyTextEdits(notes['Inbox/Note.md'], meeting.edits), '---\ntitle: Note\n---\nhello\n# Note (09:07:03)\n');
      const daily = planTemplateInsertion(ctx, 'Inbox/Note.md', cursor(4, 0), 'templates/Daily.md', NOW);
      assert.ok(daily.ok);
      assert.equal(applyTextEdits(notes['Inbox/Note.md'], daily.edits), '---\ntitle: Note\ntags: [daily]\n---\nhello\n# Friday, January 5th 2024\n');
      const outside = planTemplateInsertion(ctx, 'Inbox/Note.md', cursor(0, 0), 'Other.md', NOW);
      assert.ok(!outside.ok && /not a note of the templates folder/.test(outside.reason));
    });

    it('creates a new note from a template in the folder for new notes, never over an existing one', () => {
      const settings = effectiveVaultSettings({ ...OBSIDIAN_DEFAULTS, newFileLocation: 'folder', newFileFolderPath: 'Inbox', templates: { folder: 'templates', dateFormat: 'YYYY-MM-DD', timeFormat: 'HH:mm' } });
      const ctx = setup(notes, settings);
      assert.deepEqual(planNoteFromTemplate(ctx, 'Standup', 'templates/sub/Meeting.md', 'Other.md', NOW), { ok: true, path: 'Inbox/Standup.md', text: '# Standup (09:07)\n' });
      const taken = planNoteFromTemplate(ctx, 'note', 'templates/sub/Meeting.md', 'Other.md', NOW);
      assert.ok(!taken.ok && /"Inbox\/Note\.md" already exists/.test(taken.reason));
      const bad = planNoteFromTemplate(ctx, 'a:b', 'templates/sub/Meeting.md', 'Other.md', NOW);
      assert.ok(!bad.ok && /not allowed in file names/.test(bad.reason));
    });
  });
});
