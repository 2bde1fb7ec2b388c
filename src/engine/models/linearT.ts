/**
 * torch.nn.Linear stored transposed (Wᵀ [in, out]), for wide layers: the seq2seq output
 * projection H → V. The products run in the kernel module (kernels/projection.ts), on every core
 * when large; tfjs-backend-wasm would take a 10–15× slower path for the transposed products that
 * tf.matMul's gradient uses. The state dict still holds `weight` as PyTorch's [out, in].
 */
import * as tf from '@tensorflow/tfjs-core';
import { projection } from '../kernels/projection';
import type { Rng } from '../random';

let uid = 0;

/**
 * y = x·Wᵀ + b over 2-D x [N, in], with Wᵀ [in, out] given directly (bias optional). Differentiable
 * in all inputs; runs on the kernel module's GEMM, on every core for large products
 * (kernels/projection.ts).
 */
export function linearT(x: tf.Tensor, weightT: tf.Tensor, bias: tf.Tensor | null): tf.Tensor2D {
  return projection(x, weightT, bias);
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
