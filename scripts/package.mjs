// npm run package: a production build, then the .vsix with @vscode/vsce, offline.
// --no-dependencies: every runtime dependency is bundled into dist/ (see .vscodeignore), so the
// .vsix carries no node_modules. README links stay relative (no repository URL yet). Writes rnn-lab-<version>.vsix in the repository root and prints its path.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = dirname(dirname(new URL(import.meta.url).pathname));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// --bench: the latency bench's build (bench/latency.ts), with the run page's round-trip hook (build.mjs).
const bench = process.argv.includes('--bench');
const out = join(root, `${pkg.name}-${pkg.version}${bench ? '-bench' : ''}.vsix`);

execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--production', ...(bench ? ['--bench'] : [])], { stdio: 'inherit', cwd: root });
const vsce = join(dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out], {
  stdio: ['ignore', 'inherit', 'inherit'],
  cwd: root,
});
console.log(out);
