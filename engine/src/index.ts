/**
 * The public entry of the OSPO Notes engine. The language server, the checker, the VS Code client's preview and
 * the tests import the engine by its package name, and only through this file.
 */

// The note model: plain data, produced by the parser, consumed by everything else.
export * from './model';

// Syntax: text → NoteModel (the grammar of links, blocks, frontmatter, tags).
export * from './syntax/blockIds';
export * from './syntax/destinations';
export * from './syntax/frontmatter';
export * from './syntax/mojibake';
export * from './syntax/parser';
export * from './syntax/steps';
export * from './syntax/templateTags';
export * from './syntax/text';

// I/O: the only modules that touch the file system (walk, read, decode, load).
export * from './io/confine';
export * from './io/encodingRepair';
export * from './io/load';
export * from './io/markers';
export * from './io/modelCache';
export * from './io/modelCodec';
export * from './io/obsidianConfig';
export * from './io/reader';
export * from './io/scan';
export * from './io/schemaFile';

// The vault: membership, file lookup, the index, resolution of links.
export * from './vault/blockIdWriter';
export * from './vault/fileLookup';
export * from './vault/linkWriter';
export * from './vault/links';
export * from './vault/membership';
export * from './vault/paths';
export * from './vault/resolve';
export * from './vault/stringSets';
export * from './vault/vault';
export * from './vault/vaultSettings';
export * from './vault/vaultRule';
export * from './vault/visibility';

// Features: one module per language feature; plain data in, plain data out.
export * from './features/codeActions';
export * from './features/completion';
export * from './features/context';
export * from './features/definition';
export * from './features/documentLinks';
export * from './features/edits';
export * from './features/encodingFixes';
export * from './features/folding';
export * from './features/frontmatterFixes';
export * from './features/frontmatterHover';
export * from './features/graph';
export * from './features/newNote';
export * from './features/hover';
export * from './features/references';
export * from './features/rename';
export * from './features/symbols';
// The vault's tags, orphans and placeholders (the Tags, Orphans and Placeholders views).
export * from './features/tags';
export * from './features/orphans';

// Backlinks and unlinked mentions (the Backlinks view).
export * from './features/backlinks';
export * from './features/unlinkedMentions';
// Daily notes and templates (Obsidian's core plugins).
export * from './features/dailyNotes';
export * from './features/templates';

// Diagnostics: problems computed from the index.
export * from './diagnostics/diagnostics';
export * from './diagnostics/encoding';
export * from './diagnostics/catalog';
export * from './diagnostics/frontmatterSchema';
export * from './diagnostics/rule';
export * from './diagnostics/rules';
export * from './diagnostics/visibility';
export * from './features/completionHeadingSearch';

// How a server process built on the engine is started (node flags, environment).
export * from './serverLaunch';
