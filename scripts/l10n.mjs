// The English message bundle of the extension's run-time strings, l10n/bundle.l10n.json (VS Code loads it and
// its translations, bundle.l10n.<locale>.json, from package.json's `l10n` folder). Extracted from every call of
// `vscode.l10n.t(…)` and of `l10n.t(…)` (client/src/l10n.ts) under client/src, whose message must be a string
// literal so that it can be found here.
//
//   node scripts/l10n.mjs            writes l10n/bundle.l10n.json  (npm run l10n)
//   node scripts/l10n.mjs --check    exits 1 when the file is not what the sources say
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLE = path.join(ROOT, 'l10n', 'bundle.l10n.json');
const SOURCES = path.join(ROOT, 'client', 'src');

function sourceFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** `l10n.t` or `vscode.l10n.t` (the callee of a translate call). */
function isTranslateCallee(expr) {
  if (!ts.isPropertyAccessExpression(expr) || expr.name.text !== 't') return false;
  const owner = expr.expression;
  if (ts.isIdentifier(owner)) return owner.text === 'l10n';
  return ts.isPropertyAccessExpression(owner) && owner.name.text === 'l10n' && ts.isIdentifier(owner.expression) && owner.expression.text === 'vscode';
}

/**
 * Every message of every translate call under client/src: `{ messages, problems }`, messages sorted and unique,
 * problems naming each call whose message is not a string literal (`file:line`).
 */
export function extractMessages(sourceDir = SOURCES) {
  const messages = new Set();
  const problems = [];
  for (const file of sourceFiles(sourceDir)) {
    const text = fs.readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    const visit = (node) => {
      if (ts.isCallExpression(node) && isTranslateCallee(node.expression)) {
        const first = node.arguments[0];
        if (first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) messages.add(first.text);
        else {
          const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
          problems.push(`${path.relative(ROOT, file)}:${line + 1}: the message of ${node.expression.getText(sf)} is not a string literal`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return { messages: [...messages].sort(), problems };
}

/** Calls whose first argument the user reads. */
const SHOWN_FIRST_ARGUMENT = new Set(['showInformationMessage', 'showWarningMessage', 'showErrorMessage', 'setStatusBarMessage']);
/** Option and item properties the user reads (quick picks, input boxes, progress, tree items, status items). */
const SHOWN_PROPERTIES = new Set(['placeHolder', 'prompt', 'title', 'tooltip', 'label', 'description', 'detail', 'text', 'message']);

/** Whether a literal reads as words: letters left once codicons (`$(book)`) are taken out. */
function hasWords(text) {
  return /\p{L}{2}/u.test(text.replace(/\$\([\w~-]+\)/g, ''));
}

/**
 * The literal texts an expression may evaluate to: a string or template literal, either branch of `a ? b : c`,
 * either side of `+` or `??`; nothing for a call or a variable (a translate call's result is not a literal).
 */
function literalTexts(expr) {
  if (ts.isParenthesizedExpression(expr)) return literalTexts(expr.expression);
  if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr)) return [expr.text];
  if (ts.isTemplateExpression(expr)) return [[expr.head.text, ...expr.templateSpans.map((s) => s.literal.text)].join(' ')];
  if (ts.isConditionalExpression(expr)) return [...literalTexts(expr.whenTrue), ...literalTexts(expr.whenFalse)];
  if (ts.isBinaryExpression(expr) && [ts.SyntaxKind.PlusToken, ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(expr.operatorToken.kind)) {
    return [...literalTexts(expr.left), ...literalTexts(expr.right)];
  }
  return [];
}

/**
 * Texts shown to the user without a translate call, in the files that talk to VS Code (those importing
 * `vscode`): string literals with words as the message of a `show…Message` / `setStatusBarMessage`, or as a
 * shown property (`placeHolder`, `tooltip`, `label`, …) assigned or given in an object literal. `file:line: text`.
 */
export function untranslatedTexts(sourceDir = SOURCES) {
  const found = [];
  for (const file of sourceFiles(sourceDir)) {
    const text = fs.readFileSync(file, 'utf8');
    if (!/from 'vscode'/.test(text)) continue;
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    const report = (node, literal) => {
      const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
      found.push(`${path.relative(ROOT, file)}:${line + 1}: ${literal}`);
    };
    const visit = (node) => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && SHOWN_FIRST_ARGUMENT.has(node.expression.name.text)) {
        const first = node.arguments[0];
        if (first) for (const literal of literalTexts(first)) if (hasWords(literal)) report(first, literal);
      }
      if (ts.isPropertyAssignment(node) && (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name)) && SHOWN_PROPERTIES.has(node.name.text)) {
        for (const literal of literalTexts(node.initializer)) if (hasWords(literal)) report(node.initializer, literal);
      }
      if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(node.left) && SHOWN_PROPERTIES.has(node.left.name.text)) {
        for (const literal of literalTexts(node.right)) if (hasWords(literal)) report(node.right, literal);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return found;
}

/** The bundle's text for `messages`: each English message is its own key. */
export function bundleText(messages) {
  return JSON.stringify(Object.fromEntries(messages.map((m) => [m, m])), null, 2) + '\n';
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { messages, problems } = extractMessages();
  problems.push(...untranslatedTexts().map((t) => `${t}: shown without vscode.l10n.t`));
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  const text = bundleText(messages);
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(BUNDLE) ? fs.readFileSync(BUNDLE, 'utf8') : '';
    if (current !== text) {
      console.error(`${path.relative(ROOT, BUNDLE)} is out of date: run npm run l10n`);
      process.exit(1);
    }
  } else {
    fs.mkdirSync(path.dirname(BUNDLE), { recursive: true });
    fs.writeFileSync(BUNDLE, text);
    console.log(`${path.relative(ROOT, BUNDLE)}: ${messages.length} messages`);
  }
}
