/**
 * The training panel's Export: its samples and metrics as CSV or JSON. Pure (no `vscode`), so the
 * files are tested byte for byte; the host writes them through its save dialog.
 */
import { tokenMarks, type Seq2SeqRunState } from '../../../shared/seq2seqProtocol';

/** RFC 4180 quoting; a cell a spreadsheet would read as a formula (=, +, -, @) is prefixed with '. */
function cell(v: string | number): string {
  if (typeof v === 'number') return String(v);
  const s = /^[=+\-@]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per sample: its step, the metrics measured at that step, the pair, the prediction and its correct tokens. */
export function samplesCsv(s: Seq2SeqRunState): string {
  const rows: (string | number)[][] = [['step', 'token_accuracy', 'exact_match', 'bleu', 'kind', 'source', 'reference', 'prediction', 'correct_tokens', 'reference_tokens']];
  for (const at of s.samples) {
    const m = s.metrics.find((x) => x.step === at.step);
    for (const x of at.samples) {
      const marks = tokenMarks(x);
      const prediction = x.ended === false ? x.prediction : `${x.prediction}${x.prediction ? ' ' : ''}<EOS>`;
      rows.push([at.step, m?.tokenAccuracy ?? '', m?.exactMatch ?? '', m?.bleu ?? '', x.kind ?? '', x.source, x.target, prediction, marks.correct, marks.total]);
    }
  }
  return rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** The metrics curve and every sample set, with what they were measured on. */
export function samplesJson(s: Seq2SeqRunState): string {
  return JSON.stringify({ file: s.fileName, runId: s.runId, measuredOn: s.measuredOn, metrics: s.metrics, samples: s.samples }, null, 2) + '\n';
}
