/**
 * Lab 11-5's model: a GRU encoder-decoder that translates word sequences.
 *
 *   Encoder: Embedding(V_src, H) → GRU(H, H); its final hidden state starts the decoder.
 *   Decoder: Embedding(V_tgt, H) → GRU(H, H) → [Luong attention] → Linear(H, V_tgt) → log-softmax.
 *
 * As in the course (and unlike the PyTorch tutorial it came from) there is no ReLU after the
 * decoder's embedding; sources end with <EOS>; the decoder reads [<SOS>] + target and is scored
 * on target + [<EOS>].
 *
 * Speed comes from doing per batch what PyTorch does per token, in packed form:
 *  - the batch is sorted by source length in JS, so the encoder's packed layout needs no
 *    permutation, and the word ids are laid out in packed order in JS, so each embedding lookup is
 *    ONE gather that directly yields the GRU's packed input;
 *  - with teacher forcing the decoder runs over the whole target at once: one packed GRU call, then
 *    the projection over all real target rows and the softmax cross-entropy in one fused op;
 *  - the packed layout has no PAD rows at all, so PAD never reaches the loss ("PAD masked out").
 */
import * as tf from '@tensorflow/tfjs-core';
import { RNN } from '../nn/rnn';
import { packLayout, paddedRowsForPacked, type PackLayout } from '../packing';
import { LinearT } from './linearT';
import { LuongAttention, type AttentionMemory } from './attention';
import { softmaxCrossEntropy } from '../kernels/xent';
import { projectedCrossEntropy } from '../kernels/projection';
import { Rng } from '../random';
import { EOS, SOS } from '../data/vocab';
import { isWeightData, type StateDict } from '../persist';
import { MAX_DECODE_STEPS, type AttentionKind } from '../seq2seq/types';
import { RnnLabError } from '../errors';
import { greedyOnKernels, greedySteps, recordGreedyStep, type GreedySteps } from './seq2seqGreedy';
import { directStepApplies } from './seq2seqStep';

export interface Seq2SeqConfig {
  /** Source vocabulary size (specials included). */
  sourceVocab: number;
  /** Target vocabulary size (specials included). */
  targetVocab: number;
  hidden: number;
  attention: AttentionKind;
}

/** One training pair as word ids, without <SOS>/<EOS>. */
export interface PairIds {
  source: Int32Array;
  target: Int32Array;
}

/**
 * A batch laid out for the packed GRUs; plain typed arrays, no tensors. Batch position b is the
 * b-th pair after sorting by source length (descending, stable); decoder position k is the k-th
 * after sorting by target length.
 */
export interface Seq2SeqBatch {
  size: number;
  /** Batch position → index in the pairs given to makeBatch. */
  order: Int32Array;
  /** Source ids + <EOS>, packed time-major [Ns]. */
  sourceIds: Int32Array;
  /** Encoder layout: already sorted, identity permutation. Lengths include <EOS>. */
  sourceLayout: PackLayout;
  /** Decoder position → batch position; null when both orders agree. */
  targetPerm: Int32Array | null;
  /** [<SOS>] + target, packed by the decoder layout [Nt]. */
  decoderInputs: Int32Array;
  /** target + [<EOS>], packed the same way [Nt]: the labels of every decoder row. */
  labels: Int32Array;
  /** Decoder layout, in decoder order (identity permutation). Lengths = target words + 1. */
  targetLayout: PackLayout;
  /** Real target tokens (= labels.length): the mean loss's denominator. */
  tokens: number;
}

function isIdentity(p: ArrayLike<number>): boolean {
  for (let i = 0; i < p.length; i++) if (p[i] !== i) return false;
  return true;
}

/** A layout already in sorted order (identity permutations), from non-increasing lengths. */
function sortedLayout(lengths: Int32Array): PackLayout {
  return packLayout(lengths, true);
}

