/**
 * Composition root: creates and wires every object, and tracks every disposable in one place.
 * Only light modules are imported here; the engine and tfjs load in dist/worker.js when a run starts.
 */
const moduleLoadedAt = performance.now();

import * as vscode from 'vscode';
import { ForecastController } from './flows/forecast/controller';
import { RunPanel } from './flows/forecast/runPanel';
import { RunsView } from './runs/view';

export function activate(context: vscode.ExtensionContext): void {
  const activateStart = performance.now();
  const output = vscode.window.createOutputChannel('RNN Lab', { log: true });
  const runsView = new RunsView();
  const controller = new ForecastController(context, output, runsView);

  context.subscriptions.push(
    output,
    runsView,
    controller,
    vscode.window.registerTreeDataProvider(RunsView.viewId, runsView),
    vscode.commands.registerCommand('rnnLab.forecast', (uri?: vscode.Uri) => controller.forecast(uri)),
    vscode.commands.registerCommand('rnnLab.forecastWithSaved', (arg?: unknown) => controller.forecastWithSaved(arg)),
    vscode.commands.registerCommand('rnnLab.openRun', (dir: string) => controller.openRun(dir)),
    vscode.commands.registerCommand('rnnLab.refreshRuns', () => runsView.refresh()),
    vscode.commands.registerCommand('rnnLab.cancelTraining', () => controller.cancel()),
    vscode.commands.registerCommand('rnnLab.showTraining', () => controller.showTraining()),
    vscode.commands.registerCommand('rnnLab.showLog', () => output.show()),
    // A run panel open when the window reloaded comes back from its saved state.
    vscode.window.registerWebviewPanelSerializer(RunPanel.viewType, {
      deserializeWebviewPanel: async (panel, state) => controller.revive(panel, state),
    }),
  );

  const now = performance.now();
  output.info(`Activated in ${(now - activateStart).toFixed(1)} ms (module initialised ${(activateStart - moduleLoadedAt).toFixed(1)} ms before activate).`);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
