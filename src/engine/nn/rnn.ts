/**
 * Multi-layer LSTM and GRU with PyTorch's semantics: parameter names and shapes of its state_dict
 * (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, …), gate order, default initialisation,
 * batch-first padded input with lengths or a PackedSequence, and final states taken at each
 * sequence's true last step.
 *
 * Each layer is one fused kernel call over the packed rows (src/engine/kernels/rnnKernels.ts), so
 * only valid steps are computed whatever the padding.
 */
import * as tf from '@tensorflow/tfjs-core';
import { lstmLayer, gruLayer } from '../kernels/rnnKernels';
import { packLayout, paddedRowsForPacked, type PackLayout, type PackedSequence } from '../packing';
import { Rng } from '../random';
import { RnnLabError } from '../errors';

export type RnnMode = 'lstm' | 'gru';

export interface RnnConfig {
  mode: RnnMode;
  inputSize: number;
  hiddenSize: number;
  /** Stacked layers; layer k > 0 reads layer k−1's outputs. */
  numLayers: number;
}

export interface RnnState {
  /** [L, B, H], original batch order. */
  h: tf.Tensor;
  /** [L, B, H], LSTM only. */
  c?: tf.Tensor;
}

export interface RnnRunOptions {
  /** False when the input is raw data that needs no gradient: layer 0's backward skips dx. */
  inputGrad?: boolean;
  /**
   * False (Keras's return_sequences=False): compute only the top layer's final hidden state
   * (`last`); `output`, `h` and `c` are not returned. The cheap path for many-to-one models.
   */
  returnSequences?: boolean;
}

export interface RnnOutput extends RnnState {
  /** Per-step outputs of the last layer: [B, T, H] padded with zeros (padded input) or [N, H] packed rows (packed input). */
  output: tf.Tensor;
}

/** forwardPacked with returnSequences false. */
export interface RnnLastOutput {
  /** [B, H] final hidden state of the top layer, original batch order. */
  last: tf.Tensor;
}

function gateCount(mode: RnnMode): number {
  return mode === 'lstm' ? 4 : 3;
}

export class RNN {
  readonly config: RnnConfig;
  /** Parameters under their PyTorch state_dict names. */
  readonly params: Map<string, tf.Variable> = new Map();

