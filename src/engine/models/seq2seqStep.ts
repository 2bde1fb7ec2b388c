/**
 * Lab 11-5's training step without tfjs: the teacher-forced GRU encoder-decoder's forward pass,
 * its loss and its backward pass run straight on kernel memory, reading the weights from the
 * optimiser's flat block and writing the gradient into its gradient block.
 *
 * At the course's size (batch 1, hidden 16, ~10 words) each op does less arithmetic than tfjs
 * spends dispatching it: the profile of 5,000 steps was tfjs's kernel lookup, gradient tape and
 * tensor bookkeeping, plus 10% garbage collection. Every piece here is a kernel the tfjs path
 * calls too (rnnKernels.ts, projection.ts), in the same order on the same operands, and the
 * embeddings' gathers and gradients (a scatter-add of rows in row order, as tfjs's
 * unsortedSegmentSum) are the same arithmetic, so a step gives the tfjs path's bits (tested).
 * One exception: an output layer large enough for the native GEMM runs as one onnxruntime graph
 * (projection.ts's outputLayerRun), within float32 rounding of the kernels the tfjs path uses.
 * The tfjs path (Seq2Seq.loss) stays the reference and serves everything this does not cover:
 * attention, and steps without teacher forcing.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { kernels } from '../kernels/wasm';
import { zeros, gruBackwardRun, gruForwardRun, gruForwardScratch, type GruForwardBuffers } from '../kernels/rnnKernels';
import { outputLayerRun } from '../kernels/projection';
import { crossEntropyScale } from '../kernels/xent';
import type { FlatParameters } from '../train/optimizers';
import type { RNN } from '../nn/rnn';
import type { Seq2Seq, Seq2SeqBatch } from './seq2seq';

/**
 * How the loss is reported and differentiated: 'mean' over the real target tokens (the batched
 * mode), or 'sumPerToken', the course's: the gradient of the sum, reported per token.
 */
export type DirectLoss = 'mean' | 'sumPerToken';

/** out[r] = table[ids[r]], rows of H floats (an embedding lookup). */
export function gatherRows(out: number, table: number, ids: Int32Array, H: number): void {
  const mem = new Float32Array(kernels().sharedMemory.buffer);
  const o = out >> 2, t = table >> 2;
  for (let r = 0; r < ids.length; r++) mem.copyWithin(o + r * H, t + ids[r] * H, t + ids[r] * H + H);
}

/** grad = 0, then grad[ids[r]] += rows[r] in row order (the lookup's gradient, as unsortedSegmentSum). */
function scatterAddRows(grad: number, V: number, rows: number, ids: Int32Array, H: number): void {
  const mem = new Float32Array(kernels().sharedMemory.buffer);
  const g = grad >> 2, x = rows >> 2;
  mem.fill(0, g, g + V * H);
  for (let r = 0; r < ids.length; r++) {
    const o = g + ids[r] * H, i = x + r * H;
    for (let j = 0; j < H; j++) mem[o + j] += mem[i + j];
  }
}

/** Rows permuted: out[k] = src[perm[k]] (inverse false) or out[perm[k]] = src[k] (inverse true). */
function permuteRows(out: number, src: number, perm: Int32Array, H: number, inverse: boolean): void {
  const mem = new Float32Array(kernels().sharedMemory.buffer);
  const o = out >> 2, s = src >> 2;
  for (let k = 0; k < perm.length; k++) {
    const [to, from] = inverse ? [perm[k], k] : [k, perm[k]];
    mem.copyWithin(o + to * H, s + from * H, s + from * H + H);
  }
}

/** A one-layer GRU's four parameters, by PyTorch's names (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0). */
export function gruParams(rnn: RNN): { wih: tf.Variable; whh: tf.Variable; bih: tf.Variable; bhh: tf.Variable } {
  const v = (name: string) => rnn.params.get(name)!;
  return { wih: v('weight_ih_l0'), whh: v('weight_hh_l0'), bih: v('bias_ih_l0'), bhh: v('bias_hh_l0') };
}

