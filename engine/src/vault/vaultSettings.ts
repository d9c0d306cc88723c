/**
 * The vault's settings for what the product writes: how new links look, where new notes and attachments go,
 * whether links follow a rename, where templates and daily notes live. Obsidian keeps them per vault in
 * `.obsidian/app.json`, `.obsidian/templates.json` and `.obsidian/daily-notes.json` (read by
 * `io/obsidianConfig.ts`); our own `ospoNotes.*` settings override them.
 * Pure: parsing of the files' text, defaults, and the merge into the effective settings features use.
 */
import type { LinkFormat, LinkPathForm, LinkStyle } from './linkWriter';

/** Obsidian's "Default location for new notes". */
export type NewFileLocation = 'root' | 'current' | 'folder';

/** What Obsidian says, each key at Obsidian's default when the vault does not set it. */
export interface ObsidianSettings {
  /** "Use [[Wikilinks]]" off: new links are markdown links (R6.6). */
  useMarkdownLinks: boolean;
  /** "New link format". */
  newLinkFormat: LinkPathForm;
  /** "Default location for new attachments": `/` the vault root, `./` the note's folder, `./x` a folder in it, `x` a vault folder. */
  attachmentFolderPath: string;
  newFileLocation: NewFileLocation;
  /** The folder for new notes when `newFileLocation` is `folder`. */
  newFileFolderPath: string;
  /** "Automatically update internal links": off means Obsidian asks. */
  alwaysUpdateLinks: boolean;
  /** The core Templates plugin. */
  templates: { folder: string; dateFormat: string; timeFormat: string };
  /** The core Daily notes plugin. */
  dailyNotes: DailyNotesSettings;
}

/**
 * The core Daily notes plugin's settings, as `.obsidian/daily-notes.json` stores them: `folder` (the vault root when
 * empty), `format` (Moment tokens; may hold `/` for sub-folders), `template` (a linkpath, usually without `.md`),
 * `autorun` ("Open daily note on startup").
 */
export interface DailyNotesSettings {
  folder: string;
  format: string;
  template: string;
  autorun: boolean;
}

/** Obsidian's default daily note name (and ours). */
export const DEFAULT_DAILY_NOTE_FORMAT = 'YYYY-MM-DD';

export const OBSIDIAN_DEFAULTS: ObsidianSettings = {
  useMarkdownLinks: false,
  newLinkFormat: 'shortest',
  attachmentFolderPath: '/',
  newFileLocation: 'root',
  newFileFolderPath: '',
  alwaysUpdateLinks: false,
  templates: { folder: '', dateFormat: 'YYYY-MM-DD', timeFormat: 'HH:mm' },
  dailyNotes: { folder: '', format: DEFAULT_DAILY_NOTE_FORMAT, template: '', autorun: false },
};

/** The files, relative to the vault root. */
export const OBSIDIAN_APP_CONFIG = '.obsidian/app.json';
export const OBSIDIAN_TEMPLATES_CONFIG = '.obsidian/templates.json';
export const OBSIDIAN_DAILY_NOTES_CONFIG = '.obsidian/daily-notes.json';

/** Whether a vault-relative path is one of the Obsidian settings files read here (a change re-reads them). */
export function isObsidianConfigPath(relPath: string): boolean {
  const p = relPath.replace(/\\/g, '/').replace(/^\/+/, '');
  return p === OBSIDIAN_APP_CONFIG || p === OBSIDIAN_TEMPLATES_CONFIG || p === OBSIDIAN_DAILY_NOTES_CONFIG;
}

export interface ObsidianConfigRead {
  settings: ObsidianSettings;
  /** One line per file that could not be used as written (broken JSON, a value of the wrong type). */
  warnings: string[];
}

/**
 * Obsidian's settings from the text of `app.json`, `templates.json` and `daily-notes.json` (undefined: the file is absent). Never
 * throws: broken JSON gives the defaults and one warning naming the file; a key with a value of the wrong type
 * keeps its default and is named in that file's warning; unknown keys are ignored (Obsidian writes many).
 */
