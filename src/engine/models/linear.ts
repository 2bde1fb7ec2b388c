import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random';

let uid = 0;

/** torch.nn.Linear: y = x·Wᵀ + b, W [out, in], both ~ U(−1/√in, 1/√in) as PyTorch initialises them. */
export class Linear {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;

  constructor(readonly inFeatures: number, readonly outFeatures: number, rng: Rng, name = 'linear') {
    const bound = 1 / Math.sqrt(inFeatures);
    const w = tf.tensor(rng.fillUniform(new Float32Array(outFeatures * inFeatures), bound), [outFeatures, inFeatures]);
    const b = tf.tensor(rng.fillUniform(new Float32Array(outFeatures), bound), [outFeatures]);
    this.weight = tf.variable(w, true, `${name}.weight_${uid++}`);
    this.bias = tf.variable(b, true, `${name}.bias_${uid++}`);
    tf.dispose([w, b]);
  }

  /** x [..., in] → [..., out] (2-D input). */
  apply(x: tf.Tensor): tf.Tensor {
    return tf.add(tf.matMul(x as tf.Tensor2D, this.weight as tf.Tensor2D, false, true), this.bias);
  }

  get variables(): tf.Variable[] {
    return [this.weight, this.bias];
  }

  dispose(): void {
    this.weight.dispose();
    this.bias.dispose();
  }
}
