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
import { Seq2SeqFlow } from './flows/seq2seq/controller';
import { seq2seqRunKinds } from './flows/seq2seq/runKinds';
import { RunsView, removeStaleRunTemps, type RunsTreeItem } from './runs/view';
import { runsRoot } from './runs/store';
import { ChartsView } from './runs/chartsView';
import { ComparePanels } from './runs/comparePanel';

export function activate(context: vscode.ExtensionContext): void {
  const activateStart = performance.now();
  const output = vscode.window.createOutputChannel('RNN Lab', { log: true });
  const runsView = new RunsView();
  const training = new TrainingSessions(output);
  const forecast = new ForecastFlow(context, output, runsView, training);
  const packing = new PackingFlow(context, output);
  const vocabulary = new VocabularyFlow(context, output);
  const seq2seq = new Seq2SeqFlow(context, output, runsView, training);
  runsView.addKinds(forecastRunKinds(forecast));
  runsView.addKinds(seq2seqRunKinds(seq2seq));
  const runsTree = vscode.window.createTreeView<RunsTreeItem>(RunsView.viewId, { treeDataProvider: runsView, canSelectMany: true });
  const log = (line: string) => output.info(line);
  runsView.attach(runsTree, log);
  const charts = new ChartsView(context.extensionUri, log);
  const compare = new ComparePanels(context.extensionUri, log);

  context.subscriptions.push(
    output,
    runsView,
    training,
    forecast,
    packing,
    seq2seq,
    vocabulary,
    runsTree,
    charts,
    compare,
    vscode.window.registerWebviewViewProvider(ChartsView.viewId, charts),
    runsTree.onDidChangeSelection((e) => charts.select(e.selection.map((i) => i.id ?? '').filter(Boolean))),
    runsView.onDidList((runs) => charts.listed(runs)),
    ...Object.entries({ ...forecast.commands(), ...packing.commands(), ...vocabulary.commands(), ...seq2seq.commands(), ...runsView.commands((runs) => compare.open(runs.map((r) => r.dir))) }).map(([id, f]) => vscode.commands.registerCommand(id, f as (...args: unknown[]) => unknown)),
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
