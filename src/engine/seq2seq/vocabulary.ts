/**
 * The vocabulary panel's data, computed where the engine runs (the worker), never in the page:
 * every word of one side with its count, the index it gets at a chosen minimum count, the
 * coverage that count gives (share of tokens kept, words read as <UNK>), and the rows one query
 * asks for (sorted by a column, filtered by text, one slice). A 50,000-word table sorts once per
 * column and filters in one pass, so the page gets only the rows it draws.
 *
 * Plain data, no tfjs: the worker serves it without loading the model code.
 */
import { readPairsFile } from '../data/pairs';
import { SPECIAL_TOKENS, UNK, Vocab, type VocabJSON } from '../data/vocab';
import { checkOption } from '../options';
import { readModelFile } from '../persist';
import { SEQ2SEQ_OPTIONS } from '../../shared/options/seq2seq';
import type { VocabularyCoverage, VocabularyOptions, VocabularyQuery, VocabularyRow, VocabularyRows, VocabularySort } from '../../shared/vocabulary';

const RESERVED = SPECIAL_TOKENS.length;

/** One side's words in first-seen order (the order the engine numbers them in), with counts. */
export class WordTable {
  /** Word at each position: the reserved tokens first, then the words as first seen. */
  readonly words: readonly string[];
  readonly counts: Int32Array;
  /** Tokens already read as <UNK> before this table (a stored vocabulary's left-out words). */
  readonly droppedTokens: number;
  /** The smallest minimum count this table can show (a stored vocabulary kept only words at its count). */
  readonly minCountFloor: number;
  private readonly lower: string[];
  private readonly sorted = new Map<VocabularySort, Int32Array>();
  private readonly indexes = new Map<number, Int32Array>();
  private lastFilter: { key: string; positions: Int32Array } | null = null;

  private constructor(entries: { word: string; count: number }[], droppedTokens: number, minCountFloor: number) {
    this.words = entries.map((e) => e.word);
    this.counts = Int32Array.from(entries, (e, i) => (i < RESERVED ? 0 : e.count));
    this.droppedTokens = droppedTokens;
    this.minCountFloor = minCountFloor;
    this.lower = this.words.map((w) => w.toLowerCase());
  }

  /** Every word of these tokenized sentences, as Vocab.build numbers them with no minimum count. */
  static fromSentences(sentences: readonly (readonly string[])[]): WordTable {
    return new WordTable(Vocab.build(sentences).entries(), 0, 1);
  }

  /** A saved vocabulary (a run's source_vocab.json): its words, and the tokens its minimum count left out. */
  static fromVocab(v: Vocab, minCount: number): WordTable {
    const entries = v.entries();
    return new WordTable(entries, entries[UNK].count, minCount);
  }

  /** Words besides the reserved tokens. */
  get wordCount(): number {
    return this.words.length - RESERVED;
  }

  /**
   * Sorts by every column now (~0.1 s for 50,000 words by word), while the panel opens, so the
   * first click on a column header is answered at once.
   */
  prepare(): this {
    for (const sort of ['index', 'word', 'count'] as const) this.order(sort);
    return this;
  }

  /** Index of each position at `minCount` (as Vocab.build gives it), or -1 for a word read as <UNK>. */
  indexesAt(minCount: number): Int32Array {
    let ix = this.indexes.get(minCount);
    if (!ix) {
      ix = new Int32Array(this.words.length);
      let next = RESERVED;
      for (let p = 0; p < ix.length; p++) ix[p] = p < RESERVED ? p : this.counts[p] >= minCount ? next++ : -1;
      if (this.indexes.size > 16) this.indexes.clear();
      this.indexes.set(minCount, ix);
    }
    return ix;
  }

  coverage(minCount: number): VocabularyCoverage {
    let tokens = this.droppedTokens;
    let kept = 0;
    let unkWords = 0;
    for (let p = RESERVED; p < this.words.length; p++) {
      const c = this.counts[p];
      tokens += c;
      if (c >= minCount) kept += c;
      else unkWords++;
    }
    // A saved vocabulary kept only its words: how many distinct words it left out is not known.
    return { minCount, tokens, keptTokens: kept, keptShare: tokens === 0 ? 1 : kept / tokens, unkWords: this.droppedTokens > 0 ? null : unkWords, size: RESERVED + this.wordCount - unkWords };
  }

