/**
 * The seq2seq training panel: live loss, held-out metrics, translation samples with a step slider,
 * Try a sentence and the attention heatmaps. The host keeps the state; while training it sends only
 * what is new, at most ~10 times a second (the course's loop takes thousands of steps a second),
 * and the whole state only when the page loads or the phase changes. Both sides keep every series
 * bounded the same way (applySeq2SeqDelta), so a long run grows neither the page's setState nor
 * what the serializer rebuilds the panel from after a window reload.
 */
import type * as vscode from 'vscode';
import type { Translation } from '../../../shared/seq2seq';
import {
  applySeq2SeqDelta,
  boundedSeq2SeqRunState,
  mergeSeq2SeqDeltas,
  parseSeq2SeqRunState,
  parseSeq2SeqRunMessage,
  SEQ2SEQ_RUN_REQUESTS,
  type HostToSeq2SeqRun,
  type Seq2SeqPhase,
  type Seq2SeqRunDelta,
  type Seq2SeqRunState,
  type Seq2SeqRunToHost,
} from '../../../shared/seq2seqProtocol';
import { t } from '../../core/strings';
import { Coalescer } from '../../core/coalescer';
import { WebviewPanelBase } from '../../core/webviewPanel';

/** What the page asks of the flow (everything but the handshake and the requests). */
export type Seq2SeqRunMessage = Exclude<Seq2SeqRunToHost, { type: 'ready' | 'translate' }>;

export interface Seq2SeqRunHandlers {
  onMessage(panel: Seq2SeqRunPanel, m: Seq2SeqRunMessage): void;
  /** Try a sentence: the model as it is now (the training worker's, or the saved run's). */
  translate(panel: Seq2SeqRunPanel, sentence: string): Promise<Translation>;
}

/** The page is sent the state at most this often while training runs. */
const FLUSH_MS = 100;

export class Seq2SeqRunPanel extends WebviewPanelBase<HostToSeq2SeqRun, Seq2SeqRunToHost> {
  static readonly viewType = 'rnnLab.seq2seqRun';
  /** Training's news to the page, at most once per FLUSH_MS. */
  private readonly outbox: Coalescer<Seq2SeqRunDelta>;
  private hasVocabulary = false;
  private state: Seq2SeqRunState;

  constructor(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    state: Seq2SeqRunState,
    private readonly handlers: Seq2SeqRunHandlers,
    /** Whether the Vocabulary… command exists (another flow's; the button hides without it). */
    private readonly vocabulary: () => Promise<boolean>,
    log: (l: string) => void,
  ) {
    super(panel, extensionUri, { page: 'seq2seqRunPage', documentTitle: t('RNN Lab seq2seq run'), name: 'seq2seq training panel', parse: parseSeq2SeqRunMessage, requests: SEQ2SEQ_RUN_REQUESTS }, log);
    this.state = boundedSeq2SeqRunState(state);
    this.outbox = new Coalescer(FLUSH_MS, mergeSeq2SeqDeltas, {
      ready: () => this.isReady && !this.isDisposed,
      whole: () => this.post({ type: 'state', state: this.state, vocabulary: this.hasVocabulary }),
      delta: (delta) => this.post({ type: 'delta', runId: this.state.runId, delta }),
    });
    this._register({ dispose: () => this.outbox.cancel() });
  }

  get runState(): Seq2SeqRunState {
    return this.state;
  }

  /** Changes the state; the page is sent the whole state within FLUSH_MS. */
  update(change: (s: Seq2SeqRunState) => void): void {
    change(this.state);
    this.outbox.replace();
  }

  /** Training's news: applied to the state now, sent to the page (only it) within FLUSH_MS. */
  add(delta: Seq2SeqRunDelta): void {
    applySeq2SeqDelta(this.state, delta);
    // A page not loaded yet is sent the whole state when it is.
    this.outbox.add(delta);
  }

  /** A new phase is sent at once. */
  setPhase(phase: Seq2SeqPhase): void {
    this.state.phase = phase;
    this.outbox.replace();
    this.outbox.flush();
  }

  notice(message: string): void {
    this.post({ type: 'notice', message });
  }

  protected onReady(): void {
    void this.vocabulary().then((has) => {
      this.hasVocabulary = has;
      this.outbox.reset();
      this.post({ type: 'state', state: this.state, vocabulary: has });
    });
  }

  protected onMessage(m: Seq2SeqRunToHost): void {
    this.handlers.onMessage(this, m as Seq2SeqRunMessage);
  }

  protected override onRequest(m: Seq2SeqRunToHost): Promise<Translation> {
    if (m.type !== 'translate') throw new Error(`${m.type} is not answered here`);
    return this.handlers.translate(this, m.sentence);
  }
}

/** The state a panel kept before a window reload, validated; a run that was training is marked interrupted (its worker died with the old host). */
export function restoredSeq2SeqState(raw: unknown): Seq2SeqRunState {
  const state = parseSeq2SeqRunState(raw);
  if (state.phase.kind === 'training') state.phase = { kind: 'interrupted' };
  return state;
}
