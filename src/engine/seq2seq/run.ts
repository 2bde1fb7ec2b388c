/**
 * The seq2seq flow end to end, shared by the CLI and (later) the extension: read the sentence
 * pairs, build the vocabularies, split off the test pairs, train the GRU encoder-decoder, measure
 * greedy translations (token accuracy, exact match, corpus BLEU-4), and save or load the whole
 * thing as a folder.
 *
 * Two training modes:
 *  - iterations (the course's lab 11-5): each step draws `batchSize` random training pairs. With
 *    batch size 1 the loss is the SUM over the target tokens of the per-token NLL, as the course
 *    backpropagates it; the value reported (events, finalLoss) is that sum / target length, as the
 *    course records it. Progress is reported every 1,000 steps (the course's print_every).
 *  - epochs: passes over the shuffled training pairs in mini-batches; the loss is the mean over
 *    the batch's real target tokens.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backend';
import { RnnLabError } from '../errors';
import { readPairsFile, normalizeSentence, type SentencePair } from '../data/pairs';
import { Vocab, EOS, SPECIAL_TOKENS, UNK } from '../data/vocab';
import { Seq2Seq, makeBatch, type PairIds, type Seq2SeqBatch, type Seq2SeqConfig } from '../models/seq2seq';
import { train, type TrainTask } from '../train/trainer';
import { directStep, directStepApplies } from '../models/seq2seqStep';
import type { RunControl, TrainEvent } from '../train/events';
import { translationAccuracy, corpusBleu } from '../metrics';
import { Rng } from '../random';
import { SEQ2SEQ_REPORT_EVERY, type Seq2SeqFileCheck } from '../../shared/seq2seq';
import { loadModel, saveModel } from '../models/folder';
import { fitsMemory, gib, largestFitting, modelBytes, seq2seqBatchBytes, seq2seqParams } from '../models/budget';
import { SOURCE_VOCAB_FILE, TARGET_VOCAB_FILE, TRANSLATOR, type SavedTranslator } from './model';
import { badOption, resolveOptions } from '../options';
import { opt } from '../../shared/errors';
import { say } from '../../shared/said';
import { SEQ2SEQ_OPTIONS } from '../../shared/options/seq2seq';
import {
  AUTO_TEST_MIN_PAIRS,
  type Seq2SeqOptions,
  type Seq2SeqResult,
  type Seq2SeqSample,
  type Translation,
  type TranslationMetrics,
} from './types';

/** Steps per progress report in iteration mode (the course's print_every). */
export const REPORT_EVERY = SEQ2SEQ_REPORT_EVERY;
/** Adam's learning rate in the kor-eng bench, offered when an Adam run diverges. */
const ADAM_LR = 0.001;
/** Sentences decoded together when measuring. */
const DECODE_BATCH = 64;
/** Samples kept in the result. */
const RESULT_SAMPLES = 10;
/** Live samples: the first PROBES measured pairs every time, plus RANDOM_SAMPLES others drawn afresh each time. */
const PROBES = 4;
const RANDOM_SAMPLES = 2;
/** Live metrics are measured on at most this many of the measured pairs, so they stay cheap on a big file; the final ones on all. */
const LIVE_MEASURE_MAX = 1000;

/** How the extension follows a run beyond the trainer's events. */
export interface Seq2SeqControl extends RunControl<Seq2SeqSample> {
  /** Called once the model is built: the translator as training leaves it at each moment (Try a sentence). Valid until the run is disposed. */
  onTranslator?(translator: Translator): void;
  /** Measure the held-out pairs' teacher-forced loss after each epoch (a second loss curve; off in the CLI, whose timings it would change). */
  heldOutLoss?: boolean;
}

/** Every option checked against the seq2seq table (src/shared/options/seq2seq.ts), so a typo fails at once instead of deep in training. */
export function resolveSeq2SeqOptions(options: Partial<Seq2SeqOptions>): Seq2SeqOptions {
  return resolveOptions<Seq2SeqOptions>(SEQ2SEQ_OPTIONS, options);
}