  /** The rows of one query: sorted, filtered (case-insensitive substring of the word), sliced. */
  query(q: VocabularyQuery): VocabularyRows {
    const positions = this.filtered(q.sort, q.filter.toLowerCase());
    const n = positions.length;
    const ix = this.indexesAt(q.minCount);
    const unkTokens = this.droppedTokens + this.tokensBelow(q.minCount);
    const start = Math.max(0, Math.min(q.offset, n));
    const end = Math.min(n, start + Math.max(0, q.limit));
    const rows: VocabularyRow[] = [];
    for (let k = start; k < end; k++) {
      const p = positions[q.descending ? n - 1 - k : k];
      rows.push({ index: ix[p] < 0 ? null : ix[p], word: this.words[p], count: p === UNK ? unkTokens : this.counts[p], reserved: p < RESERVED });
    }
    return { offset: start, rows, shown: n, total: this.words.length };
  }

  private tokensBelow(minCount: number): number {
    let s = 0;
    for (let p = RESERVED; p < this.words.length; p++) if (this.counts[p] < minCount) s += this.counts[p];
    return s;
  }

  /** Positions in ascending order of `sort` (ties by position), so descending is the exact reverse. */
  private order(sort: VocabularySort): Int32Array {
    let o = this.sorted.get(sort);
    if (!o) {
      o = Int32Array.from(this.words, (_, i) => i);
      if (sort === 'word') {
        // Code-point order (the default sort's): Hangul syllables and lower-case Latin (the words
        // are lower-cased) come out in dictionary order, and the native sort without a comparator
        // takes 50,000 words in a few tens of ms, where Intl.Collator took ~0.8 s. Words are unique.
        const at = new Map(this.words.map((w, i) => [w, i]));
        o = Int32Array.from(this.words.slice().sort(), (w) => at.get(w)!);
      } else if (sort === 'count') {
        const c = this.counts;
        o.sort((a, b) => c[a] - c[b] || a - b);
      }
      // 'index': positions are in index order at every minimum count (words are numbered as first seen).
      this.sorted.set(sort, o);
    }
    return o;
  }

  private filtered(sort: VocabularySort, filter: string): Int32Array {
    const order = this.order(sort);
    if (filter === '') return order;
    const key = `${sort}\u0000${filter}`;
    if (this.lastFilter?.key === key) return this.lastFilter.positions;
    const out = new Int32Array(order.length);
    let n = 0;
    for (let k = 0; k < order.length; k++) if (this.lower[order[k]].includes(filter)) out[n++] = order[k];
    const positions = out.slice(0, n);
    this.lastFilter = { key, positions };
    return positions;
  }
}

export interface VocabularyTables {
  source: WordTable;
  target: WordTable;
  /** Pairs read, and kept by the length filter (the pairs the vocabularies are built from, as in training). */
  pairs: { read: number; kept: number };
}

/** Both sides' words of a pair file, from the pairs training would keep with these options. */
export async function readVocabularyTables(file: string, options: Partial<VocabularyOptions>, displayName = file): Promise<VocabularyTables> {
  if (options.minCount !== undefined) checkOption(SEQ2SEQ_OPTIONS.minCount, options.minCount);
  const { pairs, total } = await readPairsFile(file, { ...options, file: displayName });
  return {
    source: WordTable.fromSentences(pairs.map((p) => p.source)).prepare(),
    target: WordTable.fromSentences(pairs.map((p) => p.target)).prepare(),
    pairs: { read: total, kept: pairs.length },
  };
}

/** A saved translator's vocabularies (source_vocab.json, target_vocab.json), built at `minCount`. */
export async function readSavedVocabularies(modelDir: string, minCount: number): Promise<Omit<VocabularyTables, 'pairs'>> {
  const side = async (name: string) => WordTable.fromVocab(Vocab.fromJSON(await readModelFile<VocabJSON>(modelDir, name)), minCount).prepare();
  return { source: await side('source_vocab.json'), target: await side('target_vocab.json') };
}
