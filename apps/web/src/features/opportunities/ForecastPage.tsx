// The forecast (销售预测): open amounts by expected-close month, stacked per owner, weighted or
// not, and the amounts won per month; the table below has the exact decimal figures. One currency
// at a time: with deals in several, a selector picks which (the server's default has the most deals).
import { useMemo, useState } from 'react';
import { DatePicker, Flex, Segmented, Select, Table, Typography } from 'antd';
import { EChart, type EChartOption } from '../../shared/EChart';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { defaultCurrency, type ForecastRow } from '@guanxi/contracts';
import { PageHeader } from '../../shared/PageHeader';
import { currencyPrefix, formatMoney } from '../../shared/format';
import { pipelineLabel, usePipelines } from '../pipelines/pipelines.api';
import { DealFiltersBar } from './DealFiltersBar';
import { useForecast, type DealFilters } from './opportunities.api';

export default function ForecastPage() {
  const { t, i18n } = useTranslation();
  const pipelines = usePipelines();
  const [from, setFrom] = useState(dayjs().format('YYYY-MM'));
  const [to, setTo] = useState(dayjs().add(5, 'month').format('YYYY-MM'));
  const [pipelineId, setPipelineId] = useState<number | undefined>();
  const [filters, setFilters] = useState<DealFilters>({});
  const [mode, setMode] = useState<'weighted' | 'unweighted'>('weighted');
  const [currency, setCurrency] = useState<string | undefined>();
  const forecast = useForecast(from, to, pipelineId, filters, currency);
  const shown = forecast.data?.currency ?? currency ?? defaultCurrency;
  const money = (amount: string) => formatMoney(amount, currencyPrefix(shown));
  const currencies = forecast.data?.currencies ?? [];
  const compact = new Intl.NumberFormat(i18n.language, { notation: 'compact', maximumFractionDigits: 1 });

  const option = useMemo((): EChartOption | null => {
    const data = forecast.data;
    if (!data) return null;
    const owners = [...new Map(data.rows.map((r) => [r.ownerId, r.ownerName ?? `#${r.ownerId}`])).entries()];
    const pick = (r: ForecastRow) => Number(mode === 'weighted' ? r.weightedAmount : r.openAmount);
    const series = owners.map(([id, name]) => ({
      name: t(mode === 'weighted' ? 'opportunities.forecast.weightedSeries' : 'opportunities.forecast.unweightedSeries', { owner: name }),
      type: 'bar',
      stack: 'open',
      barMaxWidth: 40,
      data: data.months.map((m) => {
        const row = data.rows.find((r) => r.month === m && r.ownerId === id);
        return row ? pick(row) : 0;
      }),
    }));
    const won = {
      name: t('opportunities.forecast.won'),
      type: 'line',
      itemStyle: { color: '#12b76a' },
      data: data.months.map((m) => data.rows.filter((r) => r.month === m).reduce((s, r) => s + Number(r.wonAmount), 0)),
    };
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { type: 'scroll', top: 0 },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: data.months },
      yAxis: { type: 'value', axisLabel: { formatter: (v: number) => compact.format(v) } },
      series: [...series, won],
    };
  }, [forecast.data, mode, t, compact]);

  return (
    <>
      <PageHeader title={t('opportunities.forecastTitle')} description={t('opportunities.forecastDescription')} />
      <div className="gx-panel">
        <Flex gap={12} wrap style={{ marginBottom: 16 }}>
          <DatePicker.RangePicker
            picker="month"
            allowClear={false}
            value={[dayjs(`${from}-01`), dayjs(`${to}-01`)]}
            onChange={(r) => {
              if (r?.[0] && r[1]) {
                setFrom(r[0].format('YYYY-MM'));
                setTo(r[1].format('YYYY-MM'));
              }
            }}
            data-testid="forecast-range"
          />
          <Select allowClear value={pipelineId} onChange={setPipelineId} options={(pipelines.data ?? []).map((p) => ({ value: p.id, label: pipelineLabel(t, p) }))} placeholder={t('opportunities.pipeline')} style={{ width: 180 }} />
          <DealFiltersBar value={filters} onChange={setFilters} period={false} />
          <Segmented
            value={mode}
            onChange={setMode}
            options={[
              { value: 'weighted', label: t('opportunities.forecast.showWeighted') },
              { value: 'unweighted', label: t('opportunities.forecast.showUnweighted') },
            ]}
            data-testid="forecast-mode"
          />
          {currencies.length > 1 || (currency !== undefined && !currencies.includes(currency)) ? (
            <Select
              value={shown}
              onChange={setCurrency}
              options={[...new Set([...currencies, shown])].map((c) => ({ value: c, label: c }))}
              style={{ width: 110 }}
              title={t('opportunities.forecast.currencyHint')}
              aria-label={t('opportunities.forecast.currency')}
              data-testid="forecast-currency"
            />
          ) : null}
        </Flex>
        {option ? <EChart option={option} style={{ height: 320, marginBottom: 16 }} testId="forecast-chart" /> : null}
        <Table<ForecastRow>
          rowKey={(r) => `${r.month}:${r.ownerId}`}
          loading={forecast.isFetching}
          dataSource={forecast.data?.rows ?? []}
          pagination={false}
          size="small"
          data-testid="forecast-table"
          columns={[
            { key: 'month', title: t('opportunities.forecast.month'), dataIndex: 'month' },
            { key: 'owner', title: t('opportunities.forecast.owner'), render: (_, r) => r.ownerName ?? `#${r.ownerId}` },
            { key: 'openCount', title: t('opportunities.forecast.openCount'), align: 'right', dataIndex: 'openCount' },
            { key: 'openAmount', title: t('opportunities.forecast.openAmount'), align: 'right', render: (_, r) => money(r.openAmount) },
            { key: 'weighted', title: t('opportunities.forecast.weighted'), align: 'right', render: (_, r) => money(r.weightedAmount) },
            { key: 'wonCount', title: t('opportunities.forecast.wonCount'), align: 'right', dataIndex: 'wonCount' },
            { key: 'won', title: t('opportunities.forecast.won'), align: 'right', render: (_, r) => money(r.wonAmount) },
          ]}
          summary={() =>
            forecast.data ? (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0} colSpan={3}>
                  <Typography.Text strong>{t('opportunities.forecast.total')}</Typography.Text>
                </Table.Summary.Cell>
                <Table.Summary.Cell index={3} align="right">
                  <Typography.Text strong>{money(forecast.data.totals.openAmount)}</Typography.Text>
                </Table.Summary.Cell>
                <Table.Summary.Cell index={4} align="right">
                  <Typography.Text strong data-testid="forecast-total-weighted">{money(forecast.data.totals.weightedAmount)}</Typography.Text>
                </Table.Summary.Cell>
                <Table.Summary.Cell index={5} />
                <Table.Summary.Cell index={6} align="right">
                  <Typography.Text strong>{money(forecast.data.totals.wonAmount)}</Typography.Text>
                </Table.Summary.Cell>
              </Table.Summary.Row>
            ) : null
          }
        />
      </div>
    </>
  );
}