/**
 * Refuse a model or a training batch that would not fit in memory before anything is allocated;
 * the fix is a smaller batch or hidden size that fits by the same estimate.
 */
function checkMemory(name: string, o: Seq2SeqOptions, c: Seq2SeqConfig, trainPairs: number): void {
  const pairs = Math.min(o.batchSize, trainPairs);
  const fits = (cc: Seq2SeqConfig, b: number) => fitsMemory(seq2seqParams(cc), seq2seqBatchBytes(b, o.targetMaxLength, cc));
  if (fits(c, pairs)) return;
  const model = modelBytes(seq2seqParams(c));
  const batch = seq2seqBatchBytes(pairs, o.targetMaxLength, c);
  const bs = largestFitting(pairs - 1, (b) => fits(c, b));
  const hidden = largestFitting(o.hidden - 1, (h) => fits({ ...c, hidden: h }, pairs));
  const [hint, suggest] =
    bs > 0
      ? [say('Use smaller batches: {0} pairs fit.', opt('batchSize', bs)), { option: 'batchSize', value: bs }]
      : hidden > 0
        ? [say('Use a smaller hidden size: {0} fits.', opt('hidden', hidden)), { option: 'hidden', value: hidden }]
        : [say('Use fewer words: a higher {0}, or shorter pairs ({1}).', opt('minCount'), opt('targetMaxLength')), undefined];
  const sizes = [o.hidden, c.sourceVocab, c.targetVocab, pairs].map((n) => n.toLocaleString('en')).concat([gib(model + batch), gib(model), gib(batch)]);
  throw new RnnLabError(
    'BAD_OPTION',
    pairs > 1
      ? say('A translator with hidden size {0} and vocabularies of {1} and {2} words, trained on batches of {3} pairs, would need about {4} (weights and optimiser {5}, batch {6}).', ...sizes)
      : say('A translator with hidden size {0} and vocabularies of {1} and {2} words, trained on batches of {3} pair, would need about {4} (weights and optimiser {5}, batch {6}).', ...sizes),
    hint,
    { file: name },
    { suggest },
  );
}

/** Python's round(): halves to even, so the split sizes match the reference scripts. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

export interface Seq2SeqData {
  sourceVocab: Vocab;
  targetVocab: Vocab;
  train: PairIds[];
  test: PairIds[];
  /** The text of the test pairs (or the training pairs when measuredOn is 'train'), for samples. */
  measured: { ids: PairIds; pair: SentencePair }[];
  measuredOn: 'test' | 'train';
  pairs: number;
  testFraction: number;
}

/**
 * Vocabularies over all kept pairs (as the course and the reference do), then a seeded shuffle and
 * the first round(n · testFraction) pairs held out.
 */
export function prepareSeq2SeqData(pairs: SentencePair[], o: Seq2SeqOptions, heldOut?: { file: string; pairs: SentencePair[] }): Seq2SeqData {
  const sourceVocab = Vocab.build(pairs.map((p) => p.source), { minCount: o.minCount });
  const targetVocab = Vocab.build(pairs.map((p) => p.target), { minCount: o.minCount });
  const items = pairs.map((pair) => ({ pair, ids: { source: sourceVocab.encode(pair.source), target: targetVocab.encode(pair.target) } }));
  if (heldOut) return splitByHeldOut(items, heldOut, sourceVocab, targetVocab);
  const fraction = o.testFraction ?? (pairs.length >= AUTO_TEST_MIN_PAIRS ? 0.1 : 0);
  const shuffled = fraction > 0 ? new Rng(o.seed + 1).shuffle(items.slice()) : items;
  const nTest = roundHalfEven(pairs.length * fraction);
  if (fraction > 0 && (nTest < 1 || nTest >= pairs.length)) {
    throw badOption(
      say('{0} of {1} pairs leaves {2} test and {3} training pairs.', opt('testFraction', fraction), pairs.length, nTest, pairs.length - nTest),
      say('Use {0} to measure on the training pairs (as the course does), or a file with more pairs.', opt('testFraction', 0)),
      { option: 'testFraction', suggest: { option: 'testFraction', value: 0 } },
    );
  }
  const test = shuffled.slice(0, nTest);
  const trainItems = shuffled.slice(nTest);
  const measured = nTest > 0 ? test : trainItems;
  return {
    sourceVocab,
    targetVocab,
    train: trainItems.map((x) => x.ids),
    test: test.map((x) => x.ids),
    measured,
    measuredOn: nTest > 0 ? 'test' : 'train',
    pairs: pairs.length,
    testFraction: fraction,
  };
}