/** A one-layer GRU's forward buffers over N packed rows of B sequences, its weights in the flat block. */
function gruBuffers(rnn: RNN, flat: FlatParameters, x: number, h0: number, N: number, B: number, H: number): GruForwardBuffers {
  const w = gruParams(rnn);
  const weights = { wih: flat.param(w.wih), whh: flat.param(w.whh), bih: flat.param(w.bih), bhh: flat.param(w.bhh) };
  return gruForwardScratch(x, weights, h0, kernels().scratch(B * H), N, H);
}

function gruGradients(rnn: RNN, flat: FlatParameters) {
  const w = gruParams(rnn);
  return { dwih: flat.grad(w.wih), dwhh: flat.grad(w.whh), dbih: flat.grad(w.bih), dbhh: flat.grad(w.bhh) };
}

/** True when directStep can train this model: one-layer GRUs and no attention. */
export function directStepApplies(model: Seq2Seq): boolean {
  return model.attention === null && model.encoder.config.numLayers === 1 && model.decoder.config.numLayers === 1;
}

/**
 * One teacher-forced training step's loss (as the tfjs path's Seq2Seq.loss reports it) and the
 * gradient of every variable, written into flat's gradient block. Weights are read from flat's
 * parameter block only: the optimiser updates it, and the tf.Variables catch up later (trainer.ts).
 */
export function directStep(model: Seq2Seq, batch: Seq2SeqBatch, flat: FlatParameters, loss: DirectLoss): number {
  const H = model.config.hidden;
  const V = model.config.targetVocab;
  const B = batch.size;
  const src = batch.sourceLayout, tgt = batch.targetLayout;
  const Ns = src.total, Nt = tgt.total;
  const km = kernels();
  km.beginScratch();

  // Forward: encoder from zeros, its final state (in decoder order) starts the decoder.
  const xs = km.scratch(Ns * H); // [Ns, H] packed
  gatherRows(xs, flat.param(model.encoderEmbedding), batch.sourceIds, H);
  const enc = gruBuffers(model.encoder, flat, xs, zeros(B * H), Ns, B, H);
  gruForwardRun(Ns, H, H, src.batchSizes, enc);
  const perm = batch.targetPerm;
  let h0 = enc.hn; // [B, H]
  if (perm) {
    h0 = km.scratch(B * H);
    permuteRows(h0, enc.hn, perm, H, false);
  }
  const xd = km.scratch(Nt * H); // [Nt, H] packed
  gatherRows(xd, flat.param(model.decoderEmbedding), batch.decoderInputs, H);
  const dec = gruBuffers(model.decoder, flat, xd, h0, Nt, B, H);
  gruForwardRun(Nt, H, H, tgt.batchSizes, dec);

  // The output layer, its loss and its backward products.
  const { weightT, bias } = model.out;
  const scale = crossEntropyScale(batch.labels, Nt, V, loss === 'mean' ? 'mean' : 'sum');
  const dhsDec = km.scratch(Nt * H);
  const total = outputLayerRun(dec.hs, flat.param(weightT), bias ? flat.param(bias) : 0, batch.labels, Nt, H, V, scale, { dx: dhsDec, dwt: flat.grad(weightT), db: bias ? flat.grad(bias) : 0 });
  // Reported as float32, as the tfjs path's scalar is; the course's gradient is the sum's (scale 1).
  const value = loss === 'mean' ? Math.fround(total * scale) : Math.fround(Math.fround(total) / batch.tokens);

  // Backward through the decoder and the encoder.
  const dxd = km.scratch(Nt * H), dh0 = km.scratch(B * H);
  gruBackwardRun(Nt, H, H, tgt.batchSizes, dec, { dhs: dhsDec, dhn: zeros(B * H), dx: dxd, ...gruGradients(model.decoder, flat), dh0 });
  scatterAddRows(flat.grad(model.decoderEmbedding), V, dxd, batch.decoderInputs, H);
  let dhnEnc = dh0;
  if (perm) {
    dhnEnc = km.scratch(B * H);
    permuteRows(dhnEnc, dh0, perm, H, true);
  }
  const dxs = km.scratch(Ns * H);
  gruBackwardRun(Ns, H, H, src.batchSizes, enc, { dhs: zeros(Ns * H), dhn: dhnEnc, dx: dxs, ...gruGradients(model.encoder, flat), dh0: km.scratch(B * H) });
  scatterAddRows(flat.grad(model.encoderEmbedding), model.config.sourceVocab, dxs, batch.sourceIds, H);
  return value;
}

