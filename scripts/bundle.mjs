#!/usr/bin/env node
/**
 * The single-file build: dist/xend2libxl.mjs, the whole CLI and its dependencies in
 * one ES module that runs with `node xend2libxl.mjs …` and nothing else.
 *
 *   npx tsc -p tsconfig.json && node scripts/bundle.mjs [OUTFILE]
 *
 * It bundles the compiled dist/ (so it runs exactly the code the tests build), not
 * the TypeScript sources. No code splitting: every `import()` of ours and of the
 * dependencies is inlined, and esbuild wraps each inlined module in an init
 * function that runs on first import, so ora and @inquirer/prompts are still only
 * evaluated when a command uses them (test/bundle/bundle.test.ts checks this
 * with V8 coverage). Three modules of ours load things from node_modules at run
 * time in ways a bundle cannot follow; they are replaced here by static
 * equivalents (each replacement must keep the original's export names, or the
 * build fails on the missing import):
 * - cli/commander.js   (createRequire('commander'), which skips Node's CommonJS
 *                       export scan) -> a plain import, which bundled costs nothing;
 * - sxp/chevrotain.js  (finds chevrotain's one-file build next to its entry, with
 *                       top-level await) -> a static import of that same file;
 * - batch/thread-script.js (worker threads start worker.js next to it) -> the
 *                       bundle starts itself, marked by an argv entry that
 *                       scripts/bundle-entry.js looks for.
 * And `@inquirer/prompts` is cut down to the four prompts the CLI uses (the
 * Prompts type of ui/lazy-modules.ts): the editor prompt alone brings ~0.5 MB of
 * encoding tables that every start would have to parse.
 * The licences of the bundled packages are appended as one comment at the end.
 */
import { build } from 'esbuild';
import { chmodSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outfile = path.resolve(process.argv[2] ?? path.join(repo, 'dist/xend2libxl.mjs'));
const chevrotainMjs = path.join(repo, 'node_modules/chevrotain/lib/chevrotain.mjs');

const REPLACED = {
  'cli/commander.js': "export { Argument, Command, CommanderError, Help, InvalidArgumentError, Option } from 'commander';",
  'sxp/chevrotain.js': `export { EOF, createToken, Lexer, EmbeddedActionsParser } from ${JSON.stringify(chevrotainMjs)};`,
  'batch/thread-script.js': [
    'export function threadScript(name, override) {',
    "  return override ? { url: override, argv: [] } : { url: new URL(import.meta.url), argv: ['--xend2libxl-thread=' + name] };",
    '}',
  ].join('\n'),
};

/** The prompts ui/lazy-modules.js uses (its Prompts type): the rest stay out of the bundle. */
const PROMPTS_USED = "export { input, select, checkbox, confirm } from '@inquirer/prompts';";

const replaceRuntimeLoaders = {
  name: 'replace-runtime-loaders',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/](cli[\\/]commander|sxp[\\/]chevrotain|batch[\\/]thread-script)\.js$/ }, (args) => {
      const key = path.relative(path.join(repo, 'dist'), args.path).split(path.sep).join('/');
      return { contents: REPLACED[key], loader: 'js', resolveDir: repo };
    });
    b.onResolve({ filter: /^@inquirer\/prompts$/ }, (args) =>
      args.namespace === 'prompts-used' ? undefined : { path: 'prompts-used', namespace: 'prompts-used' },
    );
    b.onLoad({ filter: /.*/, namespace: 'prompts-used' }, () => ({ contents: PROMPTS_USED, loader: 'js', resolveDir: repo }));
  },
};

const result = await build({
  entryPoints: [path.join(repo, 'scripts/bundle-entry.js')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  metafile: true,
  write: false,
  logLevel: 'warning',
  // CommonJS dependencies (commander) require() Node's built-ins; an ES module has no `require`.
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __xend2libxlRequire } from 'node:module';\nconst require = __xend2libxlRequire(import.meta.url);" },
  plugins: [replaceRuntimeLoaders],
});

const used = Object.keys(result.metafile.inputs).filter((f) => !f.startsWith('node_modules/')).map((f) => f.replace(/\\/g, '/'));
for (const key of Object.keys(REPLACED)) {
  if (!used.includes(`dist/${key}`)) throw new Error(`bundle: dist/${key} is no longer part of the CLI; update REPLACED in scripts/bundle.mjs`);
}
// Written whole and renamed into place: a reader never sees half a bundle.
const tmp = `${outfile}.tmp-${process.pid}`;
writeFileSync(tmp, result.outputFiles[0].text + licences(result.metafile), { mode: 0o755 });
chmodSync(tmp, 0o755);
renameSync(tmp, outfile);
console.log(`${path.relative(process.cwd(), outfile)}: ${(readFileSync(outfile).length / 1024).toFixed(0)} KiB`);

/** One comment with name, version, licence and licence text of every bundled package. */
function licences(metafile) {
  const dirs = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input.replace(/\\/g, '/'));
    if (m) dirs.add(m[1]);
  }
  const parts = [...dirs].sort().map((dir) => {
    const pkg = JSON.parse(readFileSync(path.join(repo, dir, 'package.json'), 'utf8'));
    const file = readdirSync(path.join(repo, dir)).find((f) => /^(licen[cs]e|copying)/i.test(f));
    const text = file ? readFileSync(path.join(repo, dir, file), 'utf8').trim() : `(no licence file; package.json says ${pkg.license})`;
    return `${pkg.name} ${pkg.version} (${pkg.license})\n\n${text}`;
  });
  const body = `Bundled third-party packages and their licences:\n\n${parts.join('\n\n----------------------------------------\n\n')}`;
  return `\n/*\n${body.replace(/\*\//g, '*\\/')}\n*/\n`;
}
