/** How the forecast flow's runs read in the Runs tree: a trained forecaster, or a saved one applied to a file. */
import type { RunListing } from '../../runs/store';
import type { RunKindView } from '../../runs/view';
import { t } from '../../core/strings';

const fmt = (x: unknown) => (typeof x === 'number' ? x.toPrecision(4) : '–');
const rmseLine = (run: RunListing): string => t('RMSE {0} (persistence {1})', fmt(run.run.headline.rmse), fmt(run.run.headline.naiveRmse));

export function forecastRunKinds(flow: { openRun(run: RunListing): Promise<void>; rerun(run: RunListing): Promise<void> }): { forecast: RunKindView; 'saved-model': RunKindView } {
  const open = (run: RunListing) => flow.openRun(run);
  const rerun = (run: RunListing) => flow.rerun(run);
  return {
    forecast: { icon: 'graph-line', summary: rmseLine, open, rerun, appliesModel: true },
    'saved-model': { icon: 'history', summary: rmseLine, open, rerun, appliesModel: true },
  };
}