  constructor(config: RnnConfig, rng: Rng, namePrefix = '') {
    this.config = { ...config };
    const { mode, inputSize, hiddenSize: H, numLayers } = config;
    if (!(inputSize > 0 && H > 0 && numLayers > 0)) {
      throw new RnnLabError('BAD_OPTION', `RNN sizes must be positive (input ${inputSize}, hidden ${H}, layers ${numLayers}).`);
    }
    const G = gateCount(mode) * H;
    // PyTorch: every weight and bias ~ U(−1/√H, 1/√H).
    const bound = 1 / Math.sqrt(H);
    const make = (name: string, shape: number[]) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const init = tf.tensor(rng.fillUniform(new Float32Array(n), bound), shape);
      this.params.set(name, tf.variable(init, true, `${namePrefix}${name}_${uid++}`));
      init.dispose();
    };
    for (let l = 0; l < numLayers; l++) {
      make(`weight_ih_l${l}`, [G, l === 0 ? inputSize : H]);
      make(`weight_hh_l${l}`, [G, H]);
      make(`bias_ih_l${l}`, [G]);
      make(`bias_hh_l${l}`, [G]);
    }
  }

  get variables(): tf.Variable[] {
    return [...this.params.values()];
  }

  private zeroState: tf.Tensor | null = null;

  /** Zero initial state [B, H], kept between calls (a fresh tf.zeros per step costs an allocation and a fill). */
  private zeros(B: number): tf.Tensor {
    if (!this.zeroState || this.zeroState.shape[0] !== B || this.zeroState.isDisposed) {
      this.zeroState?.dispose();
      this.zeroState = tf.keep(tf.zeros([B, this.config.hiddenSize]));
    }
    return this.zeroState;
  }

  private weights(l: number) {
    const p = (n: string) => this.params.get(`${n}_l${l}`) as tf.Tensor;
    return { wih: p('weight_ih'), whh: p('weight_hh'), bih: p('bias_ih'), bhh: p('bias_hh') };
  }

  /**
   * Run packed rows. data [N, I] time-major packed by `layout`; initial states [L, B, H] in
   * original batch order (zeros when omitted). Returns packed outputs [N, H] and final states
   * [L, B, H] in original batch order. With returnSequences false, only the top layer's final
   * hidden state: { last [B, H] }.
   */
  forwardPacked(data: tf.Tensor, layout: PackLayout, init: Partial<RnnState> | undefined, opts: RnnRunOptions & { returnSequences: false }): RnnLastOutput;
  forwardPacked(data: tf.Tensor, layout: PackLayout, init?: Partial<RnnState>, opts?: RnnRunOptions): RnnOutput;
  forwardPacked(data: tf.Tensor, layout: PackLayout, init?: Partial<RnnState>, opts: RnnRunOptions = {}): RnnOutput | RnnLastOutput {
    const { mode, hiddenSize: H, numLayers: L } = this.config;
    const B = layout.sortedIndices.length;
    // The kernels trust these sizes: a mismatch would read past the data instead of failing.
    if (data.rank !== 2 || data.shape[0] !== layout.total || data.shape[1] !== this.config.inputSize) {
      throw new RnnLabError('BAD_OPTION', `RNN packed input must be [${layout.total}, ${this.config.inputSize}] (rows = sum of batch sizes, input size), got [${data.shape.join(', ')}].`, 'Keep data and batchSizes from the same PackedSequence.');
    }
    // Already sorted (equal lengths, or sorted by the caller): skip the permutation gathers.
    const identity = layout.sortedIndices.every((v, i) => v === i);
    return tf.tidy(() => {
      const sorted = identity ? null : tf.tensor1d(layout.sortedIndices, 'int32');
      const unsorted = identity ? null : tf.tensor1d(layout.unsortedIndices, 'int32');
      const toSorted = (s: tf.Tensor) => (sorted ? tf.gather(s, sorted) : s);
      const toOriginal = (s: tf.Tensor) => (unsorted ? tf.gather(s, unsorted) : s);
      const initial = (s: tf.Tensor | undefined, l: number) =>
        s ? toSorted(L === 1 ? tf.reshape(s, [B, H]) : tf.squeeze(tf.slice(s, [l, 0, 0], [1, B, H]), [0])) : this.zeros(B);
      let x = data;
      const hn: tf.Tensor[] = [];
      const cn: tf.Tensor[] = [];
      const lastOnly = opts.returnSequences === false;
      for (let l = 0; l < L; l++) {
        const w = this.weights(l);
        const layerOpts = { inputGrad: l > 0 || opts.inputGrad !== false, returnSequences: !(lastOnly && l === L - 1) };
        const r =
          mode === 'lstm'
            ? lstmLayer(x, layout.batchSizes, w, initial(init?.h, l), initial(init?.c, l), layerOpts)
            : gruLayer(x, layout.batchSizes, w, initial(init?.h, l), layerOpts);
        if (!layerOpts.returnSequences) return { last: toOriginal(r.hn) } as unknown as tf.TensorContainerObject;
        x = r.hs!;
        hn.push(toOriginal(r.hn));
        if (mode === 'lstm') cn.push(toOriginal((r as { cn?: tf.Tensor }).cn!));
      }
      const stack = (a: tf.Tensor[]) => (a.length === 1 ? tf.expandDims(a[0], 0) : tf.stack(a));
      const out: RnnOutput = { output: x, h: stack(hn) };
      if (mode === 'lstm') out.c = stack(cn);
      return out as unknown as tf.TensorContainerObject;
    }) as unknown as RnnOutput | RnnLastOutput;
  }

  /**
   * Run a batch-first padded input [B, T, I]. `lengths` (original batch order) default to T for
   * every sequence. Returns outputs [B, T, H], zero past each length, and final states [L, B, H].
   */
  forward(x: tf.Tensor, lengths?: ArrayLike<number>, init?: Partial<RnnState>, opts: RnnRunOptions = {}): RnnOutput {
    const [B, T, I] = x.shape;
    if (x.rank !== 3 || I !== this.config.inputSize) {
      throw new RnnLabError('BAD_OPTION', `RNN input must be [batch, time, ${this.config.inputSize}], got [${x.shape.join(', ')}].`);
    }
    if (lengths && lengths.length !== B) {
      throw new RnnLabError('BAD_OPTION', `RNN got ${lengths.length} lengths for a batch of ${B}.`, 'Give one length per sequence.');
    }
    const lens = lengths ?? new Int32Array(B).fill(T);
    const layout = packLayout(lens, false);
    const rows = paddedRowsForPacked(layout, true, T);
    return tf.tidy(() => {
      const data = tf.gather(tf.reshape(x, [B * T, I]), tf.tensor1d(rows, 'int32'));
      const r = this.forwardPacked(data, layout, init, { ...opts, returnSequences: true });
      const output = unpackToPadded(r.output, rows, B, T);
      const out: RnnOutput = { ...r, output };
      return out as unknown as tf.TensorContainerObject;
    }) as unknown as RnnOutput;
  }

  /** Run a PackedSequence; the output is packed the same way. */
  forwardPackedSequence(seq: PackedSequence, init?: Partial<RnnState>, opts: RnnRunOptions = {}): RnnOutput {
    const bs = seq.batchSizes;
    const B = bs[0];
    const sortedIndices = seq.sortedIndices ?? Int32Array.from({ length: B }, (_, i) => i);
    // PyTorch: unsorted_indices = invert_permutation(sorted_indices) when only the latter is given.
    let unsortedIndices = seq.unsortedIndices;
    if (!unsortedIndices) {
      unsortedIndices = new Int32Array(B);
      for (let j = 0; j < B; j++) unsortedIndices[sortedIndices[j]] = j;
    }
    const offsets = new Int32Array(bs.length + 1);
    for (let t = 0; t < bs.length; t++) offsets[t + 1] = offsets[t] + bs[t];
    const lengths = new Int32Array(B);
    for (let t = 0; t < bs.length; t++) for (let j = 0; j < bs[t]; j++) lengths[sortedIndices[j]]++;
    const layout: PackLayout = { batchSizes: bs, offsets, sortedIndices, unsortedIndices, lengths, total: offsets[bs.length], maxLength: bs.length };
    return this.forwardPacked(seq.data, layout, init, { ...opts, returnSequences: true });
  }

  dispose(): void {
    this.zeroState?.dispose();
    this.zeroState = null;
    for (const v of this.params.values()) v.dispose();
    this.params.clear();
  }
}

let uid = 0;

/** Packed rows [N, H] → padded [B, T, H] with zeros, through one gather (differentiable). */
export function unpackToPadded(packed: tf.Tensor, paddedRows: Int32Array, B: number, T: number): tf.Tensor {
  const [N, H] = packed.shape as [number, number];
  const index = new Int32Array(B * T).fill(N); // row N is the zero row appended below
  for (let r = 0; r < paddedRows.length; r++) index[paddedRows[r]] = r;
  return tf.tidy(() => {
    const withZero = tf.concat([packed, tf.zeros([1, H])], 0);
    return tf.reshape(tf.gather(withZero, tf.tensor1d(index, 'int32')), [B, T, H]);
  });
}
