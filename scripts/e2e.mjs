// npm run test:e2e: package the .vsix, set up code-server (cached under ~/.cache/rnn-lab), then
// run test/e2e/*.e2e.ts with Node's test runner. Options:
//   --skip-package   reuse the existing rnn-lab-<version>.vsix (and, on Linux x64, rnn-lab-<version>-linux-x64.vsix)
//   KEEP_E2E=1       keep the temporary user-data-dir and workspace under .e2e/ for inspection
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = dirname(dirname(new URL(import.meta.url).pathname));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// The .vsix that ships (the bench build, with its round-trip hook, is only for bench/latency.ts).
const vsix = process.env.RNN_LAB_VSIX ?? join(root, `${pkg.name}-${pkg.version}.vsix`);

// On Linux x64 the platform .vsix (with onnxruntime's native GEMM) is tested too (test/e2e/native.e2e.ts).
const nativeTarget = process.platform === 'linux' && process.arch === 'x64' ? 'linux-x64' : null;
const nativeVsix = process.env.RNN_LAB_VSIX_NATIVE ?? (nativeTarget ? join(root, `${pkg.name}-${pkg.version}-${nativeTarget}.vsix`) : undefined);
if (!process.argv.includes('--skip-package') && !process.env.RNN_LAB_VSIX) {
  // The platform one first: packaging the universal one afterwards removes dist/native again.
  if (nativeTarget && !process.env.RNN_LAB_VSIX_NATIVE) execFileSync(process.execPath, [join(root, 'scripts/package.mjs'), '--target', nativeTarget], { stdio: 'inherit', cwd: root });
  execFileSync(process.execPath, [join(root, 'scripts/package.mjs')], { stdio: 'inherit', cwd: root });
}
const entry = execFileSync('bash', [join(root, 'scripts/setup-code-server.sh')], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' })
  .trim()
  .split('\n')
  .pop();

mkdirSync(join(root, '.e2e'), { recursive: true });
const files = readdirSync(join(root, 'test/e2e')).filter((f) => f.endsWith('.e2e.ts')).map((f) => join('test/e2e', f));
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...files], {
  stdio: 'inherit',
  cwd: root,
  env: { ...process.env, RNN_LAB_VSIX: vsix, CODE_SERVER_ENTRY: entry, ...(nativeVsix && existsSync(nativeVsix) ? { RNN_LAB_VSIX_NATIVE: nativeVsix } : {}) },
});
process.exit(r.status ?? 1);
