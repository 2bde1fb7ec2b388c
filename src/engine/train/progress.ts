/**
 * Long loops outside training (forecasting thousands of steps past the last row, decoding a large
 * test set) must not run silent or deaf: a LoopProgress, ticked once per unit of work, yields to
 * the event loop every YIELD_MS so a cancel gets through, stops with CANCELLED when asked, and
 * emits `progress` events once the loop has run for more than a second.
 */
import { RnnLabError } from '../errors';
import { say } from '../../shared/said';
import type { RunControl, TrainEvent } from './events';

/** Yield to the event loop at most this often (as the trainer does). */
const YIELD_MS = 50;
/** Quiet for the first second; then a report at most this often. */
const FIRST_REPORT_MS = 1000;
const REPORT_MS = 250;

export class LoopProgress {
  private readonly t0 = performance.now();
  private lastYield = this.t0;
  private lastReport = -Infinity;

  constructor(
    private readonly control: RunControl,
    private readonly task: Extract<TrainEvent, { type: 'progress' }>['task'],
    private readonly total: number,
  ) {}

  /** `done` units of `total` are finished. */
  async tick(done: number): Promise<void> {
    const now = performance.now();
    if (now - this.t0 > FIRST_REPORT_MS && (now - this.lastReport > REPORT_MS || done === this.total)) {
      this.lastReport = now;
      this.control.onEvent?.({ type: 'progress', task: this.task, done, total: this.total, elapsedSeconds: (now - this.t0) / 1000 });
    }
    if (now - this.lastYield > YIELD_MS) {
      await new Promise<void>((r) => setImmediate(r));
      this.lastYield = performance.now();
    }
    if (this.control.signal?.aborted) throw new RnnLabError('CANCELLED', this.task === 'forecast' ? say('Forecasting was cancelled.') : say('Translating was cancelled.'));
  }
}
