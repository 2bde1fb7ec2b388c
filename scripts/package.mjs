// npm run package: a production build, then the .vsix with @vscode/vsce, offline.
// --no-dependencies: every runtime dependency is bundled into dist/ (see .vscodeignore), so the
// .vsix carries no node_modules. README links stay relative (no repository URL yet).
//
//   npm run package                          the universal .vsix: WASM kernels only, every platform
//   npm run package -- --target linux-x64    a platform .vsix: also onnxruntime's native GEMM for it
//   npm run package -- --bench               the latency bench's build (bench/latency.ts), with the
//                                            run page's round-trip hook (build.mjs)
//
// A platform .vsix carries onnxruntime-node's prebuilt binding and library for that platform under
// dist/native/<target>/ (kernels/native.ts loads them from there); VS Code's marketplace serves it
// in place of the universal one on that platform. Targets are the ones onnxruntime-node 1.30 ships.
// Writes rnn-lab-<version>[-bench][-<target>].vsix in the repository root and prints its path.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const root = dirname(dirname(new URL(import.meta.url).pathname));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const { values } = parseArgs({ options: { target: { type: 'string' }, bench: { type: 'boolean' } } });
const target = values.target;
const bench = values.bench === true;

/** vsce target → onnxruntime-node's bin folder (there is no darwin-x64 build). */
const NATIVE_TARGETS = {
  'linux-x64': 'linux/x64',
  'linux-arm64': 'linux/arm64',
  'darwin-arm64': 'darwin/arm64',
  'win32-x64': 'win32/x64',
  'win32-arm64': 'win32/arm64',
};
if (target !== undefined && !(target in NATIVE_TARGETS)) {
  console.error(`package: --target must be one of ${Object.keys(NATIVE_TARGETS).join(', ')} (onnxruntime-node's builds); got "${target}".`);
  process.exit(2);
}
const out = join(root, `${pkg.name}-${pkg.version}${bench ? '-bench' : ''}${target ? `-${target}` : ''}.vsix`);

execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--production', ...(bench ? ['--bench'] : [])], { stdio: 'inherit', cwd: root });
const nativeDir = join(root, 'dist', 'native');
rmSync(nativeDir, { recursive: true, force: true }); // the universal .vsix carries none
if (target) {
  const from = join(dirname(require.resolve('onnxruntime-node/package.json')), 'bin', 'napi-v6', NATIVE_TARGETS[target]);
  if (!existsSync(join(from, 'onnxruntime_binding.node'))) {
    console.error(`package: onnxruntime-node has no binding in ${from}; run npm ci first.`);
    process.exit(1);
  }
  cpSync(from, join(nativeDir, target), { recursive: true });
}
const vsce = join(dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', ...(target ? ['--target', target] : []), '--out', out], {
  stdio: ['ignore', 'inherit', 'inherit'],
  cwd: root,
});
console.log(out);
