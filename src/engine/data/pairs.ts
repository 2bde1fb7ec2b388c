/**
 * Sentence-pair files for seq2seq (lab 11-5): one pair per line, source and target separated by
 * a tab; further columns (kor-eng.txt's attribution) are ignored.
 *
 * Normalization follows the course: `line.strip().lower()`, then each side is split on single
 * spaces, punctuation staying attached ("hungry." is one token). With splitPunctuation,
 * . , ! ? ; : " ( ) become tokens of their own and runs of whitespace collapse.
 * Pairs are kept when sourceWords < sourceMaxLength AND targetWords < targetMaxLength (the
 * course's filter_pair, strict inequalities).
 */
import { RnnLabError } from '../errors';
import { checkOption } from '../options';
import { opt } from '../../shared/errors';
import { say } from '../../shared/said';
import { SEQ2SEQ_OPTIONS } from '../../shared/options/seq2seq';
import { decodeText, forEachLine, quoteValue, readInputFile } from './text';

export interface PairsOptions {
  file: string;
  /** Keep pairs whose source has fewer words than this. Default 10 (course). */
  sourceMaxLength?: number;
  /** Keep pairs whose target has fewer words than this. Default 12 (course). */
  targetMaxLength?: number;
  /** Make punctuation separate tokens. Default false (course). */
  splitPunctuation?: boolean;
  /** Swap the columns: translate from the second column to the first. Default false. */
  reverse?: boolean;
}

export interface SentencePair {
  source: string[];
  target: string[];
  /** 1-based line in the file. */
  line: number;
}

export interface PairsResult {
  pairs: SentencePair[];
  /** Pairs left out by the length filter. */
  skipped: number;
  /** Pairs read (non-blank lines). */
  total: number;
}

const PUNCT_RE = /([.,!?;:"()])/g;

/** Course tokenization of one (already lower-cased) side. */
export function tokenize(s: string, splitPunctuation = false): string[] {
  if (!splitPunctuation) return s.split(' ');
  const spaced = s.replace(PUNCT_RE, ' $1 ').trim();
  return spaced === '' ? [] : spaced.split(/\s+/);
}

/** Lower-cases and tokenizes one sentence the way parsePairs does (for translating user input). */
export function normalizeSentence(s: string, splitPunctuation = false): string[] {
  return tokenize(s.trim().toLowerCase(), splitPunctuation);
}

export function parsePairs(input: Buffer | Uint8Array | string, opts: PairsOptions): PairsResult {
  const file = opts.file;
  const srcMax = opts.sourceMaxLength ?? 10;
  const tgtMax = opts.targetMaxLength ?? 12;
  checkOption(SEQ2SEQ_OPTIONS.sourceMaxLength, srcMax);
  checkOption(SEQ2SEQ_OPTIONS.targetMaxLength, tgtMax);
  const split = opts.splitPunctuation ?? false;
  const text = decodeText(input, file, say('sentence pairs'));
  const pairs: SentencePair[] = [];
  let total = 0;
  // The pair that needs the smallest raise of the limits, for the NO_PAIRS hint.
  let easiest = { need: Infinity, source: 0, target: 0, line: 0 };

  forEachLine(text, (raw, line) => {
    const s = raw.trim().toLowerCase();
    if (s === '') return;
    const parts = s.split('\t');
    // Trimming the line drops a tab at either end: "<TAB>target" lacks its source, "source<TAB>" its target.
    if (parts.length < 2 && /^\s*\t/.test(raw)) parts.unshift('');
    else if (parts.length < 2 && raw.includes('\t')) parts.push('');
    if (parts.length < 2) {
      throw new RnnLabError(
        'BAD_PAIRS',
        say('Line {0} of {1} has no tab: {2}. Each line must be a source sentence and its translation separated by a tab.', line, file, quoteValue(raw.trim())),
        say('Put a tab (not spaces) between the two sentences on line {0}, or delete the line.', line),
        { file, line },
      );
    }
    let a = parts[0];
    let b = parts[1];
    let aCol = 1;
    let bCol = 2;
    if (opts.reverse) {
      [a, b] = [b, a];
      [aCol, bCol] = [bCol, aCol];
    }
    if (a.trim() === '' || b.trim() === '') {
      const which = a.trim() === '' ? (opts.reverse ? say('target (first column)') : say('source (first column)')) : opts.reverse ? say('source (second column)') : say('target (second column)');
      throw new RnnLabError(
        'BAD_PAIRS',
        say('Line {0} of {1} has an empty {2}.', line, file, which),
        say('Write both sentences on line {0}, separated by one tab, or delete the line.', line),
        { file, line, column: a.trim() === '' ? aCol : bCol },
      );
    }
    total++;
    const source = tokenize(a, split);
    const target = tokenize(b, split);
    const need = Math.max(0, source.length + 1 - srcMax) + Math.max(0, target.length + 1 - tgtMax);
    if (need < easiest.need) easiest = { need, source: source.length, target: target.length, line };
    if (source.length < srcMax && target.length < tgtMax) pairs.push({ source, target, line });
  });

  if (total === 0) {
    throw new RnnLabError('EMPTY_FILE', say('{0} has no sentence pairs: every line is blank or only tabs and spaces.', file), say('Write one pair per line in {0}: a sentence, a tab, its translation.', file), { file });
  }
  if (pairs.length === 0) {
    throw new RnnLabError(
      'NO_PAIRS',
      say(
        'None of the {0} pairs in {1} is short enough: a pair is kept when its source has fewer than {2} words and its target fewer than {3}. The shortest pair (line {4}) has {5} source and {6} target words.',
        total,
        file,
        srcMax,
        tgtMax,
        easiest.line,
        easiest.source,
        easiest.target,
      ),
      say('Raise the limits, e.g. {0} {1}, or use a file with shorter sentences.', opt('sourceMaxLength', Math.max(srcMax, easiest.source + 1)), opt('targetMaxLength', Math.max(tgtMax, easiest.target + 1))),
      { file },
      { suggest: { option: 'sourceMaxLength', value: Math.max(srcMax, easiest.source + 1) } },
    );
  }
  return { pairs, skipped: total - pairs.length, total };
}

/** Reads a file and parses it with `parsePairs`. */
export async function readPairsFile(path: string, opts: Omit<PairsOptions, 'file'> & { file?: string }): Promise<PairsResult> {
  const file = opts.file ?? path;
  return parsePairs(await readInputFile(path, file, say('sentence-pair file')), { ...opts, file });
}
