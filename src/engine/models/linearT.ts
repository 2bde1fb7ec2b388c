/**
 * torch.nn.Linear stored transposed, for wide layers (the seq2seq output projection, H → V).
 *
 * tfjs-backend-wasm 4.22 hands only untransposed matMuls to XNNPACK: with transposeA or
 * transposeB it falls back to a loop that is 10–15× slower (measured here: [320,256]·[5431,256]ᵀ
 * 509 ms vs 49 ms for the same product untransposed). tf.matMul's own gradient uses exactly those
 * flags. So the weight is kept as Wᵀ [in, out] and the gradient is written out by hand with plain
 * products only:
 *   y  = x·Wᵀ + b           matMul(x, Wᵀ)
 *   dx = dy·W               matMul(dy, transpose(Wᵀ))     (one [in, out] transpose)
 *   dWᵀ = xᵀ·dy             matMul(transpose(x), dy)      (one [N, in] transpose, small)
 *   db = Σ_rows dy
 * The state dict still holds `weight` as PyTorch's [out, in].
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random';

let uid = 0;

/** y = x·Wᵀ + b over 2-D x [N, in], with Wᵀ [in, out] given directly (bias optional). Differentiable in all inputs. */
export function linearT(x: tf.Tensor, weightT: tf.Tensor, bias: tf.Tensor | null): tf.Tensor2D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xx = args[0] as tf.Tensor2D;
    const wt = args[1] as tf.Tensor2D;
    const b = bias ? (args[2] as tf.Tensor) : null;
    const save = args[bias ? 3 : 2] as tf.GradSaveFunc;
    save([xx, wt]);
    // (The optimiser gives updated variables a fresh tensor id, so the operator tfjs-backend-wasm
    // caches per right operand is rebuilt each step: see tensorIO.overwrite.)
    const y = tf.matMul(xx, wt);
    return {
      value: b ? tf.add(y, b) : y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, swt] = saved;
        const grads = [
          tf.matMul(dy as tf.Tensor2D, tf.transpose(swt) as tf.Tensor2D), // dx [N, in]
          tf.matMul(tf.transpose(sx) as tf.Tensor2D, dy as tf.Tensor2D), // dWᵀ [in, out]
        ];
        // db [out] = Σ_rows dy, as a ones-row product: tf.sum over axis 0 transposes the whole
        // [N, out] gradient first on wasm, which for a 5,431-word vocabulary is the slower way.
        if (b) grads.push(tf.reshape(tf.matMul(tf.ones([1, dy.shape[0] as number]) as tf.Tensor2D, dy as tf.Tensor2D), [dy.shape[1] as number]));
        return grads;
      },
    };
  });
  return (bias ? op(x, weightT, bias) : op(x, weightT)) as tf.Tensor2D;
}

/** torch.nn.Linear(in, out) with the weight stored transposed; same init and the same random draws as models/linear.ts. */
export class LinearT {
  /** Wᵀ [in, out]. */
  readonly weightT: tf.Variable;
  /** null for a layer built with bias: false. */
  readonly bias: tf.Variable | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, rng: Rng, name = 'linear', opts: { bias?: boolean } = {}) {
    const bound = 1 / Math.sqrt(inFeatures);
    // Drawn in PyTorch's [out, in] order, then transposed, so a seed gives Linear's numbers.
    const w = rng.fillUniform(new Float32Array(outFeatures * inFeatures), bound);
    const wt = tf.tensor2d(transpose(w, outFeatures, inFeatures), [inFeatures, outFeatures]);
    this.weightT = tf.variable(wt, true, `${name}.weightT_${uid++}`);
    wt.dispose();
    if (opts.bias === false) {
      this.bias = null;
    } else {
      const bt = tf.tensor1d(rng.fillUniform(new Float32Array(outFeatures), bound));
      this.bias = tf.variable(bt, true, `${name}.biasT_${uid++}`);
      bt.dispose();
    }
  }

  /** x [N, in] → [N, out]. */
  apply(x: tf.Tensor): tf.Tensor2D {
    return linearT(x, this.weightT, this.bias);
  }

  get variables(): tf.Variable[] {
    return this.bias ? [this.weightT, this.bias] : [this.weightT];
  }

  /** PyTorch's weight [out, in], row-major. */
  weightData(): Float32Array {
    return transpose(this.weightT.dataSync() as Float32Array, this.inFeatures, this.outFeatures);
  }

  /** Set the weight from PyTorch's [out, in] layout. */
  setWeight(data: ArrayLike<number>): void {
    const t = tf.tensor2d(transpose(Float32Array.from(data), this.outFeatures, this.inFeatures), [this.inFeatures, this.outFeatures]);
    this.weightT.assign(t);
    t.dispose();
  }

  dispose(): void {
    this.weightT.dispose();
    this.bias?.dispose();
  }
}

/** a [rows, cols] row-major → [cols, rows]. */
function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c];
  return out;
}
