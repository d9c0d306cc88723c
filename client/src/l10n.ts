/**
 * The translate function of the client's `vscode`-free modules (status.ts, blockRef.ts, newNote.ts, …): they
 * call `l10n.t('English text {0}', arg)` like `vscode.l10n.t`, and `activate` hands them `vscode.l10n.t` with
 * {@link useTranslator}. Until then (unit tests in plain Node) the English text is used, with its placeholders
 * filled in as VS Code fills them.
 *
 * Every message must be a string literal at the call site: `npm run l10n` extracts the calls of `l10n.t` and
 * `vscode.l10n.t` from client/src into l10n/bundle.l10n.json, and a unit test holds the two equal.
 */

export type L10nArg = string | number | boolean;
export type Translate = (message: string, ...args: L10nArg[]) => string;

/** English: `{0}`, `{1}`, … replaced by the arguments; a placeholder without an argument is left as written. */
export function english(message: string, ...args: L10nArg[]): string {
  if (args.length === 0) return message;
  return message.replace(/\{(\d+)\}/g, (whole, index: string) => {
    const arg = args[Number(index)];
    return arg === undefined ? whole : String(arg);
  });
}

let current: Translate = english;

export const l10n = {
  t(message: string, ...args: L10nArg[]): string {
    return current(message, ...args);
  },
};

/** Makes `l10n.t` translate with `translate` (the extension passes `vscode.l10n.t`); `undefined` restores English. */
export function useTranslator(translate: Translate | undefined): void {
  current = translate ?? english;
}
