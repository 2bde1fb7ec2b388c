// Rewrites package.json's contributes.configuration.properties from the option tables
// (src/shared/options), which test/shared/options/settings.test.ts holds package.json to. The
// manifest is localised: each description is a `%key%` whose English (the table's help) goes to
// package.nls.json and whose Korean comes from l10n/bundle.l10n.ko.json, where the tables' words
// are translated once for the form and the settings alike (test/extension/l10n.test.ts checks).
// Run: node --import tsx scripts/sync-settings.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { settingsProperties } from '../src/shared/options/settings';

const root = join(__dirname, '..');
const read = (f: string) => JSON.parse(readFileSync(join(root, f), 'utf8'));
const write = (f: string, v: unknown) => writeFileSync(join(root, f), JSON.stringify(v, null, 2) + '\n');
const pkg = read('package.json');
const nls: Record<string, string> = read('package.nls.json');
const nlsKo: Record<string, string> = read('package.nls.ko.json');
const bundleKo: Record<string, string> = read('l10n/bundle.l10n.ko.json');

// Keys of the settings' texts are rewritten; every other key of the manifest stays as it is.
const settingKey = /^rnnLab\.[A-Za-z]+\.(description|patternErrorMessage|enumDescriptions\.)/;
for (const k of Object.keys(nls)) if (settingKey.test(k)) delete nls[k];
const lacking: string[] = [];
const ref = (key: string, english: string): string => {
  nls[key] = english;
  const ko = bundleKo[english] ?? nlsKo[key];
  if (ko) nlsKo[key] = ko;
  else lacking.push(key);
  return `%${key}%`;
};

const properties = settingsProperties();
for (const [key, p] of Object.entries(properties)) {
  p.markdownDescription = ref(`${key}.description`, String(p.markdownDescription));
  if (typeof p.patternErrorMessage === 'string') p.patternErrorMessage = ref(`${key}.patternErrorMessage`, p.patternErrorMessage);
  if (Array.isArray(p.enumDescriptions)) p.enumDescriptions = p.enumDescriptions.map((d: string, i: number) => ref(`${key}.enumDescriptions.${(p.enum as string[])[i]}`, d));
}
pkg.contributes.configuration.properties = properties;
for (const k of Object.keys(nlsKo)) if (!(k in nls)) delete nlsKo[k];
write('package.json', pkg);
write('package.nls.json', nls);
write('package.nls.ko.json', nlsKo);
console.log(`wrote ${Object.keys(properties).length} settings to package.json and package.nls.json`);
if (lacking.length) console.log(`no Korean yet (add it to package.nls.ko.json): ${lacking.join(', ')}`);
