// Rewrites package.json's contributes.configuration.properties from the option tables
// (src/shared/options), which test/shared/options/settings.test.ts holds package.json to.
// Run: node --import tsx scripts/sync-settings.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { settingsProperties } from '../src/shared/options/settings';

const file = join(__dirname, '..', 'package.json');
const pkg = JSON.parse(readFileSync(file, 'utf8'));
pkg.contributes.configuration.properties = settingsProperties();
writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
console.log(`wrote ${Object.keys(pkg.contributes.configuration.properties).length} settings to package.json`);
