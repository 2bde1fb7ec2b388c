// package.json's `contributes.configuration` must say what the option tables say: type, default,
// bounds, choices and description. When the manifest is localised, a description is a `%key%`
// reference: the key must be settingDescriptionKey's and package.nls.json must hold the help text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../engine/data/helpers';
import { SETTING_OPTIONS, settingDescriptionKey, settingSchema } from '../../../src/shared/options';

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const properties: Record<string, Record<string, unknown>> = pkg.contributes.configuration.properties;
const nlsFile = path.join(ROOT, 'package.nls.json');
const nls: Record<string, string> = existsSync(nlsFile) ? JSON.parse(readFileSync(nlsFile, 'utf8')) : {};

const CHECKED = ['type', 'default', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'enum', 'pattern'] as const;
const FIX = 'run `node --import tsx scripts/sync-settings.ts` to write the tables into package.json';

test("package.json's settings are the option tables' settings, in their order", () => {
  assert.deepEqual(Object.keys(properties), SETTING_OPTIONS.map((s) => `rnnLab.${s.setting}`), FIX);
});

test("each setting's type, default, bounds, choices and description come from its table entry", () => {
  for (const s of SETTING_OPTIONS) {
    const key = `rnnLab.${s.setting}`;
    const want = settingSchema(s);
    const got = properties[key];
    for (const field of CHECKED) assert.deepEqual(got[field], want[field], `${key}.${field}: ${FIX}`);
    const description = String(got.markdownDescription ?? got.description);
    const ref = /^%(.+)%$/.exec(description);
    if (ref) {
      assert.equal(ref[1], settingDescriptionKey(s), `${key}: the description's l10n key`);
      assert.equal(nls[ref[1]], s.help, `${key}: package.nls.json holds the table's help`);
    } else {
      assert.equal(description, s.help, `${key}.markdownDescription: ${FIX}`);
    }
    // The other texts of a setting, through package.nls.json when they are `%key%`s.
    const text = (v: unknown) => (typeof v === 'string' && /^%.+%$/.test(v) ? nls[v.slice(1, -1)] : v);
    if (want.patternErrorMessage !== undefined) assert.equal(text(got.patternErrorMessage), want.patternErrorMessage, `${key}.patternErrorMessage: ${FIX}`);
    if (Array.isArray(want.enumDescriptions)) assert.deepEqual((got.enumDescriptions as unknown[]).map(text), want.enumDescriptions, `${key}.enumDescriptions: ${FIX}`);
  }
});

test('the check fails on a drifted setting (a bound the table does not have)', () => {
  const lr = SETTING_OPTIONS.find((s) => s.name === 'lr')!;
  const drifted: Record<string, unknown> = { ...settingSchema(lr), maximum: 10 };
  assert.notDeepEqual(CHECKED.map((f) => drifted[f]), CHECKED.map((f) => properties['rnnLab.lr'][f]));
});