/** Test set = the held-out file's pairs, each matched to one occurrence among the pairs (in order). */
function splitByHeldOut(
  items: { pair: SentencePair; ids: PairIds }[],
  heldOut: { file: string; pairs: SentencePair[] },
  sourceVocab: Vocab,
  targetVocab: Vocab,
): Seq2SeqData {
  const key = (p: SentencePair) => `${p.source.join(' ')}\t${p.target.join(' ')}`;
  const wanted = new Map<string, number>();
  for (const p of heldOut.pairs) wanted.set(key(p), (wanted.get(key(p)) ?? 0) + 1);
  const test: typeof items = [];
  const train: typeof items = [];
  for (const item of items) {
    const k = key(item.pair);
    const n = wanted.get(k) ?? 0;
    if (n > 0) {
      wanted.set(k, n - 1);
      test.push(item);
    } else {
      train.push(item);
    }
  }
  const missing = [...wanted.values()].reduce((a, b) => a + b, 0);
  if (missing > 0 || train.length === 0) {
    throw badOption(
      train.length === 0
        ? say("{0} of the {1} pairs in {2} are not among the training file's pairs, and no training pairs would remain.", missing, heldOut.pairs.length, heldOut.file)
        : say("{0} of the {1} pairs in {2} are not among the training file's pairs.", missing, heldOut.pairs.length, heldOut.file),
      say('The test file must hold pairs taken from the training file (after the same length filters).'),
    );
  }
  return {
    sourceVocab,
    targetVocab,
    train: train.map((x) => x.ids),
    test: test.map((x) => x.ids),
    measured: test,
    measuredOn: 'test',
    pairs: items.length,
    testFraction: test.length / items.length,
  };
}

/**
 * The course's loss with the course's bookkeeping: differentiate the SUM of per-token NLL
 * (lab 11-5's `loss.backward()` on the sum), but report it per token (sum / target tokens), as it
 * records `loss.item() / target_length`. The gradient passed down is the one the sum would get:
 * dy itself, not dy / tokens (the reported value's) — nor dy · tokens, which the first version
 * returned, training with the learning rate times the target length.
 */
export function sumGradientPerTokenValue(sum: tf.Scalar, tokens: number): tf.Scalar {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.div(args[0] as tf.Tensor, tokens),
    gradFunc: (dy: tf.Tensor) => tf.clone(dy),
  }));
  return op(sum as tf.Tensor) as tf.Scalar;
}

interface Step {
  batch: Seq2SeqBatch;
  teacherForced: boolean;
}

/** Mean teacher-forced NLL per real target token over `items` (no gradient). */
function meanLoss(model: Seq2Seq, items: readonly PairIds[]): number {
  let sum = 0;
  let tokens = 0;
  for (let k = 0; k < items.length; k += DECODE_BATCH) {
    const batch = makeBatch(items.slice(k, k + DECODE_BATCH));
    const l = model.loss(batch, { teacherForced: true, reduction: 'sum' });
    sum += l.dataSync()[0];
    l.dispose();
    tokens += batch.tokens;
  }
  return tokens > 0 ? sum / tokens : NaN;
}

