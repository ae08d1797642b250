// Overdue amount per owner or department, as bars. Amounts arrive as decimal strings; they become
// numbers only here, to be drawn (the table beside the chart shows the exact figures).
import { useTranslation } from 'react-i18next';
import { EChart, type EChartOption } from '../../shared/EChart';

export default function OverdueChart({ groups }: { groups: Array<{ name: string; amount: string }> }) {
  const { t, i18n } = useTranslation();
  // compact axis labels in the reader's language: 5万 / 50K
  const compact = new Intl.NumberFormat(i18n.language, { notation: 'compact' });
  const shown = groups.slice(0, 20);
  const option: EChartOption = {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', axisLabel: { formatter: (v: number) => compact.format(v) } },
    yAxis: { type: 'category', inverse: true, data: shown.map((g) => g.name), axisLabel: { overflow: 'truncate', width: 110 } },
    series: [{ name: t('receivables.overdueAmount'), type: 'bar', data: shown.map((g) => Number(g.amount)), itemStyle: { color: '#f04438' }, barMaxWidth: 24 }],
  };
  return <EChart option={option} style={{ height: Math.max(160, 36 * shown.length + 40) }} testId="overdue-chart" />;
}
