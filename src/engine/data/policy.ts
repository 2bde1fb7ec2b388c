/**
 * What a table reader does with an empty cell and in which order it keeps the rows. The data
 * layer owns these policies (csv.ts applies them); the forecast flow's options and form carry
 * them, so their shapes are declared in src/shared/forecast.ts and named here for the engine.
 */
export type { MissingPolicy, RowOrder } from '../../shared/forecast';
