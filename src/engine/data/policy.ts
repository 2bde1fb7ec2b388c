/**
 * What a table reader does with an empty cell, in which order it keeps the rows, and how it reads
 * a/b/yyyy dates. The data
 * layer owns these policies (csv.ts applies them); the forecast flow's options and form carry
 * them, so their shapes are declared in src/shared/forecast.ts and named here for the engine.
 */
export type { DateFormat, MissingPolicy, RowOrder } from '../../shared/forecast';
