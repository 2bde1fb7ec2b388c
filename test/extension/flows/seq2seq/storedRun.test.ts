// A stored seq2seq run reopened from the Runs tree, as Seq2SeqFlow.openRun builds its panel: the
// run store's files written by RunWriter as the seq2seq worker writes them, read back with readRun
// and readRunSamples, and turned into the panel's state by storedSeq2SeqRunState. A run that
// stopped (cancelled, failed, interrupted) or still trains has no result.json: its curve, held-out
// metrics and sample sets so far, its totals from run.json's config and its status as the phase.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRun, readRunSamples, runIdFor, RunWriter, STALE_MS } from '../../../../src/extension/runs/store';
import { parseSeq2SeqRunState, storedSeq2SeqRunState } from '../../../../src/shared/seq2seqProtocol';
import type { Seq2SeqResult, Seq2SeqSample } from '../../../../src/shared/seq2seq';

async function withRoot(f: (root: string, data: string) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'rnnlab-s2s-stored-'));
  try {
    const data = join(dir, 'pairs.tsv');
    await writeFile(data, 'i am cold.\t나는 추워.\n');
    await f(join(dir, '.rnnlab', 'runs'), data);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

let ids = 0;
/** A run id the panel's state accepts, a new one each call. */
const newId = () => runIdFor(new Date(Date.UTC(2025, 2, 1, 12, 0, ids++)));

/** The course's options as the worker stores them (resolved, by iterations), over `config`. */
const course = (config: Record<string, unknown> = {}) => ({ hidden: 16, iterations: 3000, batchSize: 1, optimizer: 'sgd', lr: 0.01, attention: 'none', testFraction: 0.25, sampleEvery: 1, seed: 0, ...config });

const sample = (prediction: string): Seq2SeqSample => ({ source: 'i am cold.', target: '나는 추워.', prediction, ended: true, kind: 'probe' });

/**
 * Writes a seq2seq run as the worker does for `reports` reports of 1,000 steps (by iterations) or
 * of `perEpoch` steps (by epochs): a metrics line per report with its held-out loss and figures,
 * a samples set per report. The writer is returned still running.
 */
async function trained(root: string, data: string, config: Record<string, unknown>, reports: number, perEpoch = 1000): Promise<RunWriter<'seq2seq'>> {
  const w = await RunWriter.create(root, { kind: 'seq2seq', id: newId(), datasetPath: data, config, seed: 0, backend: 'auto', tfjsVersion: '4.22.0' });
  w.onEvent({ type: 'start', backend: 'wasm', engine: 'WASM SIMD128', epochs: typeof config.epochs === 'number' ? config.epochs : 3, batchesPerEpoch: perEpoch, trainExamples: 3, validationExamples: 1 });
  for (let r = 1; r <= reports; r++) {
    w.onEvent({ type: 'batchEnd', epoch: r, batch: perEpoch, step: r * perEpoch, loss: 1 / r });
    w.onEvent({ type: 'epochEnd', epoch: r, step: r * perEpoch, loss: 1 / r, valLoss: 2 / r, elapsedSeconds: 1.5 * r });
    w.onEvent({ type: 'metrics', epoch: r, values: { tokenAccuracy: 0.2 * r, exactMatch: 0.1 * r, bleu: 0.05 * r } });
    w.onEvent({ type: 'samples', epoch: r, samples: [sample(`guess ${r}`)] });
  }
  await w.flush();
  return w;
}

/** The panel's state of the run in `dir`, read as openRun reads it. */
async function reopened(dir: string, result: Seq2SeqResult | null = null) {
  const { run, metrics } = await readRun(dir);
  const built = storedSeq2SeqRunState(
    { runId: run.id, fileName: 'pairs.tsv', dir, run, lines: metrics, sampleSets: await readRunSamples(dir), result },
    (error) => `Failed: ${error ?? 'the run failed.'} — its curve so far.`,
  );
  assert.equal(built.samplesProblem, null);
  // What the page keeps and the serializer restores: it parses as any page state does.
  assert.deepEqual(parseSeq2SeqRunState(JSON.parse(JSON.stringify(built.state))), built.state);
  return { run, state: built.state };
}

test('a cancelled run (no result.json) opens with its curve, held-out metrics and samples so far, cancelled, its totals from run.json', () =>
  withRoot(async (root, data) => {
    const w = await trained(root, data, course(), 2);
    await w.endWith(Object.assign(new Error('Training was cancelled.'), { code: 'CANCELLED' }));
    assert.equal(existsSync(join(w.dir, 'result.json')), false, 'a cancelled run has no result.json');
    const { run, state } = await reopened(w.dir);
    assert.equal(run.status, 'cancelled');
    assert.deepEqual(state.phase, { kind: 'cancelled' });
    assert.deepEqual(state.loss, [{ step: 1000, value: 1 }, { step: 2000, value: 0.5 }]);
    assert.deepEqual(state.reports, state.loss);
    assert.deepEqual(state.heldOut, [{ step: 1000, value: 2 }, { step: 2000, value: 1 }]);
    assert.deepEqual(state.metrics, [
      { step: 1000, tokenAccuracy: 0.2, exactMatch: 0.1, bleu: 0.05 },
      { step: 2000, tokenAccuracy: 0.4, exactMatch: 0.2, bleu: 0.1 },
    ]);
    assert.deepEqual(state.samples.map((x) => [x.step, x.samples[0].prediction]), [[1000, 'guess 1'], [2000, 'guess 2']], 'every set so far, at its report’s step');
    assert.equal(state.totalSteps, 3000, 'the iterations run.json asked for');
    assert.equal(state.step, 2000);
    assert.equal(state.elapsedSeconds, 3);
    assert.equal(state.courseMode, true);
    assert.equal(state.measuredOn, 'test');
    assert.equal(state.attention, false);
  }));

test('an interrupted run (its worker gone while it trained) opens as interrupted with its metrics so far; by epochs, its steps in all from the first report', () =>
  withRoot(async (root, data) => {
    const w = await trained(root, data, course({ epochs: 5, batchSize: 64, attention: 'general', iterations: 3000 }), 3, 40);
    // The worker died: run.json still says running, its owner a process that cannot exist.
    const runJson = JSON.parse(await readFile(join(w.dir, 'run.json'), 'utf8'));
    await writeFile(join(w.dir, 'run.json'), JSON.stringify({ ...runJson, owner: { pid: 2 ** 22 + 12345 } }));
    const { run, state } = await reopened(w.dir);
    assert.equal(run.status, 'interrupted');
    assert.deepEqual(state.phase, { kind: 'interrupted' });
    assert.deepEqual(state.loss.map((p) => p.step), [40, 80, 120]);
    assert.equal(state.metrics.length, 3);
    assert.deepEqual(state.samples.map((x) => x.step), [40, 80, 120]);
    assert.equal(state.totalSteps, 200, '5 epochs of 40 steps');
    assert.equal(state.step, 120);
    assert.equal(state.courseMode, false);
    assert.equal(state.attention, true);
    await w.end({ status: 'cancelled' });
  }));

test('a failed run says its error; a run still training elsewhere is a snapshot; one without any report yet opens empty', () =>
  withRoot(async (root, data) => {
    const failed = await trained(root, data, course(), 1);
    await failed.endWith(new Error('The loss diverged at step 1200.'));
    assert.deepEqual((await reopened(failed.dir)).state.phase, { kind: 'failed', message: 'Failed: The loss diverged at step 1200. — its curve so far.' });

    const live = await trained(root, data, course(), 1);
    const { state } = await reopened(live.dir);
    assert.deepEqual(state.phase, { kind: 'running' }, 'its writer is alive: still training');
    assert.equal(state.step, 1000);
    await live.end({ status: 'cancelled' });

    const early = await trained(root, data, course({ testFraction: 0 }), 0);
    const later = Date.now() + STALE_MS + 1000;
    const { run, metrics } = await readRun(early.dir, later);
    assert.equal(run.status, 'interrupted');
    const empty = storedSeq2SeqRunState({ runId: run.id, fileName: 'pairs.tsv', dir: early.dir, run, lines: metrics, sampleSets: [], result: null }, () => '').state;
    assert.deepEqual([empty.phase.kind, empty.step, empty.totalSteps, empty.loss.length, empty.samples.length, empty.measuredOn], ['interrupted', 0, 3000, 0, 0, 'train']);
    await early.end({ status: 'cancelled' });
  }));

test('a done run opens with its result: the live metrics, then the final measure and samples, and the earlier sample sets on the slider', () =>
  withRoot(async (root, data) => {
    const w = await trained(root, data, course(), 3);
    const result = {
      backend: 'wasm', trainSeconds: 4.5, finalLoss: 0.33, steps: 3000, msPerStep: 1.5, pairs: 4, trainPairs: 3, testPairs: 1, sourceVocab: 7, targetVocab: 6, measuredOn: 'test',
      test: { tokenAccuracy: 0.75, exactMatch: 0.5, bleu: 0.4, unknownTokens: 0 },
      samples: [{ source: 'i am cold.', target: '나는 추워.', prediction: '나는 추워.' }],
      history: [1, 2, 3].map((epoch) => ({ epoch, loss: 1 / epoch, valLoss: 2 / epoch })),
      options: course(),
    } as unknown as Seq2SeqResult;
    await w.end({ status: 'done', result });
    const { state } = await reopened(w.dir, result);
    assert.deepEqual(state.phase, { kind: 'done', runDir: w.dir, tokenAccuracy: 0.75, exactMatch: 0.5, bleu: 0.4, trainSeconds: 4.5 });
    assert.deepEqual(state.metrics.map((m) => [m.step, m.tokenAccuracy]), [[1000, 0.2], [2000, 0.4], [3000, 0.75]], 'the last point is the final measure, not the last report’s');
    assert.deepEqual(state.samples.map((x) => [x.step, x.samples[0].prediction]), [[1000, 'guess 1'], [2000, 'guess 2'], [3000, '나는 추워.']]);
    assert.equal(state.totalSteps, 3000);
  }));
