/**
 * The run store's options: where runs are kept. The extension's setting and the CLI's flag come
 * from this entry, so a terminal run and the side panel agree on the folder.
 */
import { defineOptions } from './spec';

export const STORE_OPTIONS = defineOptions({
  runsDirectory: {
    type: 'string',
    default: '.rnnlab/runs',
    maxLength: 4096,
    label: 'Runs folder',
    help: 'Where runs are kept: a folder relative to the workspace folder, or an absolute path.',
    flag: 'run-dir',
    metavar: 'DIR',
    setting: 'runsDirectory',
  },
});