interface TaskHooks {
  samples: (epoch: number) => Seq2SeqSample[];
  evaluate: (epoch: number) => Record<string, number>;
  heldOutLoss: boolean;
}

function makeTask(model: Seq2Seq, data: Seq2SeqData, o: Seq2SeqOptions, hooks: TaskHooks): { task: TrainTask<Step, Seq2SeqSample>; epochs: number } {
  const nTrain = data.train.length;
  const B = Math.min(o.batchSize, nTrain);
  const batchRng = new Rng(o.seed + 2);
  const forceRng = new Rng(o.seed + 3);
  const courseLoss = o.batchSize === 1;
  // Batch 1: every pair's layout is made once.
  const single = courseLoss ? data.train.map((p) => makeBatch([p])) : null;
  const draw = (): boolean => forceRng.next() < o.teacherForcing;
  let epochs: number;
  let batchesPerEpoch: number;
  let epochBatches: (epoch: number) => Iterable<Step>;
  if (o.epochs !== undefined) {
    epochs = o.epochs;
    batchesPerEpoch = Math.ceil(nTrain / B);
    const order = Int32Array.from({ length: nTrain }, (_, i) => i);
    epochBatches = function* () {
      batchRng.shuffle(order);
      for (let k = 0; k < nTrain; k += B) {
        const idx = order.subarray(k, Math.min(nTrain, k + B));
        yield { batch: single ? single[idx[0]] : makeBatch(Array.from(idx, (i) => data.train[i])), teacherForced: draw() };
      }
    };
  } else {
    const chunk = Math.min(REPORT_EVERY, o.iterations);
    epochs = Math.ceil(o.iterations / chunk);
    batchesPerEpoch = chunk;
    epochBatches = function* (epoch: number) {
      const n = Math.min(chunk, o.iterations - epoch * chunk);
      for (let s = 0; s < n; s++) {
        if (single) {
          yield { batch: single[batchRng.int(nTrain)], teacherForced: draw() };
        } else {
          const picked: PairIds[] = [];
          for (let j = 0; j < B; j++) picked.push(data.train[batchRng.int(nTrain)]);
          yield { batch: makeBatch(picked), teacherForced: draw() };
        }
      }
    };
  }
  const task: TrainTask<Step, Seq2SeqSample> = {
    variables: model.variables,
    batchesPerEpoch,
    trainExamples: nTrain,
    validationExamples: hooks.heldOutLoss ? data.test.length : 0,
    epochBatches,
    // Batch 1: each step counts once (the course's running average of per-pair losses); batched:
    // token-weighted, so an epoch's loss is the mean NLL per real target token.
    sizeOf: (s) => (courseLoss ? 1 : s.batch.tokens),
    loss: (s) => {
      if (!courseLoss) return model.loss(s.batch, { teacherForced: s.teacherForced, reduction: 'mean' });
      return sumGradientPerTokenValue(model.loss(s.batch, { teacherForced: s.teacherForced, reduction: 'sum' }), s.batch.tokens);
    },
    // The same step on kernel memory, without tfjs's per-op overhead (models/seq2seqStep.ts).
    directStep: directStepApplies(model) ? (s, flat) => (s.teacherForced ? directStep(model, s.batch, flat, courseLoss ? 'sumPerToken' : 'mean') : null) : undefined,
    samples: hooks.samples,
    evaluate: hooks.evaluate,
    // ln V per token is a uniform guess over the target words; ten times that is a model gone wrong.
    divergenceLoss: 10 * Math.log(data.targetVocab.size),
  };
  if (hooks.heldOutLoss && data.test.length > 0) task.validationLoss = () => meanLoss(model, data.test);
  return { task, epochs };
}

