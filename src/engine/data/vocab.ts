/**
 * Word vocabulary for seq2seq. Special tokens first: SOS=0, EOS=1 (as in the course), then PAD=2
 * and UNK=3 (ours: padding for batches, and a token for words not in the table), then words in
 * first-seen order. The course's Vocab has only SOS and EOS, so our size is the course's + 2.
 */
import { Field } from '../schema';

export const SOS = 0;
export const EOS = 1;
export const PAD = 2;
export const UNK = 3;
export const SPECIAL_TOKENS = ['<SOS>', '<EOS>', '<PAD>', '<UNK>'] as const;

export interface VocabJSON {
  /** Every token, specials included, by index. */
  words: string[];
  /** Count per token (0 for the specials). */
  counts: number[];
}

export interface VocabEntry {
  word: string;
  index: number;
  count: number;
}

export class Vocab {
  private readonly words: string[] = [...SPECIAL_TOKENS];
  private readonly counts: number[] = [0, 0, 0, 0];
  private readonly ids = new Map<string, number>(SPECIAL_TOKENS.map((w, i) => [w, i]));
  /** Occurrences, while building, of words that were left out (rarer than minCount). */
  private unkCount = 0;

  /** Number of tokens, specials included. */
  get size(): number {
    return this.words.length;
  }

  /** Index of a word; UNK for a word not in the table. */
  index(word: string): number {
    return this.ids.get(word) ?? UNK;
  }

  has(word: string): boolean {
    return this.ids.has(word);
  }

  /** The token at index i. */
  word(i: number): string {
    const w = this.words[i];
    if (w === undefined) throw new RangeError(`Vocab.word: index ${i} out of range [0, ${this.size})`);
    return w;
  }

  /** How often the word occurred in the sentences the vocabulary was built from (0 if unknown). For '<UNK>', the occurrences of left-out words. */
  count(word: string): number {
    if (word === SPECIAL_TOKENS[UNK]) return this.unkCount;
    const i = this.ids.get(word);
    return i === undefined ? 0 : this.counts[i];
  }

  /** Adds a word (or counts it again), like the course's add_vocab. Returns its index. */
  add(word: string, count = 1): number {
    let i = this.ids.get(word);
    if (i === undefined) {
      i = this.words.length;
      this.words.push(word);
      this.counts.push(0);
      this.ids.set(word, i);
    }
    if (i >= SPECIAL_TOKENS.length) this.counts[i] += count;
    return i;
  }

  /** Word ids; unknown words become UNK. With eos, EOS is appended. */
  encode(words: readonly string[], opts: { eos?: boolean } = {}): Int32Array {
    const out = new Int32Array(words.length + (opts.eos ? 1 : 0));
    for (let i = 0; i < words.length; i++) out[i] = this.index(words[i]);
    if (opts.eos) out[words.length] = EOS;
    return out;
  }

  /** Words for ids: stops at EOS, drops SOS and PAD; UNK shows as '<UNK>'. */
  decode(ids: ArrayLike<number>): string[] {
    const out: string[] = [];
    for (let k = 0; k < ids.length; k++) {
      const i = ids[k];
      if (i === EOS) break;
      if (i === SOS || i === PAD) continue;
      out.push(this.word(i));
    }
    return out;
  }

  /** Rows for the UI table: every token with its index and count. */
  entries(): VocabEntry[] {
    return this.words.map((word, index) => ({ word, index, count: index === UNK ? this.unkCount : this.counts[index] }));
  }

  /**
   * Builds a vocabulary from tokenized sentences, words in first-seen order. Words seen fewer than
   * minCount times (default 1: keep all) are left out and map to UNK.
   */
  static build(sentences: readonly (readonly string[])[], opts: { minCount?: number } = {}): Vocab {
    const minCount = opts.minCount ?? 1;
    const counts = new Map<string, number>();
    for (const s of sentences) for (const w of s) counts.set(w, (counts.get(w) ?? 0) + 1);
    const v = new Vocab();
    for (const [w, c] of counts) {
      if (c >= minCount && !v.ids.has(w)) v.add(w, c);
      else v.unkCount += c;
    }
    return v;
  }

  toJSON(): VocabJSON {
    return { words: this.words.slice(), counts: this.counts.map((c, i) => (i === UNK ? this.unkCount : c)) };
  }

  /**
   * A saved vocabulary; `file` names it in the error when a field is damaged: the specials first,
   * each word once, a whole count ≥ 0 per word.
   */
  static fromJSON(j: unknown, file = 'vocab.json'): Vocab {
    const root = new Field(file, j);
    const words = root.get('words').items({ min: SPECIAL_TOKENS.length });
    const counts = root.get('counts').items({ min: words.length, max: words.length }).map((f) => f.int(0, Number.MAX_SAFE_INTEGER));
    const v = new Vocab();
    words.forEach((f, i) => {
      const w = f.string();
      if (i < SPECIAL_TOKENS.length) {
        if (w !== SPECIAL_TOKENS[i]) f.fail(JSON.stringify(SPECIAL_TOKENS[i]));
      } else if (v.has(w)) {
        f.fail(`a word not listed before (it is also words[${v.index(w)}])`);
      } else v.add(w, counts[i]);
    });
    v.unkCount = counts[UNK];
    return v;
  }
}
