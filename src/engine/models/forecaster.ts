/**
 * Lab 11-4's model: an LSTM over a window of rows, and a linear head on the last step's hidden
 * state that predicts the next value of the target column (many-to-one).
 */
import * as tf from '@tensorflow/tfjs-core';
import { RNN } from '../nn/rnn';
import { packLayout, type PackLayout } from '../packing';
import { Linear } from './linear';
import { denseMse } from '../nn/losses';
import { Rng } from '../random';

export interface ForecasterConfig {
  /** Number of feature columns. */
  inputSize: number;
  hidden: number;
  layers: number;
  seqLength: number;
}

/** Weights by PyTorch state_dict name (`lstm.weight_ih_l0`, …, `fc.weight`, `fc.bias`). */
export type StateDict = Record<string, { shape: number[]; data: number[] }>;

export class Forecaster {
  readonly rnn: RNN;
  readonly fc: Linear;

  constructor(readonly config: ForecasterConfig, seed: number) {
    const rng = new Rng(seed);
    this.rnn = new RNN({ mode: 'lstm', inputSize: config.inputSize, hiddenSize: config.hidden, numLayers: config.layers }, rng, 'lstm.');
    this.fc = new Linear(config.hidden, 1, rng, 'fc');
  }

  get variables(): tf.Variable[] {
    return [...this.rnn.variables, ...this.fc.variables];
  }

  private layouts = new Map<number, PackLayout>();

  /** Windows all have seqLength steps: the packed layout is B rows per step, no permutation. */
  private layoutFor(B: number): PackLayout {
    let l = this.layouts.get(B);
    if (!l) {
      l = packLayout(new Int32Array(B).fill(this.config.seqLength), true);
      if (this.layouts.size > 8) this.layouts.clear();
      this.layouts.set(B, l);
    }
    return l;
  }

  /** x [B, T, F] scaled windows (batch-first) → [B] scaled predictions of the target's next value. */
  predict(x: tf.Tensor): tf.Tensor1D {
    const [B, T, F] = x.shape;
    return tf.tidy(() => this.predictPacked(tf.reshape(tf.transpose(x, [1, 0, 2]), [T * B, F]), B));
  }

  /**
   * x [T·B, F] in time-major packed layout (row t·B + b: step t of window b), as
   * WindowSet.fill(…, timeMajor) writes it → [B] predictions. The training path: no gathers.
   */
  predictPacked(x: tf.Tensor, B: number): tf.Tensor1D {
    return tf.tidy(() => {
      const { last } = this.rnn.forwardPacked(x, this.layoutFor(B), undefined, { inputGrad: false, returnSequences: false }); // [B, H]
      return tf.reshape(this.fc.apply(last), [B]) as tf.Tensor1D;
    });
  }

  /** Mean squared error (torch.nn.MSELoss) of packed windows x [T·B, F] against y [B]. */
  lossPacked(x: tf.Tensor, y: tf.Tensor, B: number): tf.Scalar {
    return tf.tidy(() => {
      const { last } = this.rnn.forwardPacked(x, this.layoutFor(B), undefined, { inputGrad: false, returnSequences: false }); // [B, H]
      return denseMse(last, this.fc.weight, this.fc.bias, y); // the head and the loss as one op
    });
  }

  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [name, v] of this.rnn.params) out[`lstm.${name}`] = { shape: v.shape, data: Array.from(v.dataSync()) };
    out['fc.weight'] = { shape: this.fc.weight.shape, data: Array.from(this.fc.weight.dataSync()) };
    out['fc.bias'] = { shape: this.fc.bias.shape, data: Array.from(this.fc.bias.dataSync()) };
    return out;
  }

  loadStateDict(sd: StateDict): void {
    const set = (v: tf.Variable, name: string) => {
      const e = sd[name];
      if (!e || !Array.isArray(e.shape) || e.shape.join(',') !== v.shape.join(',')) {
        throw new Error(`state_dict entry ${name}: expected shape [${v.shape}], got ${e ? `[${e.shape}]` : 'nothing'}`);
      }
      // Checked before making a tensor: tf.tensor would take strings or nulls, and assign would then throw past it.
      if (!Array.isArray(e.data) || e.data.length !== v.size || !e.data.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        throw new Error(`state_dict entry ${name}: expected ${v.size} finite numbers`);
      }
      const t = tf.tensor(e.data, v.shape);
      v.assign(t);
      t.dispose();
    };
    for (const [name, v] of this.rnn.params) set(v, `lstm.${name}`);
    set(this.fc.weight, 'fc.weight');
    set(this.fc.bias, 'fc.bias');
  }

  dispose(): void {
    this.rnn.dispose();
    this.fc.dispose();
  }
}
