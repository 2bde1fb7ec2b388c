/**
 * The seq2seq flow: a pair file → setup form → worker training → training panel; opening stored
 * runs, Try a sentence, Translate…, Save model and Export. What every flow shares (the worker
 * session, progress, status bar, panels' lifecycle, the guarded model save) is in core/; this file
 * says only what is seq2seq's own.
 */
import * as vscode from 'vscode';
import { basename, join } from 'node:path';
import { SEQ2SEQ_REPORT_EVERY, type Seq2SeqFileCheck, type Seq2SeqResult, type Translation } from '../../../shared/seq2seq';
import {
  courseLine,
  freshSeq2SeqRunState,
  initialSeq2SeqValues,
  seq2seqValuesFromRun,
  seq2seqFormProblems,
  seq2seqFormToOptions,
  storedSeq2SeqRunState,
  type Seq2SeqFormValues,
  type Seq2SeqRunState,
} from '../../../shared/seq2seqProtocol';
import type { TrainEvent } from '../../../shared/events';
import { FlowBase } from '../../core/flow';
import { errorText } from '../../core/errorText';
import { pickDataFile } from '../../core/pickFile';
import { showEngineError } from '../../core/errorNotice';
import { FormError } from '../../core/formError';
import { saveRunModelAs } from '../../core/modelSave';
import { t, WORDS } from '../../core/strings';
import type { TrainingSessions } from '../../core/training';
import { WorkerError, WorkerSession } from '../../core/workerSession';
import { readRun, readRunResult, readRunSamples, runIdFor, type MetricsLine, type RunListing } from '../../runs/store';
import { runsRootFor, type RunsView } from '../../runs/view';
import { backendFromSettings, threadsFromSettings } from '../../settings';
import { samplesCsv, samplesJson } from './exportFormat';
import { pickTranslator } from './pickers';
import { restoredSeq2SeqState, Seq2SeqRunPanel, type Seq2SeqRunMessage } from './runPanel';
import { Seq2SeqSetupPanel } from './setupPanel';

/** The vocabulary panel (flows/seq2seq/vocabulary.ts): `{ file, options }` from the form, `{ runId }` from a run; the buttons show when the command is registered. */
const VOCABULARY_COMMAND = 'rnnLab.showVocabulary';

/** The run this window is training (see Seq2SeqController.active). */
interface Active {
  panel: Seq2SeqRunPanel;
  session: WorkerSession;
  settled: Promise<void>;
}

export class Seq2SeqFlow extends FlowBase<Seq2SeqRunPanel, Seq2SeqSetupPanel> {
  /** The run training now: its panel, its worker, and `settled`, which resolves once its panel shows how it ended. */
  private active: Active | null = null;
  /** A worker that translates with saved models (Translate…, Try a sentence after training); started on first use. */
  private translation: WorkerSession | null = null;
  private lastSentence = 'pytorch is very easy.';

  constructor(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, runsView: RunsView, training: TrainingSessions) {
    super(context, output, runsView, training, { run: Seq2SeqRunPanel.viewType, setup: Seq2SeqSetupPanel.viewType });
    this._register({ dispose: () => this.translation?.dispose() });
  }

  commands(): Record<string, (...args: never[]) => unknown> {
    return {
      'rnnLab.trainSeq2Seq': (uri?: vscode.Uri) => this.trainSeq2Seq(uri),
      'rnnLab.translate': (arg?: unknown) => this.translateCommand(arg),
      'rnnLab.openSeq2SeqRun': (dir: string) => this.openRunDir(dir),
    };
  }

  private async vocabularyAvailable(): Promise<boolean> {
    return (await vscode.commands.getCommands(true)).includes(VOCABULARY_COMMAND);
  }