/** Lay a list of pairs out for the packed encoder and decoder (see Seq2SeqBatch). */
export function makeBatch(pairs: readonly PairIds[]): Seq2SeqBatch {
  const B = pairs.length;
  if (B === 0) throw new Error('makeBatch: empty batch');
  // Stable sort by source length, descending (torch.sort(descending=True) as packing uses it).
  const order = Int32Array.from({ length: B }, (_, i) => i).sort((a, b) => pairs[b].source.length - pairs[a].source.length || a - b);
  const srcLen = Int32Array.from(order, (i) => pairs[i].source.length + 1);
  const sourceLayout = sortedLayout(srcLen);
  const sourceIds = new Int32Array(sourceLayout.total);
  for (let t = 0, r = 0; t < sourceLayout.maxLength; t++) {
    for (let b = 0; b < sourceLayout.batchSizes[t]; b++, r++) {
      const s = pairs[order[b]].source;
      sourceIds[r] = t < s.length ? s[t] : EOS;
    }
  }
  const tgtLenByBatch = Int32Array.from(order, (i) => pairs[i].target.length + 1);
  const dec = packLayout(tgtLenByBatch, false);
  const perm = dec.sortedIndices; // decoder position → batch position
  const targetLayout = sortedLayout(Int32Array.from(perm, (b) => tgtLenByBatch[b]));
  const decoderInputs = new Int32Array(targetLayout.total);
  const labels = new Int32Array(targetLayout.total);
  for (let t = 0, r = 0; t < targetLayout.maxLength; t++) {
    for (let k = 0; k < targetLayout.batchSizes[t]; k++, r++) {
      const tg = pairs[order[perm[k]]].target;
      decoderInputs[r] = t === 0 ? SOS : tg[t - 1];
      labels[r] = t < tg.length ? tg[t] : EOS;
    }
  }
  return {
    size: B,
    order,
    sourceIds,
    sourceLayout,
    targetPerm: isIdentity(perm) ? null : perm,
    decoderInputs,
    labels,
    targetLayout,
    tokens: labels.length,
  };
}

