/** The option tables and what every surface derives from them (see spec.ts). */
export * from './spec';
export { TRAINER_OPTIONS } from './trainer';
export { FORECAST_OPTIONS } from './forecast';
export { SEQ2SEQ_OPTIONS } from './seq2seq';
export { STORE_OPTIONS } from './store';
export { cliName, formNamer } from './words';
export { SETTING_OPTIONS, settingDescriptionKey, settingSchema, settingsProperties, settingValue } from './settings';
export { PACKING_OPTIONS } from './packing';
