/**
 * The `rnnLab.*` settings, from the option tables: the schema that package.json's
 * `contributes.configuration` must hold (test/shared/options/settings.test.ts compares them; run
 * `node --import tsx scripts/sync-settings.ts` to rewrite it) and the reading of a setting back
 * into an option value, with the table's bounds.
 */
import { isAllowed, type NamedSpec, type OptionTable, type OptionValue } from './spec';
import { FORECAST_OPTIONS } from './forecast';
import { STORE_OPTIONS } from './store';

/** The options that have a setting, in the settings' order. */
export const SETTING_OPTIONS: readonly NamedSpec[] = [...Object.values(FORECAST_OPTIONS as OptionTable), ...Object.values(STORE_OPTIONS as OptionTable)].filter((s) => s.setting !== undefined);

/**
 * The key of a setting's description for the l10n of the manifest: package.json may hold
 * `%rnnLab.seqLength.description%` and package.nls.json the text, which must be the table's help.
 */
export function settingDescriptionKey(s: NamedSpec): string {
  return `rnnLab.${s.setting}.description`;
}

/** One property of `contributes.configuration.properties`, as JSON. */
export function settingSchema(s: NamedSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  switch (s.type) {
    case 'int':
      if (s.words?.length) {
        // One schema for a word and a number: the setting is a string ("full" or "32").
        out.type = 'string';
        out.default = String(s.default);
        out.pattern = `^(${s.words.join('|')}|[1-9][0-9]*)$`;
        out.patternErrorMessage = `Use ${s.words.map((w) => `"${w}"`).join(' or ')} or a whole number from ${s.min} to ${s.max}.`;
        break;
      }
      Object.assign(out, { type: 'integer', default: s.default, minimum: s.min, maximum: s.max });
      break;
    case 'number':
      out.type = 'number';
      out.default = s.default;
      out[s.minExclusive ? 'exclusiveMinimum' : 'minimum'] = s.min;
      out[s.maxExclusive ? 'exclusiveMaximum' : 'maximum'] = s.max;
      break;
    case 'enum':
      Object.assign(out, { type: 'string', enum: s.choices.map((c) => c.value), default: s.default, enumDescriptions: s.choices.map((c) => c.help ?? c.label) });
      break;
    case 'boolean':
      Object.assign(out, { type: 'boolean', default: s.default });
      break;
    case 'string':
      Object.assign(out, { type: 'string', default: s.default ?? '', maxLength: s.maxLength });
      break;
    case 'list':
      Object.assign(out, { type: 'array', items: { type: 'string' }, default: s.default ?? [], maxItems: s.maxItems });
      break;
  }
  out.markdownDescription = s.help;
  return out;
}

/** `contributes.configuration.properties`, from the tables. */
export function settingsProperties(): Record<string, Record<string, unknown>> {
  return Object.fromEntries(SETTING_OPTIONS.map((s) => [`rnnLab.${s.setting}`, settingSchema(s)]));
}

/**
 * A setting's stored value → the option's value, or undefined when it is unset or not allowed (the
 * caller then keeps the default). A setting with words stores numbers as strings ("32").
 */
export function settingValue(s: NamedSpec, stored: unknown): OptionValue | undefined {
  let v = stored;
  if (s.type === 'int' && s.words?.length && typeof v === 'string') {
    const t = v.trim().toLowerCase();
    v = s.words.includes(t) ? t : /^\d+$/.test(t) ? Number(t) : v;
  }
  return isAllowed(s, v) ? (v as OptionValue) : undefined;
}