/** nn.Embedding's default init, N(0, 1) (Box–Muller on the seeded generator). */
function fillNormal(out: Float32Array, rng: Rng): Float32Array {
  for (let i = 0; i < out.length; i += 2) {
    const u = 1 - rng.next(); // (0, 1]
    const v = rng.next();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

let uid = 0;

function embedding(V: number, H: number, rng: Rng, name: string): tf.Variable {
  const init = tf.tensor2d(fillNormal(new Float32Array(V * H), rng), [V, H]);
  const v = tf.variable(init, true, `${name}_${uid++}`);
  init.dispose();
  return v;
}

export interface TeacherForcedOutput {
  /** [Nt, V] logits of every real target row, packed by the batch's decoder layout. */
  logits: tf.Tensor2D;
  /** Attention decoders: [B, T, S] weights, decoder order (rows past a target's end are padding). */
  attention?: tf.Tensor3D;
}

export interface GreedyResult {
  /** Per input sentence: predicted ids up to (without) <EOS>. */
  ids: Int32Array[];
  /** Per input sentence: whether decoding ended at <EOS> before the step limit. */
  endedWithEos: boolean[];
  /** Attention decoders, per sentence: weights [output step][source position incl. <EOS>]. */
  attention?: number[][][];
}

export type DecoderFeed = 'reference' | 'greedy';

export class Seq2Seq {
  readonly encoderEmbedding: tf.Variable;
  readonly encoder: RNN;
  readonly decoderEmbedding: tf.Variable;
  readonly decoder: RNN;
  /** Output projection H → V, stored transposed (see linearT.ts: the fast matMul path on wasm). */
  readonly out: LinearT;
  readonly attention: LuongAttention | null;

  constructor(readonly config: Seq2SeqConfig, seed: number) {
    const { sourceVocab, targetVocab, hidden: H } = config;
    const rng = new Rng(seed);
    // Creation order = PyTorch's module order, so parameters draw from the generator in that order.
    this.encoderEmbedding = embedding(sourceVocab, H, rng, 'encoder.embedding.weight');
    this.encoder = new RNN({ mode: 'gru', inputSize: H, hiddenSize: H, numLayers: 1 }, rng, 'encoder.gru.');
    this.decoderEmbedding = embedding(targetVocab, H, rng, 'decoder.embedding.weight');
    this.decoder = new RNN({ mode: 'gru', inputSize: H, hiddenSize: H, numLayers: 1 }, rng, 'decoder.gru.');
    this.out = new LinearT(H, targetVocab, rng, 'decoder.out');
    this.attention = config.attention === 'none' ? null : new LuongAttention(config.attention, H, rng);
  }

  get variables(): tf.Variable[] {
    return [
      this.encoderEmbedding,
      ...this.encoder.variables,
      this.decoderEmbedding,
      ...this.decoder.variables,
      ...this.out.variables,
      ...(this.attention ? this.attention.variables : []),
    ];
  }

  private onesLayouts = new Map<number, PackLayout>();

  /** Layout of n sequences of length 1 (one decoder step). */
  private stepLayout(n: number): PackLayout {
    let l = this.onesLayouts.get(n);
    if (!l) {
      l = sortedLayout(new Int32Array(n).fill(1));
      if (this.onesLayouts.size > 256) this.onesLayouts.clear();
      this.onesLayouts.set(n, l);
    }
    return l;
  }

  /**
   * Encoder over a sorted packed batch → final hidden [B, H] (batch order), and the packed outputs
   * [Ns, H] when attention reads them (else null: the fused op then emits only the final state,
   * which spares the slices and their gradients).
   */
  private encode(sourceIds: Int32Array, layout: PackLayout): { output: tf.Tensor | null; h: tf.Tensor } {
    const B = layout.sortedIndices.length;
    const x = tf.gather(this.encoderEmbedding, tf.tensor1d(sourceIds, 'int32')); // [Ns, H], packed
    if (!this.attention) return { output: null, h: this.encoder.forwardPacked(x, layout, undefined, { returnSequences: false }).last };
    const r = this.encoder.forwardPacked(x, layout);
    return { output: r.output, h: tf.reshape(r.h, [B, this.config.hidden]) };
  }

  /** One decoder GRU step for n sentences: x [n, H], h [n, H] → new hidden [n, H]. */
  private decoderStep(x: tf.Tensor, h: tf.Tensor, n: number): tf.Tensor {
    return this.decoder.forwardPacked(x, this.stepLayout(n), { h: tf.reshape(h, [1, n, this.config.hidden]) }, { returnSequences: false }).last;
  }

  /** Encoder state and attention memory, both in decoder order. */
  private start(batch: Seq2SeqBatch): { h0: tf.Tensor; memory: AttentionMemory | null } {
    const enc = this.encode(batch.sourceIds, batch.sourceLayout);
    const perm = batch.targetPerm;
    const h0 = perm ? tf.gather(enc.h, tf.tensor1d(perm, 'int32')) : enc.h; // [B, H], decoder order
    const memory = this.attention && enc.output ? this.attention.memory(enc.output, batch.sourceLayout, perm) : null;
    return { h0, memory };
  }

  /**
   * Teacher forcing: the decoder reads [<SOS>] + target, all steps in one packed GRU call, and one
   * projection over every real row. Call inside tidy (or a gradient function).
   */
  teacherForced(batch: Seq2SeqBatch): TeacherForcedOutput {
    const { features, attention } = this.teacherForcedFeatures(batch);
    return { logits: this.out.apply(features), attention };
  }

  /** The teacher-forced decoder up to the output layer: its input rows [Nt, H] (packed), and attention weights. */
  private teacherForcedFeatures(batch: Seq2SeqBatch): { features: tf.Tensor; attention?: tf.Tensor3D } {
    const H = this.config.hidden;
    const B = batch.size;
    const { h0, memory } = this.start(batch);
    const x = tf.gather(this.decoderEmbedding, tf.tensor1d(batch.decoderInputs, 'int32')); // [Nt, H], packed
    const { output } = this.decoder.forwardPacked(x, batch.targetLayout, { h: tf.reshape(h0, [1, B, H]) }); // [Nt, H]
    if (!this.attention || !memory) return { features: output };
    // Attention over the whole target: pad the decoder rows per sentence, attend, pack back.
    const layout = batch.targetLayout;
    const T = layout.maxLength;
    const rows = paddedRowsForPacked(layout, true, T); // packed row → row of [B·T]
    const index = new Int32Array(B * T).fill(layout.total);
    for (let r = 0; r < rows.length; r++) index[rows[r]] = r;
    const queries = tf.reshape(tf.gather(tf.concat([output, tf.zeros([1, H])], 0), tf.tensor1d(index, 'int32')), [B, T, H]) as tf.Tensor3D;
    const { context, weights } = this.attention.attend(memory, queries); // [B, T, H], [B, T, S]
    const ctx = tf.gather(tf.reshape(context, [B * T, H]), tf.tensor1d(rows, 'int32')); // [Nt, H], packed
    return { features: this.attention.combine(ctx, output), attention: weights };
  }

  /**
   * The decoder step by step (a GRU call with T = 1 per step), fed either the reference tokens or
   * its own previous argmax (no teacher forcing). At step t only the bs[t] sentences whose target
   * is still running take part, so the concatenated logits [Nt, V] line up with batch.labels.
   */
  stepwise(batch: Seq2SeqBatch, feed: DecoderFeed): tf.Tensor2D {
    const H = this.config.hidden;
    const { h0, memory } = this.start(batch);
    const { batchSizes, offsets, maxLength: T } = batch.targetLayout;
    let h = h0; // [n, H], decoder order
    let ids: Int32Array = batch.decoderInputs.subarray(0, batchSizes[0]); // <SOS> for all
    const parts: tf.Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const n = batchSizes[t];
      const hp = h.shape[0] === n ? h : tf.slice(h, [0, 0], [n, H]);
      const x = tf.gather(this.decoderEmbedding, tf.tensor1d(ids.subarray(0, n), 'int32')); // [n, H]
      h = this.decoderStep(x, hp, n); // [n, H]
      let feat = h;
      if (this.attention && memory) {
        const m = LuongAttention.head(memory, n);
        const { context } = this.attention.attend(m, tf.reshape(h, [n, 1, H]) as tf.Tensor3D);
        feat = this.attention.combine(tf.reshape(context, [n, H]), h);
      }
      const logits = this.out.apply(feat); // [n, V]
      parts.push(logits);
      if (t + 1 < T) {
        ids = feed === 'reference' ? batch.decoderInputs.subarray(offsets[t + 1], offsets[t + 2]) : (tf.argMax(logits, 1).dataSync() as Int32Array);
      }
    }
    return (parts.length === 1 ? parts[0] : tf.concat(parts, 0)) as tf.Tensor2D;
  }

  /**
   * Negative log-likelihood of the batch's targets: 'mean' over its real target tokens (the
   * batched mode), or 'sum' (the course's batch-1 loss, a sum of per-token NLLLoss).
   */
  loss(batch: Seq2SeqBatch, opts: { teacherForced: boolean; reduction: 'mean' | 'sum' }): tf.Scalar {
    return tf.tidy(() => {
      if (!opts.teacherForced) return softmaxCrossEntropy(this.stepwise(batch, 'greedy'), batch.labels, opts.reduction);
      // The output layer and the loss in one op: the [Nt, V] logits never leave kernel memory.
      const { weightT, bias } = this.out;
      return projectedCrossEntropy(this.teacherForcedFeatures(batch).features, weightT, bias, batch.labels, opts.reduction);
    });
  }

  /**
   * Greedy decoding of many sentences at once (sources as word ids, without <EOS>): up to maxSteps
   * steps, each sentence stopping at its first <EOS>. No tensors survive the call.
   */
  greedy(sources: readonly Int32Array[], maxSteps: number, via: 'auto' | 'tfjs' = 'auto'): GreedyResult {
    if (!(Number.isInteger(maxSteps) && maxSteps >= 1 && maxSteps <= MAX_DECODE_STEPS)) {
      throw new RnnLabError('BAD_OPTION', `A translation may take 1 to ${MAX_DECODE_STEPS} steps; the decoding limit is ${maxSteps}.`, `Give a decoding limit from 1 to ${MAX_DECODE_STEPS} (the course uses 12).`);
    }
    const n = sources.length;
    const result: GreedyResult = { ids: [], endedWithEos: [] };
    if (n === 0) return result;
    const batch = makeBatch(sources.map((source) => ({ source, target: new Int32Array(0) })));
    const { order, sourceLayout } = batch;
    // Without attention, on kernel memory (models/seq2seqGreedy.ts); RNN_LAB_DIRECT_STEP=off, or
    // via 'tfjs', keeps the tfjs path, the reference.
    const kernelPath = via === 'auto' && directStepApplies(this) && process.env.RNN_LAB_DIRECT_STEP !== 'off';
    const { out, steps, ended, weights } = kernelPath ? { ...greedyOnKernels(this, batch, maxSteps), weights: [] } : this.greedyTf(batch, maxSteps);
    const S = sourceLayout.maxLength;
    const byInput = new Int32Array(n);
    for (let b = 0; b < n; b++) byInput[order[b]] = b;
    if (this.attention) result.attention = [];
    for (let i = 0; i < n; i++) {
      const b = byInput[i];
      const len = steps[b];
      result.ids.push(out.slice(b * maxSteps, b * maxSteps + len));
      result.endedWithEos.push(ended[b] === 1);
      if (result.attention) {
        const srcLen = sourceLayout.lengths[b];
        const rowsOut = Math.min(weights.length, ended[b] ? len + 1 : len); // include the <EOS> step
        const m: number[][] = [];
        for (let s = 0; s < rowsOut; s++) m.push(Array.from(weights[s].subarray(b * S, b * S + srcLen)));
        result.attention.push(m);
      }
    }
    return result;
  }

  /** Seq2Seq.greedy's decoding through tfjs ops (every model; attention weights per step). */
  private greedyTf(batch: Seq2SeqBatch, maxSteps: number): GreedySteps & { weights: Float32Array[] } {
    const H = this.config.hidden;
    const n = batch.size;
    const record = greedySteps(n, maxSteps);
    const weights: Float32Array[] = [];
    tf.tidy(() => {
      const enc = this.encode(batch.sourceIds, batch.sourceLayout);
      const memory = this.attention && enc.output ? this.attention.memory(enc.output, batch.sourceLayout, null) : null;
      let h = tf.keep(enc.h); // [n, H], batch order
      let ids = new Int32Array(n).fill(SOS);
      let running = n;
      for (let s = 0; s < maxSteps && running > 0; s++) {
        const next = tf.tidy(() => {
          const x = tf.gather(this.decoderEmbedding, tf.tensor1d(ids, 'int32')); // [n, H]
          const hn = this.decoderStep(x, h, n); // [n, H]
          let feat = hn;
          if (this.attention && memory) {
            const a = this.attention.attend(memory, tf.reshape(hn, [n, 1, H]) as tf.Tensor3D);
            weights.push(a.weights.dataSync() as Float32Array); // [n, 1, S]
            feat = this.attention.combine(tf.reshape(a.context, [n, H]), hn);
          }
          const arg = tf.argMax(this.out.apply(feat), 1).dataSync() as Int32Array;
          return { hn, arg };
        });
        h.dispose();
        h = next.hn;
        ids = Int32Array.from(next.arg);
        running -= recordGreedyStep(record, ids, s, maxSteps);
      }
      h.dispose();
    });
    return { ...record, weights };
  }

  /**
   * Every parameter by its PyTorch-style name (encoder.embedding.weight, encoder.gru.weight_ih_l0,
   * …, decoder.out.weight, decoder.out.bias), with readers and writers in PyTorch's layout
   * (transposed layers are transposed back).
   */
  private named(): { name: string; shape: number[]; read(): Float32Array; write(d: ArrayLike<number>): void }[] {
    const plain = (name: string, v: tf.Variable) => ({
      name,
      shape: v.shape,
      read: () => v.dataSync() as Float32Array,
      write: (d: ArrayLike<number>) => {
        const t = tf.tensor(Float32Array.from(d), v.shape);
        v.assign(t);
        t.dispose();
      },
    });
    const linear = (prefix: string, l: LinearT) => {
      const out = [{ name: `${prefix}.weight`, shape: [l.outFeatures, l.inFeatures], read: () => l.weightData(), write: (d: ArrayLike<number>) => l.setWeight(d) }];
      if (l.bias) out.push(plain(`${prefix}.bias`, l.bias));
      return out;
    };
    const list = [plain('encoder.embedding.weight', this.encoderEmbedding)];
    for (const [k, v] of this.encoder.params) list.push(plain(`encoder.gru.${k}`, v));
    list.push(plain('decoder.embedding.weight', this.decoderEmbedding));
    for (const [k, v] of this.decoder.params) list.push(plain(`decoder.gru.${k}`, v));
    list.push(...linear('decoder.out', this.out));
    if (this.attention) {
      if (this.attention.attn) list.push(...linear('decoder.attn', this.attention.attn));
      list.push(...linear('decoder.concat', this.attention.concat));
    }
    return list;
  }

  /** The weights under PyTorch's state_dict names and layouts. */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const p of this.named()) out[p.name] = { shape: p.shape, data: p.read().slice() };
    return out;
  }

  loadStateDict(sd: StateDict): void {
    const list = this.named();
    for (const p of list) {
      const e = sd[p.name];
      const size = p.shape.reduce((a, b) => a * b, 1);
      if (!e || !Array.isArray(e.shape) || e.shape.join(',') !== p.shape.join(',')) {
        throw new Error(`state_dict entry ${p.name}: expected shape [${p.shape}], got ${e ? `[${e.shape}]` : 'nothing'}`);
      }
      if (!isWeightData(e.data, size)) throw new Error(`state_dict entry ${p.name}: expected ${size} finite numbers`);
    }
    for (const p of list) p.write(sd[p.name].data);
  }

  dispose(): void {
    this.encoderEmbedding.dispose();
    this.encoder.dispose();
    this.decoderEmbedding.dispose();
    this.decoder.dispose();
    this.out.dispose();
    this.attention?.dispose();
  }
}
