/**
 * Luong attention (Luong, Pham & Manning 2015, "global" attention) for the seq2seq decoder.
 *
 * After the decoder GRU has produced its hidden state h_t, score every encoder output s_i of the
 * same sentence (dot: h_tᵀ·s_i; general: h_tᵀ·W_a·s_i), mask the positions past the source's
 * length, softmax into weights a_t, take the context c_t = Σ a_ti·s_i, and feed
 * tanh(W_c·[c_t; h_t] + b_c) to the output projection. Because the scores only read h_t, with
 * teacher forcing the whole target sequence is attended at once, after one packed GRU call.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { PackLayout } from '../packing';
import { LinearT } from './linearT';
import type { Rng } from '../random';

export type LuongScore = 'dot' | 'general';

/** The encoder outputs of a batch, padded per sentence, in the decoder's row order. */
export interface AttentionMemory {
  /** [B, S, H] encoder outputs, zero past each source's length. */
  values: tf.Tensor3D;
  /** [B, S, H] what the scores read: values (dot) or values·W_aᵀ (general). */
  keys: tf.Tensor3D;
  /** [B, 1, S] additive mask: 0 on real source positions, −1e9 past the end. */
  mask: tf.Tensor3D;
  /** Source lengths (incl. <EOS>) in the memory's row order. */
  lengths: Int32Array;
}

export class LuongAttention {
  /** W_a [H, H] (general only), no bias as in Luong et al. */
  readonly attn: LinearT | null;
  /** W_c [H, 2H] and b_c [H]: combines [context; hidden]. */
  readonly concat: LinearT;

  constructor(readonly score: LuongScore, readonly hidden: number, rng: Rng) {
    this.attn = score === 'general' ? new LinearT(hidden, hidden, rng, 'decoder.attn', { bias: false }) : null;
    this.concat = new LinearT(2 * hidden, hidden, rng, 'decoder.concat');
  }

  get variables(): tf.Variable[] {
    return this.attn ? [...this.attn.variables, ...this.concat.variables] : this.concat.variables;
  }

  /**
   * Pad the encoder's packed outputs [Ns, H] (layout sorted, identity permutation) into one padded
   * memory per sentence, reordered by `perm` (decoder row k reads encoder sentence perm[k]; null =
   * the encoder's order), with one gather.
   */
  memory(encoderOutput: tf.Tensor, layout: PackLayout, perm: Int32Array | null): AttentionMemory {
    const H = this.hidden;
    const B = layout.sortedIndices.length;
    const S = layout.maxLength;
    const N = layout.total;
    const lengths = new Int32Array(B);
    const index = new Int32Array(B * S).fill(N); // row N: the zero row appended below
    const mask = new Float32Array(B * S);
    for (let k = 0; k < B; k++) {
      const b = perm ? perm[k] : k;
      const len = layout.lengths[b];
      lengths[k] = len;
      // Sorted layout: sentence b's step s is packed row offsets[s] + b.
      for (let s = 0; s < S; s++) {
        if (s < len) index[k * S + s] = layout.offsets[s] + b;
        else mask[k * S + s] = -1e9;
      }
    }
    return tf.tidy(() => {
      const withZero = tf.concat([encoderOutput, tf.zeros([1, H])], 0);
      const values = tf.reshape(tf.gather(withZero, tf.tensor1d(index, 'int32')), [B, S, H]) as tf.Tensor3D; // [B, S, H]
      const keys = this.attn
        ? (tf.reshape(this.attn.apply(tf.reshape(values, [B * S, H])), [B, S, H]) as tf.Tensor3D) // W_a·s_i
        : values;
      const out = { values, keys, mask: tf.tensor3d(mask, [B, 1, S]), lengths };
      return out as unknown as tf.TensorContainerObject;
    }) as unknown as AttentionMemory;
  }

  /** The first n rows of a memory (the sentences still decoding at a step of a packed batch). */
  static head(m: AttentionMemory, n: number): AttentionMemory {
    const [B, S, H] = m.values.shape;
    if (n === B) return m;
    return {
      values: tf.slice(m.values, [0, 0, 0], [n, S, H]),
      keys: m.keys === m.values ? tf.slice(m.values, [0, 0, 0], [n, S, H]) : tf.slice(m.keys, [0, 0, 0], [n, S, H]),
      mask: tf.slice(m.mask, [0, 0, 0], [n, 1, S]),
      lengths: m.lengths.subarray(0, n),
    };
  }

  /** queries [B, T, H] (decoder hidden states) → context [B, T, H] and weights [B, T, S]. */
  attend(m: AttentionMemory, queries: tf.Tensor3D): { context: tf.Tensor3D; weights: tf.Tensor3D } {
    const scores = tf.add(tf.matMul(queries, m.keys, false, true), m.mask); // [B, T, S]
    const weights = tf.softmax(scores) as tf.Tensor3D; // over S
    const context = tf.matMul(weights, m.values) as tf.Tensor3D; // [B, T, H]
    return { context, weights };
  }

  /** tanh(W_c·[context; hidden] + b_c): [n, H] and [n, H] → [n, H]. */
  combine(context: tf.Tensor, hidden: tf.Tensor): tf.Tensor {
    return tf.tanh(this.concat.apply(tf.concat([context, hidden], 1)));
  }

  dispose(): void {
    this.attn?.dispose();
    this.concat.dispose();
  }
}
