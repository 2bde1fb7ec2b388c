/**
 * The vocabulary panel's contract (viewType rnnLab.seq2seqVocabulary), in both directions, and the
 * shapes its rows and coverage cross the host–worker boundary in. The page holds no word list: it
 * asks for the rows it draws (a request answered by id), so 50,000 words cost it one screenful.
 * Imports only src/shared, as every contract does.
 */
import type { Reply } from './channel';
import { bool, int, obj, oneOf, onlyKeys, parsePageMessage, ProtocolError, RUN_ID, str, type Obj, type PageBasics } from './protocol';
import type { Seq2SeqOptions } from './seq2seq';
import { SEQ2SEQ_OPTIONS } from './options/seq2seq';

export type VocabularySide = 'source' | 'target';
export type VocabularySort = 'index' | 'word' | 'count';
export const VOCABULARY_SIDES: readonly VocabularySide[] = ['source', 'target'];
export const VOCABULARY_SORTS: readonly VocabularySort[] = ['index', 'word', 'count'];

/** The seq2seq options that shape the vocabularies: which pairs are kept, how they are split, the minimum count. */
export type VocabularyOptions = Pick<Seq2SeqOptions, 'sourceMaxLength' | 'targetMaxLength' | 'splitPunctuation' | 'reverse' | 'minCount'>;
export const VOCABULARY_OPTION_KEYS = ['sourceMaxLength', 'targetMaxLength', 'splitPunctuation', 'reverse', 'minCount'] as const satisfies readonly (keyof VocabularyOptions)[];

/** The vocabulary options among any seq2seq options (the Train Seq2Seq form passes all of its own). */
export function vocabularyOptions(o: Partial<Seq2SeqOptions>): Partial<VocabularyOptions> {
  const out: Partial<VocabularyOptions> = {};
  for (const k of VOCABULARY_OPTION_KEYS) if (o[k] !== undefined) (out as Record<string, unknown>)[k] = o[k];
  return out;
}

/** Where the panel's vocabularies come from: a pair file read with these options, or a stored run's saved vocabularies. */
export type VocabularySource = { kind: 'file'; file: string; options: Partial<VocabularyOptions> } | { kind: 'run'; runId: string };

export interface VocabularyQuery {
  sort: VocabularySort;
  descending: boolean;
  /** Case-insensitive substring of the word; '' shows every row. */
  filter: string;
  /** The first row wanted, in the sorted and filtered order, and how many. */
  offset: number;
  limit: number;
  /** The minimum count the indexes are shown at (words rarer than it are read as <UNK>). */
  minCount: number;
}

export interface VocabularyRow {
  /** The word's index at the query's minimum count; null when it is read as <UNK>. */
  index: number | null;
  word: string;
  /** Occurrences in the kept pairs; for <UNK>, the tokens read as <UNK> at the minimum count. */
  count: number;
  /** <SOS>, <EOS>, <PAD>, <UNK>. */
  reserved: boolean;
}

export interface VocabularyRows {
  offset: number;
  rows: VocabularyRow[];
  /** Rows that pass the filter. */
  shown: number;
  /** Rows in all, reserved tokens included. */
  total: number;
}

export interface VocabularyCoverage {
  minCount: number;
  /** Tokens of this side in the kept pairs. */
  tokens: number;
  /** Tokens whose word is kept at this minimum count. */
  keptTokens: number;
  keptShare: number;
  /** Distinct words read as <UNK>; null when a saved vocabulary no longer knows them. */
  unkWords: number | null;
  /** Vocabulary size at this minimum count, reserved tokens included. */
  size: number;
}

export interface VocabularySummary {
  /** What the vocabularies are of, for display: the file's workspace path or the run's id. */
  title: string;
  /** Pairs read and kept by the length filter; null for a stored run's vocabularies. */
  pairs: { read: number; kept: number } | null;
  /** Words besides the reserved tokens, at minimum count 1 (a stored run: at its own). */
  words: Record<VocabularySide, number>;
  /** The minimum count to show first. */
  minCount: number;
  /** A stored run's vocabularies are fixed at its minimum count: the control is read-only. */
  minCountFixed: boolean;
}

// ---------------------------------------------------------------------------------------------
// Messages

export type HostToVocabulary =
  /** The vocabularies are ready to query; `source` is what the page keeps so a reload reopens them. */
  | { type: 'init'; summary: VocabularySummary; source: VocabularySource }
  | { type: 'failed'; message: string; source: VocabularySource | null }
  | Reply;

/** The page's messages that are requests, answered by a reply with their id. */
export const VOCABULARY_REQUESTS = ['rows', 'coverage'] as const;

