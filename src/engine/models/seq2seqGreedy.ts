/**
 * Greedy decoding of a GRU encoder-decoder without attention on kernel memory, as the direct
 * training step (seq2seqStep.ts) trains it: the encoder over the packed sources, then one decoder
 * GRU step, the output layer and an argmax per output word, with the weights copied into kernel
 * memory once per call. Seq2Seq.greedy's tfjs path runs the same kernels (gruForwardRun and the
 * projection's GEMM) on the same operands, but through a tfjs op, a weight copy and a read-back
 * per step and per layer: at the course's size that bookkeeping was the whole cost of the
 * training panel's samples and held-out metrics. Same arithmetic, so the same words (tested).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { kernels } from '../kernels/wasm';
import { gemmPool } from '../kernels/parallel';
import { gruForwardRun, gruForwardScratch, zeros } from '../kernels/rnnKernels';
import { gatherRows, gruParams } from './seq2seqStep';
import { EOS, SOS } from '../data/vocab';
import type { Seq2Seq, Seq2SeqBatch } from './seq2seq';

/** Predicted ids per batch position [b * maxSteps + s], how many before <EOS> (or maxSteps), whether it came. */
export interface GreedySteps {
  out: Int32Array;
  steps: Int32Array;
  ended: Uint8Array;
}

/** The record of greedy decoding for n sentences of at most maxSteps words, nothing decoded yet. */
export function greedySteps(n: number, maxSteps: number): GreedySteps {
  return { out: new Int32Array(n * maxSteps), steps: new Int32Array(n).fill(maxSteps), ended: new Uint8Array(n) };
}

/**
 * Record step s's predicted ids (batch order): a sentence still running takes its word, or ends
 * at its first <EOS>. Returns how many sentences ended at this step.
 */
export function recordGreedyStep(r: GreedySteps, ids: Int32Array, s: number, maxSteps: number): number {
  let endedNow = 0;
  for (let b = 0; b < ids.length; b++) {
    if (r.ended[b] || r.steps[b] < maxSteps) continue;
    if (ids[b] === EOS) {
      r.ended[b] = 1;
      r.steps[b] = s;
      endedNow++;
    } else {
      r.out[b * maxSteps + s] = ids[b];
    }
  }
  return endedNow;
}

/** Index of each row's largest value, the first of equals (as tf.argMax). */
function argMaxRows(p: number, rows: number, cols: number, into: Int32Array): void {
  const m = kernels().f32(p, rows * cols);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    let max = m[r * cols];
    for (let c = 1; c < cols; c++) {
      const v = m[r * cols + c];
      if (v > max) {
        max = v;
        best = c;
      }
    }
    into[r] = best;
  }
}

/**
 * Greedy decoding of `batch`'s sources (batch order), up to maxSteps words each, each sentence
 * stopping at its first <EOS>. Uses kernel scratch: not inside another kernel call.
 */
export function greedyOnKernels(model: Seq2Seq, batch: Seq2SeqBatch, maxSteps: number): GreedySteps {
  const km = kernels();
  const pool = gemmPool();
  const H = model.config.hidden;
  const V = model.config.targetVocab;
  const n = batch.size;
  const src = batch.sourceLayout;

  // The weights (and the decoder's state) in one block for the whole call; scratch per step.
  const { weightT, bias } = model.out;
  const inBlock: tf.Variable[] = [...Object.values(gruParams(model.encoder)), ...Object.values(gruParams(model.decoder)), model.encoderEmbedding, model.decoderEmbedding, weightT, ...(bias ? [bias] : [])];
  const total = inBlock.reduce((s, v) => s + v.size, 0) + n * H;
  const block = km.allocBlock(total, false);
  try {
    const at: number[] = [];
    let offset = 0;
    for (const v of inBlock) {
      at.push(block.ptr + offset * 4);
      km.f32(block.ptr + offset * 4, v.size).set(v.dataSync() as Float32Array);
      offset += v.size;
    }
    const h = block.ptr + offset * 4; // [n, H], batch order
    const gru = (k: number) => ({ wih: at[k], whh: at[k + 1], bih: at[k + 2], bhh: at[k + 3] });
    const [encoderEmbedding, decoderEmbedding, pwt] = at.slice(8, 11);
    const pb = bias ? at[11] : 0;

    // The encoder from zeros over the packed sources; its final states start the decoder.
    km.beginScratch();
    const Ns = src.total;
    const xs = km.scratch(Ns * H);
    gatherRows(xs, encoderEmbedding, batch.sourceIds, H);
    const h0 = zeros(n * H);
    gruForwardRun(Ns, H, H, src.batchSizes, gruForwardScratch(xs, gru(0), h0, h, Ns, H));

    const record = greedySteps(n, maxSteps);
    let ids = new Int32Array(n).fill(SOS);
    const next = new Int32Array(n);
    const one = Int32Array.of(n); // typed, as every batchSizes the kernels see
    let running = n;
    for (let s = 0; s < maxSteps && running > 0; s++) {
      km.beginScratch();
      const x = km.scratch(n * H);
      gatherRows(x, decoderEmbedding, ids, H);
      const hn = km.scratch(n * H);
      gruForwardRun(n, H, H, one, gruForwardScratch(x, gru(4), h, hn, n, H));
      km.f32(h, n * H).set(km.f32(hn, n * H));
      const logits = km.scratch(n * V);
      pool.gemm(logits, V, hn, H, 1, pwt, V, n, H, V, false); // [n, V]
      if (pb) km.k.addRowVector(logits, pb, n, V);
      argMaxRows(logits, n, V, next);
      running -= recordGreedyStep(record, next, s, maxSteps);
      ids = Int32Array.from(next);
    }
    return record;
  } finally {
    km.releaseBlock(block);
  }
}
