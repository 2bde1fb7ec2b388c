/**
 * Composition root: creates and wires every object, and tracks every disposable in one place.
 * Only light modules are imported here; the engine and tfjs load in dist/worker.js when a run starts.
 */
const moduleLoadedAt = performance.now();

import * as vscode from 'vscode';
import { TrainingSessions } from './core/training';
import { ForecastFlow } from './flows/forecast/controller';
import { VocabularyFlow } from './flows/seq2seq/vocabulary';
import { openExamples } from './examples/command';
import { forecastRunKinds } from './flows/forecast/runKinds';
import { PackingFlow } from './flows/packing/controller';
import { RunsView, removeStaleRunTemps } from './runs/view';
import { runsRoot } from './runs/store';

export function activate(context: vscode.ExtensionContext): void {
  const activateStart = performance.now();
  const output = vscode.window.createOutputChannel('RNN Lab', { log: true });
  const runsView = new RunsView({ ...forecastRunKinds });
  const training = new TrainingSessions(output);
  const forecast = new ForecastFlow(context, output, runsView, training);
  const packing = new PackingFlow(context, output);
  const vocabulary = new VocabularyFlow(context, output);

  context.subscriptions.push(
    output,
    runsView,
    training,
    forecast,
    packing,
    vocabulary,
    vscode.window.registerTreeDataProvider(RunsView.viewId, runsView),
    ...Object.entries({ ...forecast.commands(), ...packing.commands(), ...vocabulary.commands() }).map(([id, f]) => vscode.commands.registerCommand(id, f as (...args: unknown[]) => unknown)),
    vscode.commands.registerCommand('rnnLab.refreshRuns', () => runsView.refresh()),
    vscode.commands.registerCommand('rnnLab.showLog', () => output.show()),
    vscode.commands.registerCommand('rnnLab.openExamples', () => openExamples(context.extensionUri, (l) => output.info(l))),
  );

  // Temporary folders a crash left half-written; after activation, off its path.
  void removeStaleRunTemps([runsRoot(context.globalStorageUri.fsPath)]).then(
    (n) => n && output.info(`Removed ${n} temporary run folder(s) left by an earlier crash.`),
    (e: unknown) => output.warn(`Could not remove stale temporary run folders: ${String(e)}`),
  );

  const now = performance.now();
  output.info(`Activated in ${(now - activateStart).toFixed(1)} ms (module initialised ${(activateStart - moduleLoadedAt).toFixed(1)} ms before activate).`);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
