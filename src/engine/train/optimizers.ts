/**
 * Optimisers that update every parameter in one SIMD pass.
 *
 * tfjs's own Adam spends ~10 small ops per variable per step (≈1.3 ms for a 6-variable LSTM on
 * wasm), more than the whole fused forward and backward pass of lab 11-4. Here the parameters are
 * mirrored in one flat block of kernel memory beside Adam's moments; a step copies the gradients in
 * (or finds them there, from a direct step), runs one kernel call, and assigns the new values back
 * to the tf.Variables, at once or, for direct steps, when the trainer asks (writeBack).
 *
 * The formulas are torch.optim.Adam's and torch.optim.SGD's, so the same seed and data give the
 * same trajectory as PyTorch up to float rounding.
 */
import * as tf from '@tensorflow/tfjs-core';
import { kernels, type Block } from '../kernels/wasm';
import { overwrite, peek } from '../kernels/tensorIO';
import { gemmPool } from '../kernels/parallel';
import { RnnLabError } from '../errors';
import { opt, text } from '../../shared/errors';

import type { OptimizerName } from '../../shared/names';
export type { OptimizerName } from '../../shared/names';

export interface OptimizerConfig {
  name: OptimizerName;
  lr: number;
  /** Adam β1. */
  beta1?: number;
  /** Adam β2. */
  beta2?: number;
  /** Adam ε. */
  eps?: number;
  /** L2 penalty added to the gradient, as torch.optim does. */
  weightDecay?: number;
}

export interface StepInfo {
  /** Global L2 norm of the gradient before clipping. */
  gradNorm: number;
  /** True when the gradient was scaled down to clipNorm. */
  clipped: boolean;
}

/** Byte pointers of a variable's values and of its gradient in the optimiser's flat blocks. */
export interface FlatParameters {
  param(v: tf.Variable): number;
  grad(v: tf.Variable): number;
}

export class FusedOptimizer {
  readonly config: Required<OptimizerConfig>;
  private readonly vars: tf.Variable[];
  private readonly offsets: number[] = [];
  private readonly total: number;
  private params: Block;
  private grads: Block;
  private m: Block | null = null;
  private v: Block | null = null;
  private step = 0;
  private synced = false;
  /** True when the flat block holds values the tf.Variables do not have yet (see writeBack). */
  private stale = false;

  constructor(vars: tf.Variable[], config: OptimizerConfig) {
    if (!(config.lr > 0) || !Number.isFinite(config.lr)) {
      // The flows bound lr by their tables; the optimiser itself takes any positive step (tests drive it to NaN).
      throw new RnnLabError('BAD_OPTION', `Learning rate must be a positive number, got ${config.lr}.`, text`Pass e.g. ${opt('lr', 0.01)}.`, {}, { suggest: { option: 'lr', value: 0.01 } });
    }
    this.config = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, ...config };
    this.vars = vars;
    let total = 0;
    for (const v of vars) {
      this.offsets.push(total);
      total += v.size;
    }
    this.total = total;
    const km = kernels();
    this.params = km.allocBlock(total);
    this.grads = km.allocBlock(total);
    if (this.config.name === 'adam') {
      this.m = km.allocBlock(total);
      this.v = km.allocBlock(total);
    }
  }

  get parameterCount(): number {
    return this.total;
  }

  /** Re-read the variables (call after changing them from outside, e.g. loading weights). */
  sync(): void {
    if (this.stale) throw new Error('FusedOptimizer.sync: the variables are behind the flat block; writeBack() first');
    const km = kernels();
    const p = km.f32(this.params.ptr, this.total);
    this.vars.forEach((v, i) => p.set(v.dataSync() as Float32Array, this.offsets[i]));
    this.synced = true;
  }

  /**
   * Apply one update from `grads` (keyed by variable name, as tf.variableGrads returns them).
   * clipNorm > 0 scales the whole gradient down to that global L2 norm first.
   */
  applyGradients(grads: tf.NamedTensorMap, clipNorm = 0): StepInfo {
    if (!this.synced) this.sync();
    const km = kernels();
    const g = km.f32(this.grads.ptr, this.total);
    const backend = tf.backend();
    this.vars.forEach((v, i) => {
      const t = grads[v.name];
      if (t) g.set(peek(backend, t), this.offsets[i]);
      else g.fill(0, this.offsets[i], this.offsets[i] + v.size);
    });
    return this.update(clipNorm);
  }

  /**
   * The parameters and their gradient in kernel memory, flat in the variables' order, for a
   * training step that computes the gradient there (TrainTask.directStep) and then calls update.
   */
  flat(): FlatParameters {
    if (!this.synced) this.sync();
    const at = new Map(this.vars.map((v, i) => [v, this.offsets[i] * 4]));
    const offset = (v: tf.Variable): number => {
      const o = at.get(v);
      if (o === undefined) throw new Error(`FusedOptimizer.flat: ${v.name} is not one of the optimised variables`);
      return o;
    };
    return { param: (v) => this.params.ptr + offset(v), grad: (v) => this.grads.ptr + offset(v) };
  }

  /**
   * Apply one update from the gradient already in the flat gradient block (see applyGradients).
   * With `writeBack` false the tf.Variables keep their old values until writeBack() (a training
   * loop whose steps read the flat block alone, writing them at the points where anything else
   * reads the model: the write-back was 40–50 µs of lab 11-4's 0.73 ms step).
   */
  update(clipNorm = 0, writeBack = true): StepInfo {
    if (!this.synced) this.sync();
    const km = kernels();
    const gradNorm = Math.sqrt(km.k.sumSquares(this.grads.ptr, this.total));
    let clipped = false;
    if (clipNorm > 0 && gradNorm > clipNorm) {
      // torch.nn.utils.clip_grad_norm_: scale by max_norm / (norm + 1e-6)
      km.k.scale(this.grads.ptr, this.total, clipNorm / (gradNorm + 1e-6));
      clipped = true;
    }
    this.step++;
    const c = this.config;
    if (c.name === 'adam') {
      const bc1 = 1 - Math.pow(c.beta1, this.step);
      const bc2 = 1 - Math.pow(c.beta2, this.step);
      gemmPool().adam(this.params.ptr, this.grads.ptr, this.m!.ptr, this.v!.ptr, this.total, c.lr, c.beta1, c.beta2, c.eps, bc1, bc2, c.weightDecay);
    } else {
      km.k.sgd(this.params.ptr, this.grads.ptr, this.total, c.lr, c.weightDecay);
    }
    this.stale = true;
    if (writeBack) this.writeBack();
    return { gradNorm, clipped };
  }

  /** Bring the tf.Variables up to the flat block after updates that deferred it (a no-op otherwise). */
  writeBack(): void {
    if (!this.stale) return;
    const p = kernels().f32(this.params.ptr, this.total);
    this.vars.forEach((v, i) => overwrite(v, p.subarray(this.offsets[i], this.offsets[i] + v.size)));
    this.stale = false;
  }

  dispose(): void {
    const km = kernels();
    for (const b of [this.params, this.grads, this.m, this.v]) if (b) km.releaseBlock(b);
    this.m = this.v = null;
  }
}
