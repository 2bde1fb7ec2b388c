/**
 * The training worker (bundled as dist/worker.js, run in a `worker_threads` Worker). It is the only
 * place the extension loads the engine, so tfjs and the model code never enter the extension
 * host: activation stays fast and the host stays responsive while training runs.
 *
 * One worker serves one session. It is a dispatch table: each flow contributes the handlers of
 * its requests (flows/<flow>/worker.ts), and every request is answered under its own id, so a
 * request in flight is never answered by another's reply.
 */
import { parentPort } from 'node:worker_threads';
import { isRnnLabError } from '../engine/errors';
import type { HostToWorker, WireError, WorkerAsk, WorkerRequestType, WorkerToHost } from '../shared/workerProtocol';
import type { WorkerHandlers } from './core/workerHandlers';
import { forecastHandlers } from './flows/forecast/worker';
import { packingHandlers } from './flows/packing/worker';
import { vocabularyHandlers } from './flows/seq2seq/vocabularyWorker';
import { seq2seqHandlers } from './flows/seq2seq/worker';

const port = parentPort;
if (!port) throw new Error('worker.js must run in a worker thread');

function post(m: WorkerToHost): void {
  port!.postMessage(m);
}

export function toWireError(e: unknown): WireError {
  if (isRnnLabError(e)) {
    return { code: e.code, message: e.message, hint: e.hint, location: { ...e.location }, text: e.toString(), parts: e.parts, option: e.option, suggest: e.suggest };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  return { code: 'INTERNAL', message: err.message, location: {}, text: `Internal error: ${err.message}`, stack: err.stack };
}

/** Every request type, and the flow handler that serves it. */
const handlers: WorkerHandlers<WorkerRequestType> = { ...forecastHandlers, ...packingHandlers, ...vocabularyHandlers, ...seq2seqHandlers };

/** The cancel switch of each request in flight. */
const inFlight = new Map<number, AbortController>();

async function serve(id: number, ask: WorkerAsk): Promise<unknown> {
  const handler = handlers[ask.type] as (ask: WorkerAsk, ctx: Parameters<WorkerHandlers<WorkerRequestType>[WorkerRequestType]>[1]) => Promise<unknown>;
  const abort = new AbortController();
  inFlight.set(id, abort);
  try {
    return await handler(ask, { signal: abort.signal, onEvent: (event) => post({ type: 'event', id, event }), toWire: toWireError });
  } finally {
    inFlight.delete(id);
  }
}

port.on('message', (msg: HostToWorker) => {
  switch (msg.type) {
    case 'request':
      serve(msg.id, msg.ask).then(
        (answer) => post({ type: 'reply', id: msg.id, answer }),
        (e) => post({ type: 'error', id: msg.id, error: toWireError(e) }),
      );
      return;
    case 'cancel':
      inFlight.get(msg.id)?.abort();
      return;
  }
});