  /** RNN Lab: Train Seq2Seq. `uri` from the Explorer or the editor title; else the active .tsv/.txt, else a quick pick. */
  /** `preset` (a stored run's config, to re-run it) fills the form instead of the course's preset. */
  async trainSeq2Seq(uri?: vscode.Uri, preset?: Readonly<Record<string, unknown>>): Promise<void> {
    const file = uri instanceof vscode.Uri ? uri : await pickDataFile({ extensions: ['tsv', 'txt'], title: t('Train Seq2Seq'), filterName: t('Sentence pairs') });
    if (!file) return;
    if (this.training.busy) {
      void vscode.window.showWarningMessage(t('RNN Lab is already training. Cancel that run first, or wait for it to finish.'));
      return;
    }
    const fileName = vscode.workspace.asRelativePath(file, false);
    const session = new WorkerSession(this.workerPath, this.log);
    const initial = (c: Seq2SeqFileCheck | null) => (preset ? seq2seqValuesFromRun(initialSeq2SeqValues(c), preset) : initialSeq2SeqValues(c));
    let values = initial(null);
    let check: Seq2SeqFileCheck | null = null;
    let error: { message: string; option?: string } | undefined;
    try {
      check = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: t('Reading {0}', fileName) }, () => this.check(session, file, fileName, values));
      values = initial(check);
    } catch (e) {
      // A file that reads but cannot train with these limits opens the form, where they can be changed; anything else is a notice naming the line.
      const code = e instanceof WorkerError ? e.wire.code : undefined;
      if (code !== 'NO_PAIRS' && code !== 'BAD_OPTION') {
        session.dispose();
        showEngineError(this.output, errorText(e), e, file);
        return;
      }
      error = { message: errorText(e), option: e instanceof WorkerError ? (e.wire.suggest?.option ?? e.wire.option) : undefined };
    }
    if (check) this.log(`${fileName}: ${check.pairsRead} pairs read, ${check.pairsKept} kept; vocabularies ${check.sourceVocab} and ${check.targetVocab}`);
    const vocabulary = await this.vocabularyAvailable();
    let started = false;
    const setup = this.setupPanels.create(`RNN Lab: ${basename(file.fsPath)}`, (panel) =>
      new Seq2SeqSetupPanel(
        panel,
        this.context.extensionUri,
        { fileName, check, values, vocabulary, error },
        {
          check: (v) => this.checkForm(session, file, fileName, v),
          start: async (v) => {
            await this.checkForm(session, file, fileName, v);
            if (this.training.busy) throw new Error(t('Another training run is in progress.'));
            await this.train(session, file, fileName, v);
            started = true;
          },
          vocabulary: (v) => void vscode.commands.executeCommand(VOCABULARY_COMMAND, { file: file.fsPath, options: seq2seqFormToOptions(v) }),
          onCspViolation: (d, u) => this.output.warn(`CSP violation in the seq2seq setup form: ${d} ${u}`),
        },
        this.log,
      ),
    );
    setup.onDidDispose(() => {
      if (!started && !this.training.isRunning(session)) session.dispose();
    });
  }

  private check(session: WorkerSession, file: vscode.Uri, fileName: string, v: Seq2SeqFormValues): Promise<Seq2SeqFileCheck> {
    return session.request({ type: 'seq2seq.check', file: file.fsPath, fileName, options: seq2seqFormToOptions(v) });
  }

  /** The form's values checked against the table, then by the engine on the file; a FormError names the field. */
  private async checkForm(session: WorkerSession, file: vscode.Uri, fileName: string, v: Seq2SeqFormValues): Promise<Seq2SeqFileCheck> {
    const problems = seq2seqFormProblems(v, WORDS);
    if (problems.length) throw new FormError(problems.map((p) => p.message).join(' '), problems[0].option);
    try {
      return await this.check(session, file, fileName, v);
    } catch (e) {
      throw new FormError(errorText(e), e instanceof WorkerError ? (e.wire.option ?? e.wire.suggest?.option) : undefined);
    }
  }

  /** Opens the training panel and starts the run; resolves once the engine reports `start`, rejects when it fails before. */
  private async train(session: WorkerSession, file: vscode.Uri, fileName: string, v: Seq2SeqFormValues): Promise<void> {
    const setting = (k: string) => vscode.workspace.getConfiguration('rnnLab').get(k);
    const backend = backendFromSettings(setting);
    const threads = threadsFromSettings(setting);
    const options = { ...seq2seqFormToOptions(v), ...(backend !== 'auto' ? { backend } : {}), ...(threads > 0 ? { threads } : {}) };
    const runId = runIdFor(new Date());
    const reports = v.epochs ?? Math.ceil(v.iterations / Math.min(SEQ2SEQ_REPORT_EVERY, v.iterations));
    const state = freshSeq2SeqRunState({
      runId,
      fileName,
      totalSteps: v.epochs === null ? v.iterations : 0,
      courseMode: v.epochs === null && v.batchSize === 1,
      measuredOn: v.testFraction > 0 ? 'test' : 'train',
      attention: v.attention !== 'none',
      phase: { kind: 'training' },
    });
    this.log(`Training a translator on ${fileName}: ${JSON.stringify(options)}`);
    const panel = this.openPanel(state);
    await panel.whenReady(10_000);
    if (panel.isDisposed) throw new Error(t('The run panel was closed before training started.'));
    let settle = () => {};
    // The run's panel is active.panel: one reopened from the Runs tree after this one was closed takes its place.
    const active: Active = { panel, session, settled: new Promise<void>((resolve) => (settle = resolve)) };
    this.active = active;
    let t0 = Date.now();
    return new Promise<void>((resolveStarted, rejectStarted) => {
      let started = false;
      const onEvent = (e: TrainEvent) => {
        switch (e.type) {
          case 'start':
            t0 = Date.now();
            started = true;
            resolveStarted();
            active.panel.update((s) => {
              if (v.epochs !== null) s.totalSteps = e.epochs * e.batchesPerEpoch;
              s.measuredOn = e.validationExamples > 0 ? 'test' : 'train';
            });
            return;
          case 'batchEnd':
            active.panel.add({ step: e.step, elapsedSeconds: (Date.now() - t0) / 1000, loss: [{ step: e.step, value: e.loss }] });
            return;
          case 'epochEnd': {
            const step = active.panel.runState.step;
            active.panel.add({ elapsedSeconds: e.elapsedSeconds, reports: [{ step, value: e.loss }], heldOut: e.valLoss !== null ? [{ step, value: e.valLoss }] : undefined });
            if (active.panel.runState.courseMode) this.log(courseLine(step, active.panel.runState.totalSteps, e.loss));
            return;
          }
          case 'metrics': {
            const m = e.values;
            active.panel.add({ metrics: [{ step: active.panel.runState.step, tokenAccuracy: m.tokenAccuracy ?? 0, exactMatch: m.exactMatch ?? 0, bleu: m.bleu ?? 0 }] });
            return;
          }
          case 'samples':
            active.panel.add({ samples: [{ step: active.panel.runState.step, samples: e.samples as Seq2SeqResult['samples'] }] });
            return;
          case 'end':
            return;
        }
      };
      const title = t('RNN Lab: training a translator on {0}', basename(file.fsPath));
      this.training.run(session, { type: 'seq2seq.train', file: file.fsPath, fileName, options, store: { root: this.runsRootFor(file), runId } }, { title, subject: fileName, epochs: reports, steps: v.epochs === null ? v.iterations : undefined, onEvent }).then(
        (outcome) => {
          const r = outcome.result;
          active.panel.setPhase({ kind: 'done', runDir: outcome.runDir, tokenAccuracy: r.test.tokenAccuracy, exactMatch: r.test.exactMatch, bleu: r.test.bleu, trainSeconds: r.trainSeconds });
          this.log(`${r.measuredOn === 'test' ? 'Held-out' : 'Training-pair'} token accuracy ${(100 * r.test.tokenAccuracy).toFixed(1)}%, exact match ${(100 * r.test.exactMatch).toFixed(1)}%, BLEU-4 ${(100 * r.test.bleu).toFixed(1)} (${r.trainSeconds.toFixed(1)} s)`);
          if (outcome.runDir) {
            this.log(`Saved run in ${outcome.runDir}`);
            active.panel.update((s) => (s.runId = basename(outcome.runDir as string)));
          }
          if (outcome.saveError) void vscode.window.showWarningMessage(t('RNN Lab: the run finished but could not be saved: {0}', outcome.saveError));
          this.runsView.refresh();
          if (this.active === active) this.active = null;
        },
        (e: unknown) => {
          const cancelled = e instanceof WorkerError && e.wire.code === 'CANCELLED';
          if (this.active === active) this.active = null;
          if (!started) {
            // Failed before training began: the setup form shows why.
            active.panel.dispose();
            rejectStarted(new FormError(errorText(e), e instanceof WorkerError ? e.wire.option : undefined));
            return;
          }
          if (cancelled) this.log('Training cancelled; earlier runs are untouched.');
          else showEngineError(this.output, errorText(e), e, file);
          active.panel.setPhase(cancelled ? { kind: 'cancelled' } : { kind: 'failed', message: errorText(e) });
        },
      ).finally(settle);
    });
  }

  /** rnnLab.openSeq2SeqRun: a stored run by its folder. */
  async openRunDir(dir: string): Promise<void> {
    try {
      await this.openRun(await readRun(dir));
    } catch (e) {
      void vscode.window.showErrorMessage(t('RNN Lab: cannot open the run in {0}: {1}', dir, errorText(e)));
    }
  }

  /** Re-runs a stored run: the setup form on its data file. */
  async rerun(listing: RunListing): Promise<void> {
    await this.trainSeq2Seq(vscode.Uri.file(listing.run.dataset.path), listing.run.config);
  }

  /**
   * Opens a stored seq2seq run (from the Runs tree), restored from its folder. A done run: its
   * report curve and held-out metrics as metrics.jsonl has them at their steps, the final metrics
   * (on every held-out pair) and samples. A run that stopped (cancelled, failed, interrupted) or
   * still trains has no result.json: its curve, metrics and samples so far, and its status. The run
   * this window trains shows its own panel instead, while that is open.
   */
  async openRun(listing: RunListing & { metrics?: MetricsLine[] }): Promise<void> {
    const dir = listing.dir;
    try {
      // The folder as it is now (the tree's listing may be older than the run's last status).
      const { run, metrics: lines } = listing.metrics ? { run: listing.run, metrics: listing.metrics } : await readRun(dir);
      if (run.status === 'running' && this.active && this.active.panel.runState.runId === listing.id) {
        // The run this window trains: its panel, or a new one that goes on from the closed one's state.
        if (this.active.panel.isDisposed) this.active.panel = this.openPanel(this.active.panel.runState);
        else this.active.panel.reveal();
        return;
      }
      const result = run.status === 'done' ? await readRunResult<'seq2seq'>(dir) : null;
      // A damaged samples.jsonl leaves the samples out (and says so in the log), not the run.
      const sampleSets = await readRunSamples(dir).catch((e: unknown) => {
        this.log(`${dir}: earlier samples not shown: ${errorText(e)}`);
        return [];
      });
      const { state, samplesProblem } = storedSeq2SeqRunState(
        { runId: listing.id, fileName: vscode.workspace.asRelativePath(run.dataset.path, false), dir, run, lines, sampleSets, result },
        (error) => t('Failed: {0} — the run is kept in the Runs view with its curve so far.', error ?? t('The run failed.')),
      );
      if (samplesProblem) this.log(`${dir}: earlier samples not shown: ${samplesProblem}`);
      this.openPanel(state);
    } catch (e) {
      void vscode.window.showErrorMessage(t('RNN Lab: cannot open the run in {0}: {1}', dir, errorText(e)));
    }
  }

  /** RNN Lab: Translate… — a sentence through the latest or a picked translator (saved runs, so also after a reload). */
  async translateCommand(arg?: unknown): Promise<void> {
    const modelDir = typeof arg === 'string' ? arg : await pickTranslator();
    if (!modelDir) return;
    const sentence = await vscode.window.showInputBox({ title: t('Translate with {0}', vscode.workspace.asRelativePath(modelDir, false)), prompt: t('A sentence in the source language'), value: this.lastSentence, ignoreFocusOut: true });
    if (!sentence?.trim()) return;
    this.lastSentence = sentence;
    try {
      const tr = await this.translateSaved(modelDir, sentence);
      this.log(`> ${tr.source}\n< ${tr.prediction}${tr.endedWithEos ? ' <EOS>' : ''}`);
      void vscode.window.showInformationMessage(translationLine(tr));
    } catch (e) {
      void vscode.window.showErrorMessage(t('RNN Lab: {0}', errorText(e)));
    }
  }

  private async translateSaved(modelDir: string, sentence: string): Promise<Translation> {
    this.translation ??= new WorkerSession(this.workerPath, this.log);
    try {
      return (await this.translation.request({ type: 'seq2seq.translate', sentences: [sentence], modelDir }))[0];
    } catch (e) {
      // A worker that died takes its session with it; the next sentence starts a new one.
      if (e instanceof WorkerError && e.wire.code === 'INTERNAL') {
        this.translation.dispose();
        this.translation = null;
      }
      throw e;
    }
  }

  /** Try a sentence: the training worker's model while it trains, then the stored run's. */
  private readonly translateOnPanel = async (panel: Seq2SeqRunPanel, sentence: string): Promise<Translation> => {
    try {
      const active = this.active;
      if (active?.panel === panel && this.training.isRunning(active.session)) {
        try {
          return (await active.session.request({ type: 'seq2seq.translate', sentences: [sentence] }))[0];
        } catch (e) {
          if (!(e instanceof WorkerError && e.wire.code === 'NO_MODEL')) throw e;
          // The run ended between the sentence and the worker's answer: its stored model answers it.
          await active.settled;
        }
      }
      const phase = panel.runState.phase;
      if (phase.kind !== 'done' || !phase.runDir) throw new Error(t('This run has no model to translate with.'));
      return await this.translateSaved(join(phase.runDir, 'model'), sentence);
    } catch (e) {
      throw new Error(errorText(e));
    }
  };

  private readonly onRunMessage = (panel: Seq2SeqRunPanel, m: Seq2SeqRunMessage): void => {
    switch (m.type) {
      case 'cancel':
        if (this.active?.panel === panel) this.training.cancel();
        return;
      case 'saveModel': {
        const phase = panel.runState.phase;
        if (phase.kind !== 'done' || !phase.runDir) {
          void vscode.window.showWarningMessage(t('RNN Lab: this run has no trained model to save.'));
          return;
        }
        const stem = basename(panel.runState.fileName).replace(/\.[^.]+$/, '');
        void saveRunModelAs(phase.runDir, `${stem}-seq2seq-${panel.runState.runId.slice(0, 10)}`, (x) => panel.notice(x), this.log, errorText);
        return;
      }
      case 'export':
        void this.exportSamples(panel, m.format);
        return;
      case 'vocabulary': {
        const phase = panel.runState.phase;
        void vscode.commands.executeCommand(VOCABULARY_COMMAND, phase.kind === 'done' && phase.runDir ? { runId: basename(phase.runDir) } : { runId: panel.runState.runId });
        return;
      }
      case 'cspViolation':
        this.output.warn(`CSP violation in the seq2seq training panel: ${m.directive} ${m.blockedURI}`);
        return;
    }
  };

  /** Samples and metrics to a file the user picks (the host's dialog: a webview cannot download). */
  private async exportSamples(panel: Seq2SeqRunPanel, format: 'csv' | 'json'): Promise<void> {
    const stem = basename(panel.runState.fileName).replace(/\.[^.]+$/, '');
    const base = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      defaultUri: base ? vscode.Uri.joinPath(base, `${stem}-samples.${format}`) : undefined,
      filters: format === 'csv' ? { [t('CSV file')]: ['csv'] } : { [t('JSON file')]: ['json'] },
      title: t('Export the samples and metrics'),
    });
    if (!target) return;
    const text = format === 'csv' ? samplesCsv(panel.runState) : samplesJson(panel.runState);
    await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
    panel.notice(t('Samples and metrics saved to {0}.', vscode.workspace.asRelativePath(target, false)));
  }

  protected revive(panel: vscode.WebviewPanel, raw: unknown): Seq2SeqRunPanel {
    let state: Seq2SeqRunState;
    try {
      state = restoredSeq2SeqState(raw);
    } catch (e) {
      this.log(`Rejected the restored state of a seq2seq training panel: ${(e as Error).message}`);
      state = freshSeq2SeqRunState({
        runId: runIdFor(new Date()),
        fileName: 'unknown',
        totalSteps: 0,
        courseMode: false,
        measuredOn: 'train',
        attention: false,
        phase: { kind: 'failed', message: t('This run panel could not be restored. Open the run again from the RNN Lab view.') },
      });
    }
    return new Seq2SeqRunPanel(panel, this.context.extensionUri, state, { onMessage: this.onRunMessage, translate: this.translateOnPanel }, () => this.vocabularyAvailable(), this.log);
  }

  private openPanel(state: Seq2SeqRunState): Seq2SeqRunPanel {
    return this.runPanels.create(`RNN Lab: ${basename(state.fileName)}`, (panel) =>
      new Seq2SeqRunPanel(panel, this.context.extensionUri, state, { onMessage: this.onRunMessage, translate: this.translateOnPanel }, () => this.vocabularyAvailable(), this.log),
    );
  }

  private runsRootFor(file: vscode.Uri): string {
    return runsRootFor(vscode.workspace.getWorkspaceFolder(file) ?? vscode.workspace.workspaceFolders?.[0], this.context.globalStorageUri.fsPath);
  }
}

/** A translation in one line, with the words read as <UNK> named. */
function translationLine(tr: Translation): string {
  const unknown = tr.unknown.length ? ` ${t('(not in the vocabulary, read as <UNK>: {0})', tr.unknown.join(', '))}` : '';
  return `${tr.prediction}${unknown}`;
}