/** Greedy translations of `items` in batches; ids without <EOS>. */
function decodeAll(model: Seq2Seq, sources: readonly Int32Array[], maxSteps: number): { ids: Int32Array[]; ended: boolean[]; attention?: number[][][] } {
  const ids: Int32Array[] = [];
  const ended: boolean[] = [];
  const attention: number[][][] = [];
  for (let k = 0; k < sources.length; k += DECODE_BATCH) {
    const r = model.greedy(sources.slice(k, k + DECODE_BATCH), maxSteps);
    ids.push(...r.ids);
    ended.push(...r.endedWithEos);
    if (r.attention) attention.push(...r.attention);
  }
  return { ids, ended, attention: model.attention ? attention : undefined };
}

/** Token accuracy, exact match and corpus BLEU-4 of greedy translations against the references. */
export function measureTranslations(model: Seq2Seq, items: readonly PairIds[], maxSteps: number): TranslationMetrics & { predictions: Int32Array[]; ended: boolean[] } {
  const { ids, ended } = decodeAll(model, items.map((p) => p.source), maxSteps);
  return { ...scoreTranslations(items, ids, ended), predictions: ids, ended };
}

/** The metrics of predictions already decoded (ids without <EOS>; `ended` when decoding reached it). */
function scoreTranslations(items: readonly PairIds[], ids: readonly Int32Array[], ended: readonly boolean[]): TranslationMetrics {
  const withEos = (a: ArrayLike<number>, eos: boolean) => {
    const out = new Int32Array(a.length + (eos ? 1 : 0));
    out.set(a as Int32Array);
    if (eos) out[a.length] = EOS;
    return out;
  };
  const acc = translationAccuracy(
    items.map((p) => withEos(p.target, true)),
    ids.map((a, i) => withEos(a, ended[i])),
    EOS,
    UNK,
  );
  // A reference <UNK> matches no n-gram either (-1 is no token id).
  const bleu = corpusBleu(
    items.map((p) => Array.from(p.target, (t) => (t === UNK ? -1 : t))),
    ids.map((a) => Array.from(a)),
  );
  return { tokenAccuracy: acc.tokenAccuracy, exactMatch: acc.exactMatch, bleu, unknownTokens: acc.unknown };
}

/** A trained (or loaded) translator: the model and its vocabularies. */
export class Translator {
  constructor(
    readonly model: Seq2Seq,
    readonly sourceVocab: Vocab,
    readonly targetVocab: Vocab,
    readonly maxDecodeSteps: number,
    readonly splitPunctuation: boolean,
  ) {}

  /**
   * Greedy translations of sentences, normalised as the training pairs were (lower-cased, split on
   * spaces). Words missing from the source vocabulary are read as <UNK> and listed in `unknown`.
   */
  translate(sentences: readonly string[]): Translation[] {
    const words = sentences.map((s) => normalizeSentence(s, this.splitPunctuation).filter((w) => w !== ''));
    words.forEach((w, i) => {
      if (w.length === 0) throw badOption(say('Nothing to translate in sentence {0} ("{1}").', i + 1, sentences[i]), say('Give a sentence with at least one word.'));
    });
    const r = decodeAll(this.model, words.map((w) => this.sourceVocab.encode(w)), this.maxDecodeSteps);
    return words.map((w, i) => {
      const t: Translation = {
        source: w.join(' '),
        unknown: [...new Set(w.filter((x) => !this.sourceVocab.has(x)))],
        prediction: this.targetVocab.decode(r.ids[i]).join(' '),
        ids: Array.from(r.ids[i]),
        endedWithEos: r.ended[i],
      };
      if (r.attention) t.attention = r.attention[i];
      return t;
    });
  }

  dispose(): void {
    this.model.dispose();
  }
}

export interface Seq2SeqRun {
  result: Seq2SeqResult;
  translator: Translator;
  /** Save config, weights and both vocabularies into `dir` (atomically). */
  save(dir: string): Promise<void>;
  /** Free the model's tensors. */
  dispose(): void;
}

function pairOptionsOf(o: Seq2SeqOptions) {
  return { sourceMaxLength: o.sourceMaxLength, targetMaxLength: o.targetMaxLength, splitPunctuation: o.splitPunctuation, reverse: o.reverse };
}

