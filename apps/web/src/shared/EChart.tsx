// The one ECharts component of the app: ECharts driven directly through its tree-shakable core
// (echarts-for-react's ES build imports tslib without declaring it, which the bundler cannot
// resolve). The chart is created once per mount, takes each new option whole (notMerge), follows
// its container's size and is disposed with the component.
import { useEffect, useRef, type CSSProperties } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, LineChart, PieChart, SankeyChart, ScatterChart } from 'echarts/charts';
import { DatasetComponent, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  LineChart,
  PieChart,
  ScatterChart,
  HeatmapChart,
  SankeyChart,
  DatasetComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export type EChartOption = Parameters<echarts.ECharts['setOption']>[0];

/** Tooltip formatters return HTML: every user-supplied text in one goes through this. */
export const escapeHtml = (s: string): string => echarts.format.encodeHTML(s);

export type EChartInstance = echarts.ECharts;

/** `onReady` receives the chart once it exists (and null when it is disposed), e.g. to export it with getDataURL. */
export function EChart({ option, style, testId, onReady }: { option: EChartOption; style?: CSSProperties; testId?: string; onReady?: (chart: EChartInstance | null) => void }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const ready = useRef(onReady);
  ready.current = onReady;

  useEffect(() => {
    const node = el.current;
    if (!node) return;
    const instance = echarts.init(node);
    chart.current = instance;
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(node);
    ready.current?.(instance);
    return () => {
      resize.disconnect();
      ready.current?.(null);
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={el} style={{ height: 280, ...style }} data-testid={testId} />;
}
