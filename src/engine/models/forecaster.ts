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
import { isWeightData, type StateDict } from '../persist';

export interface ForecasterConfig {
  /** Number of feature columns. */
  inputSize: number;
  hidden: number;
  layers: number;
  seqLength: number;
}

/**
 * Weights by the state_dict names of the course's lab 11-4 model (`self.rnn = nn.LSTM(…)`,
 * `self.fc = nn.Linear(…)`): `rnn.weight_ih_l0`, …, `fc.weight`, `fc.bias`. So a saved
 * model.safetensors loads into the course's Net with `load_state_dict`.
 */
export type { StateDict } from '../persist';

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
    for (const [name, v] of this.rnn.params) out[`rnn.${name}`] = { shape: v.shape, data: v.dataSync().slice() as Float32Array };
    out['fc.weight'] = { shape: this.fc.weight.shape, data: this.fc.weight.dataSync().slice() as Float32Array };
    out['fc.bias'] = { shape: this.fc.bias.shape, data: this.fc.bias.dataSync().slice() as Float32Array };
    return out;
  }

  loadStateDict(sd: StateDict): void {
    const set = (v: tf.Variable, name: string, legacy?: string) => {
      const e = sd[name] ?? (legacy ? sd[legacy] : undefined);
      if (!e || !Array.isArray(e.shape) || e.shape.join(',') !== v.shape.join(',')) {
        throw new Error(`state_dict entry ${name}: expected shape [${v.shape}], got ${e ? `[${e.shape}]` : 'nothing'}`);
      }
      if (!isWeightData(e.data, v.size)) throw new Error(`state_dict entry ${name}: expected ${v.size} finite numbers`);
      const t = tf.tensor(Float32Array.from(e.data), v.shape);
      v.assign(t);
      t.dispose();
    };
    // Model format 1 named the LSTM `lstm.`.
    for (const [name, v] of this.rnn.params) set(v, `rnn.${name}`, `lstm.${name}`);
    set(this.fc.weight, 'fc.weight');
    set(this.fc.bias, 'fc.bias');
  }

  dispose(): void {
    this.rnn.dispose();
    this.fc.dispose();
  }
}
