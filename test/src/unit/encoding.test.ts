import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  applyRepairs,
  cp1252Byte,
  cp1252Char,
  type DiagnosticRef,
  encodingRule,
  findEncodingDamage,
  loadVault,
  noteDiagnostics,
  parseBytes,
  parseNote,
  provideEncodingFixes,
  restoreDamagedText,
  VaultIndex,
} from '@ospo-notes/engine';

const REPO = path.resolve(__dirname, '../../..');

/**
 * Windows-1252's bytes 0x80–0x9F as the standard (and the WHATWG decoder) has them, the five undefined ones as
 * their C1 controls; every other byte is its Latin-1 character. (Node's own `TextDecoder('windows-1252')` decodes
 * Latin-1, so it is no reference.)
 */
const WINDOWS_1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

function windows1252(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b >= 0x80 && b <= 0x9f ? WINDOWS_1252_HIGH[b - 0x80] : String.fromCharCode(b);
  return out;
}

/** What a UTF-8 text becomes when its bytes are decoded as Windows-1252 (C1 controls for the undefined bytes). */
function damage(text: string): string {
  return windows1252(Buffer.from(text, 'utf8'));
}

/** The same, by a decoder that drops the five undefined bytes (0x81, 0x8D, 0x8F, 0x90, 0x9D). */
function damageDropping(text: string): string {
  return damage(text).replace(/[\u0081\u008D\u008F\u0090\u009D]/g, '');
}

function runs(text: string): Array<[string, string]> {
  return findEncodingDamage(text).map((d) => [d.damaged, d.restored]);
}

/** Correct text in many languages and scripts, as people write it (typographic quotes, no-break spaces, symbols). */
const CORRECT: Record<string, string> = {
  french: "L'été dernier, nous avons visité la Côte d'Azur : « C'était magnifique ! » — Où est la gare ? Ça va, à bientôt. Noël, naïve, cœur, Œuvre, déjà-vu…",
  frenchSpacing: "«\u00A0Voilà\u00A0» et «\u00A0l'été\u00A0», dit-il\u00A0; puis\u00A0: «\u00A0CAFÉ\u00A0!\u00A0» — l'été…» «\u00A0Pâques\u00A0»",
  frenchUpper: 'CAFÉ… ÉTÉ® DÉJÀ™ CRÈME° HÔTEL‰ PÂTÉ… NOËL…',
  german: 'Die Straße „Am Grün“ führt zur Brücke. Grüße aus München! Ärger, Öl, Übermut, Fußgänger. „Straße“ und „Maß“. GROẞE STRAẞE. Ä… Ö… Ü…',
  polish: 'Zażółć gęślą jaźń. Łódź, Kraków, Wrocław, Gdańsk. Błąd: „się” i „są” — mają rację. Żółw.',
  czech: 'Příliš žluťoučký kůň úpěl ďábelské ódy. Česká republika, Brno, Plzeň.',
  romanian: 'Bună ziua! Aș vrea o cafea și o prăjitură. Țara, România, Brașov, Timișoara. ÎNCHIS, ÎN ȚARĂ.',
  portuguese: 'Não, obrigado. São Paulo, coração, maçã, irmã. NÃO, IRMÃ”, MAÇÔ, LÃ. É… tudo bem? Você está aí?',
  spanish: '¿Qué tal? ¡Sí…”! El niño comió piña en España. Año nuevo, señor Núñez. «Olé».',
  icelandic: 'Þetta er íslenska: með „gæsalöppum“, Ísafjörður, Þórshöfn, ðæþ.',
  turkish: 'İstanbul, Ankara, Şişli, Çağlayan, ağaç, öğrenci, ığdır, GÜZEL!',
  vietnamese: 'Tiếng Việt rất đẹp. Hà Nội, Hồ Chí Minh, Đà Nẵng. Phở bò, bánh mì, cà phê sữa đá. Tôi là người Việt Nam.',
  vietnameseDecomposed: 'Tie\u0302\u0301ng Vie\u0323\u0302t, Ha\u0300 No\u0323\u0302i',
  greek: 'Καλημέρα κόσμε! Η Αθήνα είναι η πρωτεύουσα της Ελλάδας. ΑΒΓΔ αβγδ, π ≈ 3.14159, Ω, µ.',
  cyrillic: 'Привет, мир! Москва — столица России. Україна, Київ. Беларусь. Ёжик в тумане. «Война и мир».',
  cjk: '中文测试，你好世界。日本語のテキスト：こんにちは、東京。한국어 텍스트: 안녕하세요, 서울. 「引用」『二重』',
  arabicHebrew: 'مرحبا بالعالم — العربية. שלום עולם — עברית. فارسی: سلام',
  indic: 'नमस्ते दुनिया। हिन्दी। தமிழ். ไทย: สวัสดีครับ',
  emoji: '📖 🎉 👍🏽 👨‍👩‍👧‍👦 👩🏻‍💻 🏳️‍🌈 ❤️ ✅ ☕ 🇫🇷 🧑‍🤝‍🧑 1️⃣ #️⃣',
  symbols: '© 2024 ACME®, Widget™, 25 °C, ±0.1 mm, ½ cup, ¼, ¾, 3 × 4 = 12, 10 ÷ 2, 5 €, £10, ¥500, § 3, ¶, † ‡, • item, … ‰ ‱ ¬ ¦ ¤ ¢ µs Ø10 ±5 ×½ 2×–3×, Nº 1, 1ª, x², 10³, H₂O, → ⇒ ∀ ∞ ≠ ≤ ≥ √',
  typography: 'He said “hello” and ‘goodbye’ — then left… It’s 9–5, isn’t it? ‹single› «double» „low“ ‚low‘',
  bullets: 'T•Ø•R•Ü•S, A·B·C, l·l (Catalan: col·lecció), Dvořák, Øresund, Åland, Æsir, Ærø',
  ipa: 'ˈfəʊnətɪk, ʃ ʒ θ ð ŋ, ɛ ɔ æ ɑ ɪ ʊ, ʔ, ɡ',
  // Rows of character tables (iconv-lite's cp949 and euc-jp), letters in code order.
  charTables: 'ĜĞĢĠĤÍÌÏÎǏİĪĮĨĴĶĹĽĻŃŇŅÑÓÒÖÔǑŐŌÕŔŘŖŚŜŠŞŤŢÚÙÜÛŬǓŰŪŲŮŨǗǛǙǕŴÝŸŶŹŽŻ ÆÐªĦ ŊØŒ',
  nbspAndShy: 'weiß\u00A0ich, naïve\u00A0café, co\u00ADoperate, Ü\u00A0',
};

