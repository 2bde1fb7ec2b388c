/**
 * The forecast flow's options, defaults and result. The shapes cross the worker and webview
 * boundaries, so they are declared in src/shared/forecast.ts, below the engine and the extension;
 * the engine re-exports them here so its public API is unchanged, and owns the defaults.
 */
import type { ForecastOptions } from '../../shared/forecast';
import { FORECAST_OPTIONS } from '../../shared/options/forecast';
import { engineDefaults } from '../options';
export type { ErrorMetrics, ForecastOptions, ForecastResult } from '../../shared/forecast';
export type { MissingPolicy, RowOrder } from '../data/policy';

/** The course's lab 11-4 settings, from the forecast table (src/shared/options/forecast.ts). */
export const FORECAST_DEFAULTS: Readonly<ForecastOptions> = engineDefaults<ForecastOptions>(FORECAST_OPTIONS);
