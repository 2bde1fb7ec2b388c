/**
 * The vocabulary panel's half of the worker (`seq2seq.vocabulary` and the rows and coverage
 * requests that follow it): the word tables are built and kept here, next to the engine, so
 * sorting and filtering 50,000 words never runs in the extension host or the page. Each panel has
 * its own worker session, so the tables live exactly as long as the panel.
 */
import { readSavedVocabularies, readVocabularyTables, type WordTable } from '../../../engine/seq2seq/vocabulary';
import type { VocabularySide } from '../../../shared/vocabulary';
import type { WorkerHandlers } from '../../core/workerHandlers';

const tables = new Map<number, Record<VocabularySide, WordTable>>();
let nextTableId = 1;

function table(id: number): Record<VocabularySide, WordTable> {
  const t = tables.get(id);
  if (!t) throw new Error(`no vocabulary table ${id} in this worker`);
  return t;
}

export const vocabularyHandlers: WorkerHandlers<'seq2seq.vocabulary' | 'seq2seq.vocabularyRows' | 'seq2seq.vocabularyCoverage'> = {
  async 'seq2seq.vocabulary'({ from }) {
    const tableId = nextTableId++;
    if ('file' in from) {
      const t = await readVocabularyTables(from.file, from.options, from.fileName);
      tables.set(tableId, { source: t.source, target: t.target });
      const minCount = from.options.minCount ?? 1;
      return { tableId, title: from.fileName, pairs: t.pairs, words: { source: t.source.wordCount, target: t.target.wordCount }, minCount, minCountFixed: false };
    }
    const t = await readSavedVocabularies(from.modelDir, from.minCount);
    tables.set(tableId, t);
    return { tableId, title: from.name, pairs: null, words: { source: t.source.wordCount, target: t.target.wordCount }, minCount: from.minCount, minCountFixed: true };
  },

  async 'seq2seq.vocabularyRows'({ tableId, side, query }) {
    return table(tableId)[side].query(query);
  },

  async 'seq2seq.vocabularyCoverage'({ tableId, minCount }) {
    const t = table(tableId);
    return { source: t.source.coverage(minCount), target: t.target.coverage(minCount) };
  },
};
