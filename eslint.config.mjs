// Lint: typescript-eslint's recommended rules, plus the layering rules: the engine runs in plain
// Node (no `vscode`, no DOM globals) so it can serve as a library and a CLI; the extension host
// takes only types from the engine (tfjs and the model code load in the worker, never in the
// host); src/shared imports nothing outside itself, so both bundles and the engine can take it.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'scratch/**', 'src/engine/kernels/assembly/**', 'src/engine/kernels/generated/**', '.e2e/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/engine must run in plain Node: no vscode imports.' }] }],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator'],
    },
  },
  {
    // src/shared holds what every bundle takes (option tables, error words): nothing from outside it.
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!\\.)', message: 'src/shared imports nothing: no packages, no Node modules, no vscode.' }, { group: ['../../*', '**/engine/**', '**/extension/**', '**/webview/**'], message: 'src/shared imports only from src/shared.' }] }],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'process', 'require', 'Buffer'],
    },
  },
  {
    files: ['src/extension/**/*.ts'],
    // The worker thread's code is where the extension runs the engine.
    ignores: ['src/extension/worker.ts', 'src/extension/flows/*/worker.ts', 'src/extension/flows/*/*Worker.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{ group: ['**/engine', '**/engine/**'], allowTypeImports: true, message: 'The extension host takes only types from src/engine (`import type`): the engine and tfjs load in the worker.' }],
      }],
    },
  },
);
