/** How the forecast flow's runs read in the Runs tree: a trained forecaster, or a saved one applied to a file. */
import { t } from '../../core/strings';
import type { RunKindView } from '../../runs/view';

const fmt = (x: number | null) => (x === null ? '–' : x.toPrecision(4));
const rmseLine: RunKindView['summary'] = (run) => t('RMSE {0} (persistence {1})', fmt(run.rmse), fmt(run.naiveRmse));

export const forecastRunKinds: { forecast: RunKindView; 'saved-model': RunKindView } = {
  forecast: { icon: 'graph-line', summary: rmseLine, appliesModel: true },
  'saved-model': { icon: 'history', summary: rmseLine, appliesModel: true },
};
