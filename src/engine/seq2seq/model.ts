/**
 * The translator's model folder: config.json (the encoder-decoder's sizes and attention, the
 * decoding limit, how sentences were split, the training options), the two vocabularies and the
 * weights. Its ModelSpec reads every field through one schema and checks the vocabularies against
 * the sizes, so a damaged folder fails on one line that names the file and the field, before
 * anything is allocated.
 */
import { Vocab, SPECIAL_TOKENS } from '../data/vocab';
import { Seq2Seq, type Seq2SeqConfig } from '../models/seq2seq';
import { gib, MODEL_BYTES_LIMIT, modelBytes, seq2seqParams } from '../models/budget';
import type { ModelSpec, SavedBase } from '../models/folder';
import type { Field } from '../schema';
import { SEQ2SEQ_OPTIONS } from '../../shared/options/seq2seq';
import type { Seq2SeqOptions } from './types';
import { say } from '../../shared/said';

export const SOURCE_VOCAB_FILE = 'source_vocab.json';
export const TARGET_VOCAB_FILE = 'target_vocab.json';

export interface SavedTranslator extends SavedBase {
  kind: 'seq2seq';
  model: Seq2SeqConfig;
  /** Greedy decoding limit (the course: target_max_length, 12). */
  maxDecodeSteps: number;
  splitPunctuation: boolean;
  options: Omit<Seq2SeqOptions, 'backend'>;
  source: string;
}

/** Vocabulary sizes past this mean a damaged file (a vocabulary of 16 million words). */
const MAX_VOCAB = 1 << 24;

/** The encoder-decoder's sizes, within the option table's bounds and a memory RNN Lab could have trained in. */
function readSizes(f: Field): Seq2SeqConfig {
  const vocab = (key: string) => f.get(key).int(SPECIAL_TOKENS.length, MAX_VOCAB);
  const c: Seq2SeqConfig = {
    sourceVocab: vocab('sourceVocab'),
    targetVocab: vocab('targetVocab'),
    hidden: f.get('hidden').option(SEQ2SEQ_OPTIONS.hidden),
    attention: f.get('attention').option(SEQ2SEQ_OPTIONS.attention),
  };
  const bytes = modelBytes(seq2seqParams(c));
  if (bytes > MODEL_BYTES_LIMIT) f.get('hidden').fail(`a size RNN Lab could have trained (with vocabularies of ${c.sourceVocab} and ${c.targetVocab} words this model would need about ${gib(bytes)}, more than the ${gib(MODEL_BYTES_LIMIT)} RNN Lab trains within)`);
  return c;
}

function readVocab(f: Field, size: number, sizeField: string): Vocab {
  const v = Vocab.fromJSON(f.value, f.file);
  if (v.size !== size) f.get('words').fail(`a list of ${size} entries (${sizeField} in config.json)`);
  return v;
}

export const TRANSLATOR: ModelSpec<SavedTranslator, { sourceVocab: Vocab; targetVocab: Vocab }, Seq2Seq> = {
  kind: 'seq2seq',
  noun: say('a seq2seq'),
  origin: say('`rnn-lab seq2seq … --save DIR`'),
  dataFiles: [SOURCE_VOCAB_FILE, TARGET_VOCAB_FILE],
  validate(config, data) {
    const model = readSizes(config.get('model'));
    const options = config.get('options');
    options.options(SEQ2SEQ_OPTIONS);
    const saved: SavedTranslator = {
      kind: 'seq2seq',
      version: config.get('version').value as number,
      model,
      maxDecodeSteps: config.get('maxDecodeSteps').option(SEQ2SEQ_OPTIONS.targetMaxLength),
      splitPunctuation: config.get('splitPunctuation').option(SEQ2SEQ_OPTIONS.splitPunctuation),
      options: options.value as SavedTranslator['options'],
      source: config.get('source').optional((s) => s.string()) ?? '',
    };
    return {
      saved,
      data: {
        sourceVocab: readVocab(data[SOURCE_VOCAB_FILE], model.sourceVocab, 'model.sourceVocab'),
        targetVocab: readVocab(data[TARGET_VOCAB_FILE], model.targetVocab, 'model.targetVocab'),
      },
    };
  },
  build: (saved) => new Seq2Seq(saved.model, 0),
};
