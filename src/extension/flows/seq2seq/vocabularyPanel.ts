/**
 * The vocabulary panel: source and target vocabularies of a pair file (or of a stored run) with
 * their counts, and the coverage a minimum count gives, before training. The panel owns a worker
 * session of its own, where the tables are built and queried (vocabularyWorker.ts); the page asks
 * for the rows it draws, and the panel passes each request to the worker and its answer back.
 * It survives a window reload: the page keeps its source and view (setState) and the serializer
 * (vocabulary.ts) reopens the tables from them.
 */
import type * as vscode from 'vscode';
import type { WorkerAnswer } from '../../../shared/workerProtocol';
import { parseVocabularyMessage, VOCABULARY_REQUESTS, type HostToVocabulary, type VocabularySource, type VocabularyToHost } from '../../../shared/vocabulary';
import { errorText } from '../../core/errorText';
import { WebviewPanelBase } from '../../core/webviewPanel';
import { WorkerSession } from '../../core/workerSession';

type Opened = WorkerAnswer<'seq2seq.vocabulary'>;

export class VocabularyPanel extends WebviewPanelBase<HostToVocabulary, VocabularyToHost> {
  static readonly viewType = 'rnnLab.seq2seqVocabulary';
  private readonly session: WorkerSession;
  private readonly opened: Promise<Opened>;
  private outcome: { ok: true; summary: Opened } | { ok: false; message: string } | null = null;

  /** `open` asks the panel's worker for the tables; a source that cannot be read is null, with `open` rejecting why. */
  constructor(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    workerPath: string,
    readonly source: VocabularySource | null,
    open: (session: WorkerSession) => Promise<Opened>,
    log: (line: string) => void,
  ) {
    super(panel, extensionUri, { page: 'vocabularyPage', documentTitle: 'RNN Lab vocabulary', name: 'vocabulary panel', parse: parseVocabularyMessage, requests: VOCABULARY_REQUESTS }, log);
    this.session = new WorkerSession(workerPath, log);
    this._register({ dispose: () => this.session.dispose() });
    this.opened = open(this.session);
    this.opened.then(
      (summary) => this.settle({ ok: true, summary }),
      (e: unknown) => {
        this.log(`Vocabulary panel: ${errorText(e)}`);
        this.settle({ ok: false, message: errorText(e) });
      },
    );
  }

  /** Resolves once the tables are open (true) or failed to open (false). */
  async whenOpened(): Promise<boolean> {
    return this.opened.then(
      () => true,
      () => false,
    );
  }

  private settle(outcome: NonNullable<VocabularyPanel['outcome']>): void {
    this.outcome = outcome;
    if (this.isReady) this.sendOutcome();
  }

  private sendOutcome(): void {
    const o = this.outcome;
    if (!o) return;
    if (o.ok) {
      const { tableId: _tableId, ...summary } = o.summary;
      this.post({ type: 'init', summary, source: this.source! });
    } else {
      this.post({ type: 'failed', message: o.message, source: this.source });
    }
  }

  protected onReady(): void {
    this.sendOutcome();
  }

  protected onMessage(m: VocabularyToHost): void {
    if (m.type === 'cspViolation') this.log(`CSP violation in the vocabulary panel: ${m.directive} ${m.blockedURI}`);
  }

  protected override async onRequest(m: VocabularyToHost): Promise<unknown> {
    const { tableId } = await this.opened;
    switch (m.type) {
      case 'rows':
        return this.session.request({ type: 'seq2seq.vocabularyRows', tableId, side: m.side, query: m.query });
      case 'coverage':
        return this.session.request({ type: 'seq2seq.vocabularyCoverage', tableId, minCount: m.minCount });
      default:
        throw new Error(`${m.type} is not a request`);
    }
  }
}
