/**
 * RNN Lab: Show Vocabulary (`rnnLab.showVocabulary`). From the palette it asks for a pair file as
 * Train Seq2Seq does; other flows call it with `{ file, options }` (any seq2seq options: those
 * that shape the vocabularies are kept) or `{ runId }` for a stored run's saved vocabularies.
 * Its panels come back after a window reload through their PanelManager's serializer.
 */
import * as vscode from 'vscode';
import { join } from 'node:path';
import type { Seq2SeqOptions } from '../../../shared/seq2seq';
import { parseVocabularySource, parseVocabularyViewState, vocabularyOptions, type VocabularySource } from '../../../shared/vocabulary';
import type { WorkerAnswer } from '../../../shared/workerProtocol';
import { Disposable } from '../../core/disposable';
import { PanelManager } from '../../core/panelManager';
import { pickDataFile } from '../../core/pickFile';
import { t } from '../../core/strings';
import type { WorkerSession } from '../../core/workerSession';
import { listRuns, runsRoot } from '../../runs/store';
import { allRuns } from '../../runs/view';
import { VocabularyPanel } from './vocabularyPanel';

/** What other flows pass to `rnnLab.showVocabulary`. */
export type ShowVocabularyArgs = { file: string | vscode.Uri; options?: Partial<Seq2SeqOptions> } | { runId: string };

export class VocabularyFlow extends Disposable {
  private readonly panels: PanelManager<VocabularyPanel>;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
  ) {
    super();
    this.panels = this._register(new PanelManager(VocabularyPanel.viewType, context.extensionUri, (panel, state) => this.revive(panel, state)));
  }

  commands(): Record<string, (...args: never[]) => unknown> {
    return { 'rnnLab.showVocabulary': (arg?: unknown) => this.show(arg) };
  }

  private log = (line: string): void => this.output.info(line);

  private get workerPath(): string {
    return vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'worker.js').fsPath;
  }

  /** Opens a vocabulary panel; resolves with it (undefined when the user picked nothing or the argument was refused). */
  async show(arg?: unknown): Promise<VocabularyPanel | undefined> {
    let source: VocabularySource;
    try {
      const s = await this.sourceOf(arg);
      if (!s) return undefined;
      source = s;
    } catch (e) {
      void vscode.window.showErrorMessage(t('RNN Lab cannot show these vocabularies: {0}', (e as Error).message));
      return undefined;
    }
    const title = source.kind === 'file' ? vscode.workspace.asRelativePath(source.file, false) : source.runId;
    return this.panels.create(t('Vocabulary: {0}', title), (panel) => new VocabularyPanel(panel, this.context.extensionUri, this.workerPath, source, (session) => this.open(session, source), this.log));
  }

  /** The command's argument as a source: a picked file, an Explorer Uri, `{ file, options }` or `{ runId }`. */
  private async sourceOf(arg: unknown): Promise<VocabularySource | undefined> {
    if (arg === undefined || arg === null) {
      const uri = await pickDataFile({ extensions: ['tsv', 'txt'], title: t('Show Vocabulary'), filterName: t('Sentence pairs') });
      return uri && parseVocabularySource({ kind: 'file', file: uri.fsPath, options: {} });
    }
    if (arg instanceof vscode.Uri) return parseVocabularySource({ kind: 'file', file: arg.fsPath, options: {} });
    if (typeof arg === 'object' && 'runId' in arg) return parseVocabularySource({ kind: 'run', runId: (arg as { runId: unknown }).runId });
    if (typeof arg === 'object' && 'file' in arg) {
      const a = arg as { file: unknown; options?: Partial<Seq2SeqOptions> };
      const file = a.file instanceof vscode.Uri ? a.file.fsPath : a.file;
      return parseVocabularySource({ kind: 'file', file, options: vocabularyOptions(a.options ?? {}) });
    }
    throw new Error(t('pass { file, options } or { runId }'));
  }

  private async open(session: WorkerSession, source: VocabularySource): Promise<WorkerAnswer<'seq2seq.vocabulary'>> {
    if (source.kind === 'file') {
      const fileName = vscode.workspace.asRelativePath(source.file, false);
      return session.request({ type: 'seq2seq.vocabulary', from: { file: source.file, fileName, options: source.options } });
    }
    const runs = [...(await allRuns()), ...(await listRuns(runsRoot(this.context.globalStorageUri.fsPath)))];
    const run = runs.find((r) => r.id === source.runId);
    if (!run) throw new Error(t('Run {0} is not among the saved runs. Open the RNN Lab view to see them.', source.runId));
    if (run.damaged || !run.hasModel) throw new Error(t('Run {0} has no saved model, so no vocabularies were stored with it.', source.runId));
    // Every seq2seq run records its full options; a run of another kind has no vocabularies to read.
    const minCount = Number(run.run.config.minCount ?? 1);
    return session.request({ type: 'seq2seq.vocabulary', from: { modelDir: join(run.dir, 'model'), name: source.runId, minCount: Number.isInteger(minCount) && minCount >= 1 ? minCount : 1 } });
  }

  /** A panel open before the reload: its page's state names the source; a state that does not parse opens a panel that says so. */
  private revive(panel: vscode.WebviewPanel, state: unknown): VocabularyPanel {
    let source: VocabularySource | null = null;
    try {
      source = parseVocabularyViewState(state).source;
    } catch (e) {
      this.log(`Rejected the restored state of a vocabulary panel: ${(e as Error).message}`);
    }
    const open = (session: WorkerSession) =>
      source ? this.open(session, source) : Promise.reject(new Error(t('This vocabulary panel could not be restored. Run RNN Lab: Show Vocabulary again.')));
    return new VocabularyPanel(panel, this.context.extensionUri, this.workerPath, source, open, this.log);
  }
}
