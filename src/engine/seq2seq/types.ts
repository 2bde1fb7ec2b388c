/**
 * The seq2seq flow's options and defaults. The shapes live in src/shared/seq2seq.ts, below the
 * engine and the extension; the engine re-exports them so its public API is unchanged, and owns
 * the defaults.
 */
import type { Seq2SeqOptions } from '../../shared/seq2seq';
import { SEQ2SEQ_OPTIONS } from '../../shared/options/seq2seq';
import { engineDefaults } from '../options';
export type { AttentionKind, Seq2SeqOptions, Seq2SeqFileCheck, Seq2SeqResult, Seq2SeqSample, Translation, TranslationMetrics } from '../../shared/seq2seq';

/**
 * The course's lab 11-5 settings, from the seq2seq table (hidden 16, SGD lr 0.01, 5,000 batch-1 iterations, always teacher
 * forcing). For kor-eng.txt the batched bench uses --hidden 256 --epochs N --batch-size 64
 * --optimizer adam --lr 0.001.
 */
export const SEQ2SEQ_DEFAULTS: Readonly<Seq2SeqOptions> = engineDefaults<Seq2SeqOptions>(SEQ2SEQ_OPTIONS);

/**
 * The most tokens a greedy translation may take (decoding stops there when no <EOS> comes): the
 * largest target-max-length a translator is trained with.
 */
export const MAX_DECODE_STEPS = SEQ2SEQ_OPTIONS.targetMaxLength.max;

/** Files with fewer pairs than this default to --test-fraction 0 (the course's four pairs). */
export const AUTO_TEST_MIN_PAIRS = 100;
