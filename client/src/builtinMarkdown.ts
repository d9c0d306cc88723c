/**
 * Living beside VS Code's built-in Markdown support (`vscode.markdown-language-features`), which runs a language
 * server of its own on every markdown file: what it already shows is not shown a second time.
 *
 * - Path and heading completion after `](` and `](#`: the built-in's is turned off by the default this extension
 *   contributes (`markdown.suggest.paths.enabled: false` in package.json), as ours resolves and writes links as
 *   the vault does (docs/beside-vscode-markdown.md).
 * - Outline and breadcrumbs: VS Code shows one group per symbol provider that answers, and the built-in's cannot
 *   be turned off, so by default ours answers nothing there and its headings come once, from the built-in. The
 *   same goes for headings in Go to Symbol in Workspace (notes, aliases and block ids stay ours).
 *
 * The decisions are here, without `vscode` (unit-tested); extension.ts wires them as client middleware.
 */

/** The built-in Markdown extension's id. */
export const BUILTIN_MARKDOWN_EXTENSION = 'vscode.markdown-language-features';

/** The setting that gives the Outline (and workspace headings) back to OSPO Notes. */
export const OWN_OUTLINE_SETTING = 'outline.ownSymbols';

/**
 * Whether our document symbols (and the headings among our workspace symbols) are left out: the built-in is
 * there and shows the headings, and the user has not asked for ours.
 */
export function leaveHeadingsToBuiltin(builtinEnabled: boolean, ownSymbols: boolean | undefined): boolean {
  return builtinEnabled && ownSymbols !== true;
}

/** Our workspace symbols without the headings (the built-in lists every heading of the workspace already). */
export function withoutHeadingSymbols<S extends { kind: number }>(symbols: readonly S[], headingKind: number): S[] {
  return symbols.filter((s) => s.kind !== headingKind);
}
