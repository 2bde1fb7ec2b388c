/** The data layer: CSV tables, scaling, lazy windows, sentence pairs and vocabularies. No tfjs. */
export * from './text';
export * from './csv';
export * from './scaler';
export * from './windows';
export * from './pairs';
export * from './vocab';
export * from './policy';