/**
 * What the course prints before it trains (pairs read, pairs kept, vocabulary sizes, a random pair),
 * with the split the options give: the setup form shows it, and a file that cannot train fails here.
 */
export async function checkSeq2SeqFile(file: string, options: Partial<Seq2SeqOptions>, control: { displayName?: string } = {}): Promise<Seq2SeqFileCheck> {
  const o = resolveSeq2SeqOptions(options);
  const fileName = control.displayName ?? file;
  const read = await readPairsFile(file, { file: fileName, ...pairOptionsOf(o) });
  const data = prepareSeq2SeqData(read.pairs, o);
  const distinct = (side: 'source' | 'target') => new Set(read.pairs.flatMap((p) => p[side])).size;
  const sourceWords = data.sourceVocab.size - SPECIAL_TOKENS.length;
  const targetWords = data.targetVocab.size - SPECIAL_TOKENS.length;
  const example = read.pairs[new Rng(o.seed + 5).int(read.pairs.length)];
  return {
    fileName,
    pairsRead: read.total,
    pairsKept: read.pairs.length,
    skipped: read.skipped,
    sourceWords,
    targetWords,
    sourceVocab: data.sourceVocab.size,
    targetVocab: data.targetVocab.size,
    sourceUnknown: distinct('source') - sourceWords,
    targetUnknown: distinct('target') - targetWords,
    example: { source: example.source.join(' '), target: example.target.join(' '), line: example.line },
    testFraction: data.testFraction,
    trainPairs: data.train.length,
    testPairs: data.test.length,
  };
}

