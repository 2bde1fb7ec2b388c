/**
 * Plotly as every chart page uses it: the global the plotly <script> tag sets, the config that
 * keeps its download button out (webviews cannot download), and a layout in the theme's colours.
 */
import { themeColors } from './common';

// plotly.js-dist, loaded by its own <script> tag (dist/media/plotly.min.js), sets window.Plotly.
export interface PlotlyApi {
  react(div: HTMLElement, data: object[], layout: object, config?: object): Promise<unknown>;
  relayout(div: HTMLElement, update: object): Promise<unknown>;
  toImage(fig: HTMLElement | { data: object[]; layout: object }, opts: { format: 'png' | 'svg'; width: number; height: number }): Promise<string>;
}
/** Read once this module loads: the page scripts come after plotly's tag, so it is set by then. */
export const Plotly: PlotlyApi = (window as unknown as { Plotly: PlotlyApi }).Plotly;
export interface PlotDiv extends HTMLElement {
  data?: object[];
  layout?: object;
}

export const PLOT_CONFIG = {
  displaylogo: false,
  responsive: true,
  // Plotly's own download button writes through an <a download>, which webviews do not allow;
  // the Export buttons go through the extension host instead.
  modeBarButtonsToRemove: ['toImage', 'select2d', 'lasso2d'],
};

export function baseLayout(extra: object): object {
  const theme = themeColors();
  const axis = { gridcolor: theme.grid, linecolor: theme.grid, zerolinecolor: theme.grid, color: theme.foreground };
  return {
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { color: theme.foreground, family: 'var(--vscode-font-family), sans-serif', size: 12 },
    colorway: theme.series,
    margin: { l: 60, r: 20, t: 10, b: 40 },
    legend: { orientation: 'h', y: -0.18 },
    xaxis: { ...axis },
    yaxis: { ...axis },
    modebar: { bgcolor: 'rgba(0,0,0,0)', color: theme.foreground, activecolor: theme.accent },
    ...extra,
  };
}