describe('encoding damage (mojibake)', () => {
  describe('the Windows-1252 table', () => {
    it('decodes every byte as the standard has it, and maps back', () => {
      assert.equal(WINDOWS_1252_HIGH.length, 32);
      for (let b = 0; b < 256; b++) {
        const expected = windows1252(Uint8Array.of(b));
        assert.equal(cp1252Char(b), expected, `byte 0x${b.toString(16)}`);
        assert.equal(cp1252Byte(expected.charCodeAt(0)), b);
      }
      assert.equal(cp1252Byte(0x0100), -1);
      assert.equal(cp1252Byte(0x1f4d6), -1);
    });
  });

  describe('detection', () => {
    it("finds the user's note's `ðŸ“–` and restores 📖", () => {
      const text = fs.readFileSync(path.join(REPO, 'examples/ospo-vault/public/tech/OSPO.md'), 'utf8');
      const found = findEncodingDamage(text);
      assert.equal(found.length, 1);
      const [d] = found;
      assert.deepEqual([d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character], [41, 65, 41, 69]);
      assert.equal(d.damaged, 'ðŸ“–');
      assert.equal(d.restored, '📖');
      assert.equal(text.split('\n')[41].slice(65, 69), 'ðŸ“–');
    });

    it('finds the classic shapes: `cafÃ©`, `â€œxâ€`, `donâ€™t`, `Â©`, a byte order mark, Polish, Cyrillic, Chinese', () => {
      assert.deepEqual(runs('cafÃ©'), [['Ã©', 'é']]);
      assert.deepEqual(runs('â€œxâ€ said'), [['â€œ', '“'], ['â€', '”']]);
      assert.deepEqual(runs('donâ€™t'), [['â€™', '’']]);
      assert.deepEqual(runs('Â© 2024'), [['Â©', '©']]);
      assert.deepEqual(runs('ï»¿# Title'), [['ï»¿', '\uFEFF']]);
      assert.equal(findEncodingDamage('ï»¿# Title')[0].replacement, '');
      assert.deepEqual(runs('bÅ‚Ä…d, sÄ…'), [['Å‚Ä…', 'łą'], ['Ä…', 'ą']]);
      assert.deepEqual(runs('ä¸­æ–‡'), [['ä¸­æ–‡', '中文']]);
      assert.deepEqual(runs('Ð¿Ñ€Ð¸Ð²ÐµÑ‚ Ð¸ Ð¼Ð¸Ñ€'), [['Ð¿Ñ€Ð¸Ð²ÐµÑ‚', 'привет'], ['Ð¸', 'и'], ['Ð¼Ð¸Ñ€', 'мир']]);
    });

    it('restores text damaged twice', () => {
      assert.equal(damage(damage('’')), 'Ã¢â‚¬â„¢');
      assert.deepEqual(runs('donÃ¢â‚¬â„¢t'), [['Ã¢â‚¬â„¢', '’']]);
      assert.deepEqual(runs(damage(damage(damage('café')))).map(([, r]) => r), ['é']);
      assert.equal(restoreDamagedText(damage(damage('“'))), '“');
    });

    it('restores a dropped byte: the closing quote, and the joiner inside an emoji sequence', () => {
      assert.equal(damageDropping('“x”'), 'â€œxâ€');
      assert.deepEqual(runs(damageDropping('“x”')), [['â€œ', '“'], ['â€', '”']]);
      const family = '👨‍👩‍👧';
      assert.deepEqual(runs(damageDropping(family)).map(([, r]) => r), [family]);
      assert.deepEqual(runs(damage(family)).map(([, r]) => r), [family]);
    });

    it('reports nothing in correct text, in any language', () => {
      for (const [name, text] of Object.entries(CORRECT)) assert.deepEqual(runs(text), [], name);
      assert.deepEqual(runs(Object.values(CORRECT).join('\n')), []);
    });

    it('restores every sample damaged as a whole, byte for byte', () => {
      for (const [name, text] of Object.entries(CORRECT)) {
        const damaged = damage(text);
        if (damaged === text) continue;
        const found = findEncodingDamage(damaged);
        assert.equal(applyRepairs(damaged, found).replace(/\uFEFF/g, ''), text, name);
        // Damaged lines of other samples mixed in do not change what is found in one.
      }
    });

    it('reports an ambiguous run (`Straße“` damaged) only in a note damaged as a whole', () => {
      // `ß“` alone is correct German; the same two characters in a note whose text is all damage are damage.
      assert.deepEqual(runs('Die „Straße“'), []);
      assert.deepEqual(runs('Ð¸'), []);
      assert.deepEqual(runs('cafÃ© Ð¸ Ð¼Ð¸Ñ€'), [['Ã©', 'é'], ['Ð¸', 'и'], ['Ð¼Ð¸Ñ€', 'мир']]);
      // One correct non-ASCII character (the `é` of `thé`) says the note is not damaged as a whole.
      assert.deepEqual(runs('cafÃ© Ð¸ thé'), [['Ã©', 'é']]);
    });

    it('keeps out of code, math, HTML and comments, where text is quoted verbatim', () => {
      const note = parseNote('a.md', 'In code: `cafÃ©`, and\n\n```\ndonâ€™t\n```\n\n%% Â© %% but cafÃ© here\n');
      assert.deepEqual(note.encodingDamage?.map((d) => [d.range.start.line, d.range.start.character, d.restored]), [[6, 16, 'é']]);
    });

    it('finds damage in the frontmatter and on every line ending (CRLF, CR)', () => {
      const note = parseNote('a.md', '---\r\ntitle: CafÃ©\r\n---\r\nline\rÃ©tÃ©\n');
      assert.deepEqual(note.encodingDamage?.map((d) => [d.range.start.line, d.range.start.character, d.range.end.character, d.restored]), [
        [1, 10, 12, 'é'],
        [4, 0, 2, 'é'],
        [4, 3, 5, 'é'],
      ]);
    });

    it('stays linear on hostile lines: no recursion through `â€`, no quadratic look-ahead', () => {
      for (const unit of ['â€', 'Ã', 'Ã©', 'ðŸ', 'â€\uFFFD', 'Ã¢â‚¬â„¢', 'é\u00A0»']) {
        const line = unit.repeat(Math.ceil(400000 / unit.length));
        const t0 = performance.now();
        const found = findEncodingDamage(line);
        const ms = performance.now() - t0;
        assert.ok(ms < 2000, `${JSON.stringify(unit)}: ${ms.toFixed(0)} ms`);
        assert.ok(found.every((d) => d.range.start.line === 0), unit);
      }
    });

    it('stays linear: a 2 MB note of accented text and damage is checked quickly', () => {
      const line = `${CORRECT.french} cafÃ© ${CORRECT.german}\n`;
      const text = line.repeat(Math.ceil(2e6 / line.length));
      const t0 = performance.now();
      const found = findEncodingDamage(text);
      const ms = performance.now() - t0;
      assert.equal(found.length, text.split('\n').length - 1);
      assert.ok(ms < 1500, `${ms.toFixed(0)} ms`);
    });
  });

  describe('the mojibake rule and its quick fix', () => {
    it('reports each run as a warning with the restored text, and its replacement as data', () => {
      const index = new VaultIndex();
      index.load([parseNote('S.md', 'A cafÃ©, â€œquotedâ€.\n')], []);
      const found = encodingRule.check({ index, options: {} }, 'S.md');
      assert.deepEqual(
        found.map((d) => [d.code, d.severity, d.range.start.character, d.range.end.character, d.message, d.data?.replacement]),
        [
          ['mojibake', 'warning', 5, 7, "Encoding damage: 'Ã©' is UTF-8 text that was read as Windows-1252 (or Latin-1) and saved again; it was 'é'.", 'é'],
          ['mojibake', 'warning', 9, 12, "Encoding damage: 'â€œ' is UTF-8 text that was read as Windows-1252 (or Latin-1) and saved again; it was '“'.", '“'],
          ['mojibake', 'warning', 18, 20, "Encoding damage: 'â€' is UTF-8 text that was read as Windows-1252 (or Latin-1) and saved again; it was '”'.", '”'],
        ],
      );
      // Registered: the note's problems include them.
      assert.deepEqual(noteDiagnostics(index, 'S.md').filter((d) => d.code === 'mojibake').length, 3);
      const bom = new VaultIndex();
      bom.load([parseNote('B.md', 'ï»¿# x')], []);
      assert.match(noteDiagnostics(bom, 'B.md')[0].message, /it was U\+FEFF\.$/);
    });

    it('offers to restore the run, and every run of the note, from the model', () => {
      const index = new VaultIndex();
      index.load([parseNote('S.md', 'cafÃ© and â€œxâ€\n')], []);
      const ctx = { index, getText: () => undefined };
      const diagnostics = noteDiagnostics(index, 'S.md');
      const fixes = provideEncodingFixes(ctx, 'S.md', diagnostics.slice(0, 1));
      assert.deepEqual(fixes[0], { title: "Restore 'é'", edits: [{ range: diagnostics[0].range, newText: 'é' }], diagnostic: 0, isPreferred: true });
      assert.equal(fixes[1].title, 'Restore all 3 damaged runs in this note');
      assert.deepEqual(fixes[1].edits.map((e) => e.newText), ['é', '“', '”']);
      // Asked about every run at once, each gets its fix and the note's is offered once.
      assert.deepEqual(provideEncodingFixes(ctx, 'S.md', diagnostics).map((f) => [f.title, f.diagnostic]), [
        ["Restore 'é'", 0],
        ["Restore '“'", 1],
        ["Restore '”'", 2],
        ['Restore all 3 damaged runs in this note', 0],
      ]);
      // A diagnostic that does not name a run of the model (stale, or made up) gets no fix.
      const stale: DiagnosticRef = { code: 'mojibake', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 2 } } };
      assert.deepEqual(provideEncodingFixes(ctx, 'S.md', [stale]), []);
    });

    it('offers no fix in a note read with invalid UTF-8, which keeps its own diagnostic at its line', () => {
      const bytes = Buffer.concat([Buffer.from('cafÃ©\nline two\nbad '), Buffer.from([0xff]), Buffer.from('\n')]);
      const index = new VaultIndex();
      index.load([parseBytes('S.md', bytes)], []);
      const diagnostics = noteDiagnostics(index, 'S.md');
      assert.deepEqual(diagnostics.map((d) => [d.code, d.range.start.line]), [['invalid-utf8', 2], ['mojibake', 0]]);
      assert.deepEqual(provideEncodingFixes({ index, getText: () => undefined }, 'S.md', diagnostics), []);
    });
  });

  describe('real vaults', () => {
    it('reports nothing in the fixture corpora, and only the user\'s `ðŸ“–` in the sample vault', async () => {
      const roots = [path.join(REPO, 'test/fixtures/corpora/obsidian-tasks-docs'), path.join(REPO, 'test/fixtures/corpora/foam-docs'), path.join(REPO, 'test/fixtures/editor/vault')];
      for (const root of roots) {
        const { index } = await loadVault(root);
        const found = [...index.notePaths()].flatMap((p) => index.note(p)!.encodingDamage ?? []);
        assert.deepEqual(found, [], root);
        assert.ok(index.noteCount > 0);
      }
      const { index } = await loadVault(path.join(REPO, 'examples/ospo-vault'));
      const all = [...index.notePaths()].flatMap((p) => noteDiagnostics(index, p).filter((d) => d.code === 'mojibake').map((d) => [p, d.range.start.line + 1, d.data?.replacement]));
      assert.deepEqual(all, [['public/tech/OSPO.md', 42, '📖']]);
    });
  });
});