export async function runSeq2Seq(file: string, options: Partial<Seq2SeqOptions>, control: Seq2SeqControl = {}): Promise<Seq2SeqRun> {
  const o = resolveSeq2SeqOptions(options);
  const backend = await initBackend(o.backend ?? 'auto', o.threads);
  const pairOptions = pairOptionsOf(o);
  const { pairs } = await readPairsFile(file, { file: control.displayName ?? file, ...pairOptions });
  const heldOut = o.testFile ? { file: o.testFile, pairs: (await readPairsFile(o.testFile, pairOptions)).pairs } : undefined;
  const data = prepareSeq2SeqData(pairs, o, heldOut);
  const config: Seq2SeqConfig = { sourceVocab: data.sourceVocab.size, targetVocab: data.targetVocab.size, hidden: o.hidden, attention: o.attention };
  checkMemory(control.displayName ?? file, o, config, data.train.length);
  const model = new Seq2Seq(config, o.seed);
  const translator = new Translator(model, data.sourceVocab, data.targetVocab, o.targetMaxLength, o.splitPunctuation);
  const sampleOf = (k: number, prediction: Int32Array, ended: boolean): Seq2SeqSample => ({
    source: data.measured[k].pair.source.join(' '),
    target: data.measured[k].pair.target.join(' '),
    prediction: data.targetVocab.decode(prediction).join(' '),
    ended,
  });
  // The live metrics and samples read one greedy decoding of the live set per report (the trainer
  // asks for the metrics, then the samples, of the same epoch): the samples are pairs of that set.
  const live = data.measured.slice(0, LIVE_MEASURE_MAX);
  const probes = Array.from({ length: Math.min(PROBES, live.length) }, (_, k) => k);
  const sampleRng = new Rng(o.seed + 4);
  let decoded: { epoch: number; r: ReturnType<typeof decodeAll> } | null = null;
  const decodeLive = (epoch: number) => {
    if (decoded?.epoch !== epoch) decoded = { epoch, r: decodeAll(model, live.map((x) => x.ids.source), o.targetMaxLength) };
    return decoded.r;
  };
  const evaluate = (epoch: number) => {
    const r = decodeLive(epoch);
    return { ...scoreTranslations(live.map((x) => x.ids), r.ids, r.ended) };
  };
  const samples = (epoch: number): Seq2SeqSample[] => {
    const r = decodeLive(epoch);
    const rest = live.length - probes.length;
    const drawn = new Set<number>();
    while (drawn.size < Math.min(RANDOM_SAMPLES, rest)) drawn.add(probes.length + sampleRng.int(rest));
    return [...probes, ...drawn].map((k, j) => {
      const s: Seq2SeqSample = { ...sampleOf(k, r.ids[k], r.ended[k]), kind: j < probes.length ? 'probe' : 'random' };
      if (r.attention) s.attention = r.attention[k];
      return s;
    });
  };
  try {
    control.onTranslator?.(translator);
    const { task, epochs } = makeTask(model, data, o, { samples, evaluate, heldOutLoss: control.heldOutLoss ?? false });
    let steps = 0;
    const onEvent = (e: TrainEvent<Seq2SeqSample>) => {
      if (e.type === 'batchEnd') steps = e.step;
      control.onEvent?.(e);
    };
    const summary = await train(
      task,
      { epochs, optimizer: { name: o.optimizer, lr: o.lr }, usualLr: o.optimizer === 'adam' ? ADAM_LR : SEQ2SEQ_OPTIONS.lr.default, clipNorm: o.clipNorm, sampleEvery: o.sampleEvery, backend },
      { onEvent, signal: control.signal },
    );
    const measured = measureTranslations(model, data.measured.map((m) => m.ids), o.targetMaxLength);
    const { backend: _b, threads: _t, ...savedOptions } = o;
    const result: Seq2SeqResult = {
      backend,
      trainSeconds: summary.seconds,
      finalLoss: summary.finalLoss,
      steps,
      msPerStep: steps > 0 ? (summary.seconds * 1000) / steps : 0,
      pairs: data.pairs,
      trainPairs: data.train.length,
      testPairs: data.test.length,
      sourceVocab: data.sourceVocab.size,
      targetVocab: data.targetVocab.size,
      measuredOn: data.measuredOn,
      test: { tokenAccuracy: measured.tokenAccuracy, exactMatch: measured.exactMatch, bleu: measured.bleu, unknownTokens: measured.unknownTokens },
      // Source, reference and prediction only: the CLI's --json samples keep their three fields.
      samples: measured.predictions.slice(0, RESULT_SAMPLES).map((p, k) => {
        const { ended: _e, ...s } = sampleOf(k, p, measured.ended[k]);
        return s;
      }),
      history: summary.history,
      options: { ...savedOptions, testFraction: data.testFraction },
    };
    const saved: Omit<SavedTranslator, 'kind' | 'version'> = {
      model: config,
      maxDecodeSteps: o.targetMaxLength,
      splitPunctuation: o.splitPunctuation,
      options: result.options,
      source: file,
    };
    return {
      result,
      translator,
      save: (dir) => saveModel(dir, TRANSLATOR, saved, model, { [SOURCE_VOCAB_FILE]: data.sourceVocab.toJSON(), [TARGET_VOCAB_FILE]: data.targetVocab.toJSON() }),
      dispose: () => model.dispose(),
    };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** Load a saved seq2seq folder as a Translator: every field of config.json and the vocabularies is checked first. */
export async function loadTranslator(dir: string): Promise<Translator> {
  const { saved, data, model } = await loadModel(dir, TRANSLATOR);
  return new Translator(model, data.sourceVocab, data.targetVocab, saved.maxDecodeSteps, saved.splitPunctuation);
}

/** Load a saved model, translate sentences, free the model. */
export async function translateWithSaved(dir: string, sentences: readonly string[], options: Pick<Seq2SeqOptions, 'backend' | 'threads'> = {}): Promise<{ backend: string; translations: Translation[] }> {
  const backend = await initBackend(options.backend ?? 'auto', options.threads);
  const t = await loadTranslator(dir);
  try {
    return { backend, translations: t.translate(sentences) };
  } finally {
    t.dispose();
  }
}
