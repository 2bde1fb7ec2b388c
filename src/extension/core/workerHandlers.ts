/**
 * The shape of a flow's handlers in the training worker: one function per request type it
 * serves (src/shared/workerProtocol.ts), given what it needs to report and to stop. Types only,
 * so the flows' handler tables and the worker's dispatch agree without importing each other.
 */
import type { TrainEvent } from '../../shared/events';
import type { WireError, WorkerAnswer, WorkerAsk, WorkerRequestType } from '../../shared/workerProtocol';

export interface HandlerContext {
  /** Aborted when the host cancels this request. */
  signal: AbortSignal;
  /** Sends one of the engine's events to the host, tagged with this request's id. */
  onEvent(e: TrainEvent): void;
  /** An error as it crosses to the host (for a save that failed after a run that did not). */
  toWire(e: unknown): WireError;
}

export type WorkerHandlers<T extends WorkerRequestType> = {
  [K in T]: (ask: WorkerAsk<K>, ctx: HandlerContext) => Promise<WorkerAnswer<K>>;
};
