/**
 * The Train Seq2Seq setup form: presets, the seq2seq table's fields, and what the course prints
 * before training (pairs read and kept, vocabulary sizes, a random pair), recomputed by the engine
 * in the worker as the fields that shape them change. Short-lived (no serializer), like the
 * forecast's form: after a reload the user runs the command again.
 */
import type * as vscode from 'vscode';
import type { Seq2SeqFileCheck } from '../../../shared/seq2seq';
import {
  parseSeq2SeqSetupMessage,
  SEQ2SEQ_SETUP_REQUESTS,
  type HostToSeq2SeqSetup,
  type Seq2SeqFormValues,
  type Seq2SeqSetupToHost,
} from '../../../shared/seq2seqProtocol';
import { t } from '../../core/strings';
import { WebviewPanelBase } from '../../core/webviewPanel';
import { FormError } from '../../core/formError';

export interface Seq2SeqSetupHandlers {
  /** The engine's numbers for these values; rejects with a FormError naming the field. */
  check(values: Seq2SeqFormValues): Promise<Seq2SeqFileCheck>;
  /** Resolves when training started; rejects with a message (a FormError names the field). */
  start(values: Seq2SeqFormValues): Promise<void>;
  vocabulary(values: Seq2SeqFormValues): void;
  onCspViolation(directive: string, blockedURI: string): void;
}

export interface Seq2SeqSetupInit {
  fileName: string;
  check: Seq2SeqFileCheck | null;
  values: Seq2SeqFormValues;
  vocabulary: boolean;
  error?: { message: string; option?: string };
}

export class Seq2SeqSetupPanel extends WebviewPanelBase<HostToSeq2SeqSetup, Seq2SeqSetupToHost> {
  static readonly viewType = 'rnnLab.seq2seqSetup';

  constructor(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    /** What the page draws on (re)load; a hidden webview is rebuilt on reveal, so the host keeps the last values, check and error. */
    private readonly init: Seq2SeqSetupInit,
    private readonly handlers: Seq2SeqSetupHandlers,
    log: (line: string) => void,
  ) {
    super(panel, extensionUri, { page: 'seq2seqSetupPage', documentTitle: t('RNN Lab seq2seq setup'), name: 'seq2seq setup form', parse: parseSeq2SeqSetupMessage, requests: SEQ2SEQ_SETUP_REQUESTS }, log);
  }

  protected onReady(): void {
    const { error, ...rest } = this.init;
    this.post({ type: 'init', ...rest, ...(error ? { error: error.message, option: error.option } : {}) });
  }

  protected override async onRequest(m: Seq2SeqSetupToHost): Promise<Seq2SeqFileCheck> {
    if (m.type !== 'check') throw new Error(`${m.type} is not answered here`);
    this.init.values = m.values;
    try {
      const check = await this.handlers.check(m.values);
      this.init.check = check;
      this.init.error = undefined;
      return check;
    } catch (e) {
      this.init.check = null;
      this.init.error = { message: (e as Error).message, option: e instanceof FormError ? e.option : undefined };
      // The page shows it and marks the field, as after a failed start.
      this.post({ type: 'starting', busy: false, error: this.init.error.message, option: this.init.error.option });
      throw e;
    }
  }

  protected onMessage(m: Seq2SeqSetupToHost): void {
    switch (m.type) {
      case 'start':
        this.init.values = m.values;
        this.init.error = undefined;
        this.post({ type: 'starting', busy: true });
        this.handlers.start(m.values).then(
          () => this.dispose(),
          (e: Error) => {
            this.init.error = { message: e.message, option: e instanceof FormError ? e.option : undefined };
            if (!this.isDisposed) {
              this.reveal();
              this.post({ type: 'starting', busy: false, error: this.init.error.message, option: this.init.error.option });
            }
          },
        );
        return;
      case 'vocabulary':
        this.handlers.vocabulary(m.values);
        return;
      case 'cspViolation':
        this.handlers.onCspViolation(m.directive, m.blockedURI);
        return;
    }
  }
}