export function parseObsidianConfig(appJson: string | undefined, templatesJson: string | undefined, dailyNotesJson?: string): ObsidianConfigRead {
  const warnings: string[] = [];
  const s: ObsidianSettings = { ...OBSIDIAN_DEFAULTS, templates: { ...OBSIDIAN_DEFAULTS.templates }, dailyNotes: { ...OBSIDIAN_DEFAULTS.dailyNotes } };
  const app = jsonObject(appJson, OBSIDIAN_APP_CONFIG, warnings);
  if (app) {
    const bad: string[] = [];
    s.useMarkdownLinks = pick(app, 'useMarkdownLinks', isBoolean, s.useMarkdownLinks, bad);
    s.newLinkFormat = pick(app, 'newLinkFormat', (v): v is LinkPathForm => v === 'shortest' || v === 'relative' || v === 'absolute', s.newLinkFormat, bad);
    s.attachmentFolderPath = pick(app, 'attachmentFolderPath', isString, s.attachmentFolderPath, bad);
    s.newFileLocation = pick(app, 'newFileLocation', (v): v is NewFileLocation => v === 'root' || v === 'current' || v === 'folder', s.newFileLocation, bad);
    s.newFileFolderPath = pick(app, 'newFileFolderPath', isString, s.newFileFolderPath, bad);
    s.alwaysUpdateLinks = pick(app, 'alwaysUpdateLinks', isBoolean, s.alwaysUpdateLinks, bad);
    if (bad.length > 0) warnings.push(`${OBSIDIAN_APP_CONFIG}: ignored ${bad.join(', ')} (unexpected value); Obsidian's default is used`);
  }
  const templates = jsonObject(templatesJson, OBSIDIAN_TEMPLATES_CONFIG, warnings);
  if (templates) {
    const bad: string[] = [];
    s.templates.folder = pick(templates, 'folder', isString, s.templates.folder, bad);
    s.templates.dateFormat = pick(templates, 'dateFormat', isString, s.templates.dateFormat, bad);
    s.templates.timeFormat = pick(templates, 'timeFormat', isString, s.templates.timeFormat, bad);
    if (bad.length > 0) warnings.push(`${OBSIDIAN_TEMPLATES_CONFIG}: ignored ${bad.join(', ')} (unexpected value); Obsidian's default is used`);
  }
  const daily = jsonObject(dailyNotesJson, OBSIDIAN_DAILY_NOTES_CONFIG, warnings);
  if (daily) {
    const bad: string[] = [];
    s.dailyNotes.folder = pick(daily, 'folder', isString, s.dailyNotes.folder, bad);
    // Obsidian falls back to its default for an empty format as for a missing one.
    s.dailyNotes.format = pick(daily, 'format', isString, s.dailyNotes.format, bad).trim() || DEFAULT_DAILY_NOTE_FORMAT;
    s.dailyNotes.template = pick(daily, 'template', isString, s.dailyNotes.template, bad);
    s.dailyNotes.autorun = pick(daily, 'autorun', isBoolean, s.dailyNotes.autorun, bad);
    if (bad.length > 0) warnings.push(`${OBSIDIAN_DAILY_NOTES_CONFIG}: ignored ${bad.join(', ')} (unexpected value); Obsidian's default is used`);
  }
  return { settings: s, warnings };
}

function jsonObject(text: string | undefined, file: string, warnings: string[]): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  // Obsidian writes `{}` or nothing at all into a fresh file.
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    warnings.push(`${file} is not valid JSON (${(e as Error).message}); Obsidian's defaults are used until it is fixed`);
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    warnings.push(`${file} does not hold a JSON object; Obsidian's defaults are used until it is fixed`);
    return undefined;
  }
  return value as Record<string, unknown>;
}

