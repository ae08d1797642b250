// Target against actual amount per user or department, as bars. Amounts arrive as decimal strings;
// they become numbers only here, to be drawn.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { TargetProgress } from '@guanxi/contracts';
import { EChart, escapeHtml, type EChartOption } from '../../shared/EChart';
import { formatMoney } from '../../shared/format';

export default function TargetChart({ rows }: { rows: TargetProgress[] }) {
  const { t, i18n } = useTranslation();
  const withAmount = useMemo(() => rows.filter((p) => p.target.amountTarget !== null), [rows]);

  const option = useMemo((): EChartOption => {
    // 万 in Chinese, K and M in English
    const compact = new Intl.NumberFormat(i18n.language, { notation: 'compact', maximumFractionDigits: 1 });
    const targetName = t('targets.chartTarget');
    const actualName = t('targets.chartActual');
    return {
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (params: Array<{ dataIndex: number }>) => {
          const p = withAmount[params[0]?.dataIndex ?? 0];
          if (!p) return '';
          return `${escapeHtml(p.target.subjectName ?? '')}<br/>${targetName}: ${formatMoney(p.target.amountTarget)}<br/>${actualName}: ${formatMoney(p.actualAmount)} (${p.amountPercent ?? 0}%)`;
        },
      },
      legend: { data: [targetName, actualName], top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: withAmount.map((p) => p.target.subjectName ?? ''), axisLabel: { interval: 0, overflow: 'truncate', width: 90 } },
      yAxis: { type: 'value', axisLabel: { formatter: (v: number) => compact.format(v) } },
      series: [
        { name: targetName, type: 'bar', data: withAmount.map((p) => Number(p.target.amountTarget)), itemStyle: { color: '#c7d7fe' }, barMaxWidth: 36 },
        {
          name: actualName,
          type: 'bar',
          itemStyle: { color: '#1d4ed8' },
          data: withAmount.map((p) => ({ value: Number(p.actualAmount), itemStyle: { color: p.behind ? '#f79009' : '#1d4ed8' } })),
          barMaxWidth: 36,
        },
      ],
    };
  }, [withAmount, t, i18n.language]);

  if (!withAmount.length) return null;
  return <EChart option={option} style={{ height: 280, marginBottom: 16 }} testId="target-chart" />;
}
