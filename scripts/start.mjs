// npm start: build and package the .vsix, then either install it into the `code` on PATH, or
// (default without `code`) install it into a local code-server and serve it on 127.0.0.1 with an
// examples workspace open. Ctrl+C stops the server.
//   npm start -- --code-server   use code-server even when `code` is on PATH
//   PORT=8080 npm start           choose the port (default 8080)
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

const root = dirname(dirname(new URL(import.meta.url).pathname));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const vsix = join(root, `${pkg.name}-${pkg.version}.vsix`);

execFileSync(process.execPath, [join(root, 'scripts/package.mjs')], { stdio: 'inherit', cwd: root });

const hasCode = spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0;
if (hasCode && !process.argv.includes('--code-server')) {
  execFileSync('code', ['--install-extension', vsix, '--force'], { stdio: 'inherit' });
  console.log('Installed into VS Code. Reload its window, then right-click a CSV: RNN Lab: Forecast with LSTM.');
  process.exit(0);
}

const entry = execFileSync('bash', [join(root, 'scripts/setup-code-server.sh')], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' }).trim().split('\n').pop();
const base = join(homedir(), '.cache', 'rnn-lab', 'start');
const userData = join(base, 'user-data');
const extensions = join(base, 'extensions');
const examples = join(base, 'examples');
mkdirSync(examples, { recursive: true });
for (const f of ['stock_daily.csv', 'kor-eng.txt', 'README.md']) copyFileSync(join(root, 'examples', f), join(examples, f));
execFileSync(process.execPath, [entry, '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', vsix, '--force'], { stdio: 'inherit' });

const port = process.env.PORT ?? '8080';
const server = spawn(
  process.execPath,
  [entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--user-data-dir', userData, '--extensions-dir', extensions, examples],
  { stdio: 'inherit', detached: true },
);
console.log(`\nRNN Lab in code-server: http://127.0.0.1:${port}/?folder=${encodeURIComponent(examples)}\n`);
const stop = () => {
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    // already stopped
  }
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.on('exit', (code) => process.exit(code ?? 0));
