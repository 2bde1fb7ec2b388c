/**
 * Evaluation metrics. Forecast errors are in the target's original units. Every number returned
 * is finite or null with a reason: a report never shows NaN or Infinity.
 */
import type { ErrorMetrics } from './forecast/types';

export function errorMetrics(actual: ArrayLike<number>, predicted: ArrayLike<number>): ErrorMetrics {
  const n = actual.length;
  if (n === 0 || predicted.length !== n) throw new Error(`errorMetrics: ${n} actual vs ${predicted.length} predicted values`);
  let largest = 0;
  for (let i = 0; i < n; i++) largest = Math.max(largest, Math.abs(actual[i]), Math.abs(predicted[i]));
  if (!Number.isFinite(largest)) throw new Error('errorMetrics: non-finite inputs');
  // Squares of 1e200 overflow and squares of 1e-200 vanish: then sum the errors divided by the
  // largest magnitude (ordinary values are summed as they are, to the last bit).
  const scale = largest > 1e150 || (largest > 0 && largest < 1e-150) ? largest : 1;
  const { se, ae, ape, zeroAt } = errorSums(actual, predicted, scale);
  const out: ErrorMetrics = { rmse: scale * Math.sqrt(se / n), mae: scale * (ae / n), mape: null };
  if (zeroAt >= 0) out.mapeNote = `MAPE is undefined: the actual value of test window ${zeroAt + 1} is 0.`;
  else if (!Number.isFinite(ape)) out.mapeNote = 'MAPE is beyond any number: some actual values are tiny next to the errors.';
  else out.mape = (100 * ape) / n;
  if (!Number.isFinite(out.rmse) || !Number.isFinite(out.mae)) throw new Error('errorMetrics: errors beyond float64');
  return out;
}

/** Squared, absolute and relative errors summed over values divided by `scale`. */
function errorSums(actual: ArrayLike<number>, predicted: ArrayLike<number>, scale: number) {
  let se = 0;
  let ae = 0;
  let ape = 0;
  let zeroAt = -1;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] / scale;
    const d = predicted[i] / scale - a;
    se += d * d;
    ae += Math.abs(d);
    if (actual[i] === 0) {
      if (zeroAt < 0) zeroAt = i;
    } else {
      ape += Math.abs(d / a);
    }
  }
  return { se, ae, ape, zeroAt };
}

/**
 * Translation metrics, as bench/reference/seq2seq_batched.py measures them. Each reference and
 * prediction includes its final <EOS> (a prediction without one simply ended at the step limit).
 * Position i of a sentence is correct when the prediction has the reference's token there; tokens
 * after the prediction's first <EOS> never count. tokenAccuracy = correct / reference tokens;
 * exactMatch = share of sentences whose every reference position is correct, i.e. whose prediction
 * up to its first <EOS> equals the reference. A reference token equal to `unk` (a word the
 * vocabulary left out) is never correct, even against a predicted <UNK>: otherwise a vocabulary
 * of nothing but <UNK> scores as a good translator. `unknown` counts those reference tokens.
 */
export function translationAccuracy(
  references: readonly ArrayLike<number>[],
  predictions: readonly ArrayLike<number>[],
  eos: number,
  unk = -1,
): { tokenAccuracy: number; exactMatch: number; correct: number; total: number; exact: number; unknown: number } {
  if (references.length !== predictions.length) throw new Error(`translationAccuracy: ${references.length} references vs ${predictions.length} predictions`);
  let correct = 0;
  let total = 0;
  let exact = 0;
  let unknown = 0;
  for (let s = 0; s < references.length; s++) {
    const ref = references[s];
    const pred = predictions[s];
    let end = pred.length;
    for (let i = 0; i < pred.length; i++) {
      if (pred[i] === eos) {
        end = i + 1; // the <EOS> itself is compared; whatever follows is not
        break;
      }
    }
    let hits = 0;
    for (let i = 0; i < ref.length; i++) {
      if (ref[i] === unk) unknown++;
      else if (i < end && pred[i] === ref[i]) hits++;
    }
    correct += hits;
    total += ref.length;
    if (hits === ref.length) exact++;
  }
  const n = references.length;
  return { tokenAccuracy: total > 0 ? correct / total : 0, exactMatch: n > 0 ? exact / n : 0, correct, total, exact, unknown };
}

/**
 * Corpus BLEU (Papineni et al. 2002) with uniform weights over 1..maxN-grams (BLEU-4 by default):
 * clipped n-gram matches and candidate n-gram counts are summed over the corpus, then
 * BLEU = BP · exp(mean log p_n), BP = 1 if c > r else exp(1 − r/c), c and r the total candidate
 * and reference lengths. No smoothing: if any p_n is 0 (or the candidates are empty), BLEU is 0.
 * Tokens are compared as given (words, without <EOS>). One reference per sentence.
 */
export function corpusBleu(references: readonly (readonly (string | number)[])[], candidates: readonly (readonly (string | number)[])[], maxN = 4): number {
  if (references.length !== candidates.length) throw new Error(`corpusBleu: ${references.length} references vs ${candidates.length} candidates`);
  const matches = new Array<number>(maxN).fill(0);
  const totals = new Array<number>(maxN).fill(0);
  let c = 0;
  let r = 0;
  const grams = (toks: readonly (string | number)[], n: number) => {
    const m = new Map<string, number>();
    for (let i = 0; i + n <= toks.length; i++) {
      const key = toks.slice(i, i + n).join('\u0001');
      m.set(key, (m.get(key) ?? 0) + 1);
    }
    return m;
  };
  for (let s = 0; s < references.length; s++) {
    const ref = references[s];
    const cand = candidates[s];
    c += cand.length;
    r += ref.length;
    for (let n = 1; n <= maxN; n++) {
      const rg = grams(ref, n);
      for (const [g, k] of grams(cand, n)) matches[n - 1] += Math.min(k, rg.get(g) ?? 0);
      totals[n - 1] += Math.max(0, cand.length - n + 1);
    }
  }
  if (c === 0) return 0;
  let logSum = 0;
  for (let n = 0; n < maxN; n++) {
    if (matches[n] === 0 || totals[n] === 0) return 0;
    logSum += Math.log(matches[n] / totals[n]);
  }
  const bp = c > r ? 1 : Math.exp(1 - r / c);
  return bp * Math.exp(logSum / maxN);
}
