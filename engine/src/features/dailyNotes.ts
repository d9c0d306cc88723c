/**
 * Daily notes, as Obsidian's core Daily notes plugin keeps them: one note per day, named by the date in a Moment
 * format (`YYYY-MM-DD` by default; a `/` in the format makes sub-folders, `YYYY/MM/YYYY-MM-DD`), in the daily
 * notes folder, created from the daily template. The settings are `VaultSettings.dailyNotes`
 * (`.obsidian/daily-notes.json` with `ospoNotes.dailyNotes.*` over it).
 *
 * What the core plugin does, and so what this does:
 * - today's note is `folder/` + today formatted (trimmed) + `.md`; an existing note (any case) is opened;
 * - a new one starts with the template (found as a link to it would be, from the vault root) with its tags
 *   expanded in the default formats (`YYYY-MM-DD`, `HH:mm`: the core plugin does not pass the Templates
 *   plugin's formats); a template that is set but missing is refused, nothing is created;
 * - the previous / next daily note is the nearest existing note, anywhere in the vault, whose name is a date in
 *   the format (read strictly), before / after the active daily note's date.
 * Where we differ: previous and next also work from a note that is not a daily note (from today); a date is
 * read from a note's name with the part of the format after its last `/`, so sub-folder formats work; a missing
 * daily notes folder is created (Obsidian refuses). Dates are the caller's local time.
 */
import type { FeatureContext } from './context';
import { vaultSettingsOf } from './context';
import { expandTemplate, formatDate, parseDate } from './templates';
import { newNotePath } from './newNote';
import { NOTE_EXTENSION, stem } from '../vault/paths';
import { resolveLinkpath } from '../vault/resolve';
import type { VaultSettings } from '../vault/vaultSettings';

export type DailyNotePlan =
  | { kind: 'open'; path: string }
  | { kind: 'create'; path: string; text: string }
  | { kind: 'refuse'; reason: string };

/** Where the daily note of `date` lives (vault path), or why the settings cannot name one. */
export function dailyNotePath(settings: VaultSettings['dailyNotes'], date: Date): { ok: true; path: string } | { ok: false; reason: string } {
  const name = formatDate(date, settings.format).trim();
  if (name === '' || name.split('/').some((s) => s.trim() === '')) return { ok: false, reason: `the daily note format "${settings.format}" gives the name "${name}", which is not a note name` };
  const planned = newNotePath(`/${settings.folder === '' ? '' : `${settings.folder}/`}${name}`, '', '');
  if (!planned.ok) return { ok: false, reason: `the daily note format "${settings.format}" gives "${name}": ${planned.reason}` };
  return { ok: true, path: planned.path };
}

/** The date a note's path names as a daily note (local midnight), or undefined when it is not one. */
export function dailyNoteDate(settings: VaultSettings['dailyNotes'], path: string): Date | undefined {
  if (!path.toLowerCase().endsWith(`.${NOTE_EXTENSION}`)) return undefined;
  const format = settings.format.split('/').pop() ?? settings.format;
  return parseDate(stem(path), format);
}

/**
 * What "Open Today's Note" does at `now`: open the note when it exists, else create it from the template, or
 * say why neither is possible.
 */
export function planDailyNote(ctx: FeatureContext, now: Date): DailyNotePlan {
  const settings = vaultSettingsOf(ctx).dailyNotes;
  const where = dailyNotePath(settings, now);
  if (!where.ok) return { kind: 'refuse', reason: `${capitalise(where.reason)}. Set the format in Obsidian's Daily notes settings (.obsidian/daily-notes.json) or ospoNotes.dailyNotes.format.` };
  const existing = ctx.index.files.withPath(where.path);
  if (existing.length > 0) return { kind: 'open', path: existing.includes(where.path) ? where.path : existing[0] };
  let text = '';
  if (settings.template !== '') {
    const template = findTemplate(ctx, settings.template);
    if (!template.ok) return { kind: 'refuse', reason: `The daily note template "${settings.template}" ${template.reason}; set "template" in .obsidian/daily-notes.json or ospoNotes.dailyNotes.template to a note of the vault (or leave it empty).` };
    text = expandTemplate(template.text, { title: stem(where.path), now });
  }
  return { kind: 'create', path: where.path, text };
}

/** A template by linkpath (`templates/Daily`, `Daily`), resolved from the vault root as a link would be, and its text. */
export function findTemplate(ctx: FeatureContext, linkpath: string): { ok: true; path: string; text: string } | { ok: false; reason: string } {
  const target = resolveLinkpath(linkpath.trim(), '', ctx.index.files).target;
  if (target === undefined || !target.toLowerCase().endsWith(`.${NOTE_EXTENSION}`)) return { ok: false, reason: 'is not a note of the vault' };
  const text = ctx.getText(target);
  if (text === undefined) return { ok: false, reason: `(${target}) cannot be read` };
  return { ok: true, path: target, text };
}

/**
 * The nearest existing daily note before (`previous`) or after (`next`) the date of the note at `fromPath` (when
 * it is a daily note), else of `today`; undefined when there is none. Ties (two notes naming one date) go to the
 * first path in sort order, so the answer does not depend on the index's order.
 */
export function adjacentDailyNote(ctx: FeatureContext, direction: 'previous' | 'next', fromPath: string | undefined, today: Date): { path: string; date: Date; from: Date } | undefined {
  const settings = vaultSettingsOf(ctx).dailyNotes;
  const from = (fromPath !== undefined ? dailyNoteDate(settings, fromPath) : undefined) ?? new Date(today.getFullYear(), today.getMonth(), today.getDate());
  const pivot = from.getTime();
  let best: { path: string; date: Date } | undefined;
  for (const path of ctx.index.notePaths()) {
    const date = dailyNoteDate(settings, path);
    if (!date) continue;
    const t = date.getTime();
    if (direction === 'previous' ? t >= pivot : t <= pivot) continue;
    if (best) {
      const b = best.date.getTime();
      const nearer = direction === 'previous' ? t > b : t < b;
      if (!nearer && !(t === b && path < best.path)) continue;
    }
    best = { path, date };
  }
  return best ? { ...best, from } : undefined;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