function pick<T>(obj: Record<string, unknown>, key: string, ok: (v: unknown) => v is T, fallback: T, bad: string[]): T {
  if (!(key in obj) || obj[key] === undefined || obj[key] === null) return fallback;
  if (ok(obj[key])) return obj[key] as T;
  bad.push(`"${key}"`);
  return fallback;
}

function isBoolean(v: unknown): v is boolean {
  return typeof v === 'boolean';
}

function isString(v: unknown): v is string {
  return typeof v === 'string';
}

// ---------------------------------------------------------------------------------------------------------------
// Our own settings, and the merge

/** How links follow a rename or move: always, after asking, or never. */
export type LinkUpdates = 'always' | 'ask' | 'never';

/**
 * The `ospoNotes.*` settings that override Obsidian's (package.json `contributes.configuration`). `obsidian`
 * and `''` defer to the vault's Obsidian settings.
 */
export interface OwnVaultSettings {
  /** `ospoNotes.links.style`. */
  linkStyle: 'obsidian' | LinkStyle;
  /** `ospoNotes.links.pathForm`. */
  linkPathForm: 'obsidian' | LinkPathForm;
  /** `ospoNotes.links.updateOnRename`. */
  updateLinks: 'obsidian' | LinkUpdates;
  /** `ospoNotes.newNoteFolder`: `''` Obsidian's, `/` the root, `.` (`./x`) the linking note's folder, else a vault folder. */
  newNoteFolder: string;
  /** `ospoNotes.templates.folder`: `''` Obsidian's. */
  templatesFolder: string;
  /** `ospoNotes.dailyNotes.*`: each `''` defers to `.obsidian/daily-notes.json`. Absent: all `''`. */
  dailyNotes?: { folder: string; format: string; template: string };
}

export const OWN_DEFAULTS: OwnVaultSettings = {
  linkStyle: 'obsidian',
  linkPathForm: 'obsidian',
  updateLinks: 'obsidian',
  newNoteFolder: '',
  templatesFolder: '',
  dailyNotes: { folder: '', format: '', template: '' },
};

/**
 * Our settings from what the editor sends for the `ospoNotes` section (`{ links: { style, pathForm,
 * updateOnRename }, newNoteFolder, templates: { folder }, dailyNotes: { folder, format, template } }`); anything
 * missing or mistyped is the default.
 */
export function readOwnVaultSettings(section: unknown): OwnVaultSettings {
  const s = isRecord(section) ? section : {};
  const links = isRecord(s.links) ? s.links : {};
  const templates = isRecord(s.templates) ? s.templates : {};
  const oneOf = <T extends string>(v: unknown, allowed: readonly T[], fallback: T): T => (allowed.includes(v as T) ? (v as T) : fallback);
  return {
    linkStyle: oneOf(links.style, ['obsidian', 'wiki', 'markdown'] as const, 'obsidian'),
    linkPathForm: oneOf(links.pathForm, ['obsidian', 'shortest', 'relative', 'absolute'] as const, 'obsidian'),
    updateLinks: oneOf(links.updateOnRename, ['obsidian', 'always', 'ask', 'never'] as const, 'obsidian'),
    newNoteFolder: typeof s.newNoteFolder === 'string' ? s.newNoteFolder : '',
    templatesFolder: typeof templates.folder === 'string' ? templates.folder : '',
    dailyNotes: readOwnDailyNotes(s.dailyNotes),
  };
}

