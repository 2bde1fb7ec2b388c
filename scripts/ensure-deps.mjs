// Runs before `npm test` and `npm start` (pretest, prestart): installs the npm packages with
// `npm ci` when node_modules is missing or older than package-lock.json, so each of the README's
// two commands works on a fresh clone by itself. Node built-ins only: nothing is installed yet.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = dirname(dirname(new URL(import.meta.url).pathname));
const installed = join(root, 'node_modules', '.package-lock.json'); // written by npm ci / install
const lock = join(root, 'package-lock.json');
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  console.error('Installing the npm packages (npm ci)…');
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}
