/** How seq2seq runs read in the Runs tree: the headline figures, held-out token accuracy and BLEU. */
import { t } from '../../core/strings';
import type { RunListing } from '../../runs/store';
import type { RunKindView } from '../../runs/view';

function headline(run: RunListing): string {
  const h = run.run.headline;
  if (typeof h.tokenAccuracy !== 'number' || typeof h.bleu !== 'number') return '';
  const accuracy = (100 * h.tokenAccuracy).toFixed(1);
  const bleu = (100 * h.bleu).toFixed(1);
  return run.run.config.testFraction === 0 ? t('token accuracy {0}% · BLEU {1} (training pairs)', accuracy, bleu) : t('token accuracy {0}% · BLEU {1}', accuracy, bleu);
}

export function seq2seqRunKinds(flow: { openRun(run: RunListing): Promise<void>; rerun(run: RunListing): Promise<void> }): { seq2seq: RunKindView } {
  return {
    seq2seq: { icon: 'symbol-string', summary: headline, open: (run) => flow.openRun(run), rerun: (run) => flow.rerun(run), appliesModel: false },
  };
}