function readOwnDailyNotes(section: unknown): { folder: string; format: string; template: string } {
  const d = isRecord(section) ? section : {};
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  return { folder: text(d.folder), format: text(d.format), template: text(d.template) };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** What features use: Obsidian's settings with ours laid over them. */
export interface VaultSettings {
  /** How new links are written (completion, quick fixes, commands). */
  linkFormat: LinkFormat;
  /** Where a new note for a bare name goes, in the `ospoNotes.newNoteFolder` notation (`''` the vault root). */
  newNoteFolder: string;
  /** Where new attachments go, in Obsidian's notation (see {@link attachmentFolderFor}). */
  attachmentFolder: string;
  updateLinksOnRename: LinkUpdates;
  templates: { folder: string; dateFormat: string; timeFormat: string };
  /**
   * Daily notes: the folder (canonical, `''` the root), the Moment format of a note's name (may hold `/`), the
   * template's linkpath (`''` none).
   */
  dailyNotes: { folder: string; format: string; template: string };
}

export const DEFAULT_VAULT_SETTINGS: VaultSettings = effectiveVaultSettings(OBSIDIAN_DEFAULTS, OWN_DEFAULTS);

/** The effective settings: each of our settings that is set wins over Obsidian's. */
export function effectiveVaultSettings(obsidian: ObsidianSettings, own: OwnVaultSettings = OWN_DEFAULTS): VaultSettings {
  const style: LinkStyle = own.linkStyle !== 'obsidian' ? own.linkStyle : obsidian.useMarkdownLinks ? 'markdown' : 'wiki';
  const pathForm: LinkPathForm = own.linkPathForm !== 'obsidian' ? own.linkPathForm : obsidian.newLinkFormat;
  const ownFolder = own.newNoteFolder.trim();
  const newNoteFolder =
    ownFolder !== ''
      ? ownFolder === '/'
        ? ''
        : ownFolder
      : obsidian.newFileLocation === 'current'
        ? '.'
        : obsidian.newFileLocation === 'folder'
          ? folderPath(obsidian.newFileFolderPath)
          : '';
  return {
    linkFormat: { style, pathForm },
    newNoteFolder,
    attachmentFolder: obsidian.attachmentFolderPath,
    updateLinksOnRename: own.updateLinks !== 'obsidian' ? own.updateLinks : obsidian.alwaysUpdateLinks ? 'always' : 'ask',
    templates: { ...obsidian.templates, folder: own.templatesFolder.trim() !== '' ? folderPath(own.templatesFolder) : folderPath(obsidian.templates.folder) },
    dailyNotes: effectiveDailyNotes(obsidian.dailyNotes ?? OBSIDIAN_DEFAULTS.dailyNotes, own.dailyNotes),
  };
}

/** Each of our daily-note settings that is set (not blank) wins over Obsidian's, key by key. */
function effectiveDailyNotes(obsidian: DailyNotesSettings, own: OwnVaultSettings['dailyNotes']): VaultSettings['dailyNotes'] {
  const ours = (v: string | undefined): string | undefined => (v !== undefined && v.trim() !== '' ? v.trim() : undefined);
  return {
    folder: folderPath(ours(own?.folder) ?? obsidian.folder),
    format: ours(own?.format) ?? (obsidian.format.trim() || DEFAULT_DAILY_NOTE_FORMAT),
    template: (ours(own?.template) ?? obsidian.template).trim(),
  };
}

/** A vault folder as settings write it (`/Inbox/`, `Inbox`) in canonical form (`Inbox`; `''` the root). */
function folderPath(p: string): string {
  return p
    .replace(/\\/g, '/')
    .split('/')
    .map((s) => s.trim())
    .filter((s) => s !== '' && s !== '.')
    .join('/');
}

/**
 * The vault folder a new attachment of the note at `notePath` goes to (Obsidian's notation): `/` or `''` the
 * vault root, `./` the note's folder, `./x` the folder `x` inside it, anything else a folder from the root.
 */
export function attachmentFolderFor(settings: Pick<VaultSettings, 'attachmentFolder'>, notePath: string): string {
  const setting = settings.attachmentFolder.replace(/\\/g, '/').trim();
  if (setting === '.' || setting.startsWith('./')) {
    const slash = notePath.lastIndexOf('/');
    const noteFolder = slash < 0 ? '' : notePath.slice(0, slash);
    return folderPath(`${noteFolder}/${setting.slice(1)}`);
  }
  return folderPath(setting);
}