export type VocabularyToHost =
  | PageBasics
  | { type: 'rows'; id: number; side: VocabularySide; query: VocabularyQuery }
  | { type: 'coverage'; id: number; minCount: number };

/** What the page keeps in setState, and the serializer revives the panel from. */
export interface VocabularyViewState {
  source: VocabularySource;
  side: VocabularySide;
  sort: VocabularySort;
  descending: boolean;
  filter: string;
  minCount: number;
}

/** Longer than any word a page shows; a filter that long matches nothing anyway. */
const MAX_FILTER = 1000;
/** Rows one request may ask for: a few screens. */
export const MAX_ROWS_PER_REQUEST = 1000;

function minCount(o: Obj, k: string): number {
  const v = int(o, k);
  const s = SEQ2SEQ_OPTIONS.minCount;
  if (v < s.min || v > s.max) throw new ProtocolError(`${k} must be from ${s.min} to ${s.max}`);
  return v;
}

function parseQuery(x: unknown): VocabularyQuery {
  const o = obj(x, 'query');
  onlyKeys(o, ['sort', 'descending', 'filter', 'offset', 'limit', 'minCount']);
  const offset = int(o, 'offset');
  const limit = int(o, 'limit');
  if (offset < 0 || limit < 0 || limit > MAX_ROWS_PER_REQUEST) throw new ProtocolError(`offset must not be negative and limit at most ${MAX_ROWS_PER_REQUEST}`);
  return { sort: oneOf(o, 'sort', VOCABULARY_SORTS), descending: bool(o, 'descending'), filter: str(o, 'filter', MAX_FILTER), offset, limit, minCount: minCount(o, 'minCount') };
}

/** Validates a message from the vocabulary page. Throws ProtocolError on anything unexpected. */
export function parseVocabularyMessage(x: unknown): VocabularyToHost {
  return parsePageMessage<VocabularyToHost>(x, {
    rows: (o) => (onlyKeys(o, ['type', 'id', 'side', 'query']), { type: 'rows', id: int(o, 'id'), side: oneOf(o, 'side', VOCABULARY_SIDES), query: parseQuery(o.query) }),
    coverage: (o) => (onlyKeys(o, ['type', 'id', 'minCount']), { type: 'coverage', id: int(o, 'id'), minCount: minCount(o, 'minCount') }),
  });
}

/** The vocabulary options of a source, each checked against its seq2seq table entry. */
function parseOptions(x: unknown): Partial<VocabularyOptions> {
  const o = obj(x, 'options');
  onlyKeys(o, [...VOCABULARY_OPTION_KEYS]);
  const out: Partial<VocabularyOptions> = {};
  for (const k of ['sourceMaxLength', 'targetMaxLength', 'minCount'] as const) {
    if (o[k] === undefined) continue;
    const v = int(o, k);
    const s = SEQ2SEQ_OPTIONS[k];
    if (v < s.min || v > s.max) throw new ProtocolError(`${k} must be from ${s.min} to ${s.max}`);
    out[k] = v;
  }
  for (const k of ['splitPunctuation', 'reverse'] as const) if (o[k] !== undefined) out[k] = bool(o, k);
  return out;
}

/**
 * A source named by a restored page state (or another flow's call): a pair file by absolute path
 * (.tsv or .txt, what Train Seq2Seq reads) or a run id of the run store's form.
 */
export function parseVocabularySource(x: unknown): VocabularySource {
  const o = obj(x, 'source');
  if (o.kind === 'run') {
    onlyKeys(o, ['kind', 'runId']);
    const runId = str(o, 'runId', 100);
    if (!RUN_ID.test(runId)) throw new ProtocolError('runId must be a run id');
    return { kind: 'run', runId };
  }
  if (o.kind === 'file') {
    onlyKeys(o, ['kind', 'file', 'options']);
    const file = str(o, 'file', 4096);
    if (!/^(\/|[A-Za-z]:[\\/])/.test(file) || !/\.(tsv|txt)$/i.test(file)) throw new ProtocolError('file must be an absolute path to a .tsv or .txt file');
    return { kind: 'file', file, options: parseOptions(o.options) };
  }
  throw new ProtocolError('source must be a file or a run');
}

export function parseVocabularyViewState(x: unknown): VocabularyViewState {
  const o = obj(x, 'state');
  onlyKeys(o, ['source', 'side', 'sort', 'descending', 'filter', 'minCount']);
  return {
    source: parseVocabularySource(o.source),
    side: oneOf(o, 'side', VOCABULARY_SIDES),
    sort: oneOf(o, 'sort', VOCABULARY_SORTS),
    descending: bool(o, 'descending'),
    filter: str(o, 'filter', MAX_FILTER),
    minCount: minCount(o, 'minCount'),
  };
}
