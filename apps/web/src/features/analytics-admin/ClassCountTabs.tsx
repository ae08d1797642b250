// Customers per class of each score, one tab per score: a run's counts, or (given `proposed`) the
// counts now against those with proposed settings, with the difference and a badge of the moves.
import { Badge, Table, Tabs, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { classLabel, metricLabel, orderClasses, orderMetrics } from './class-counts';

type Counts = Record<string, Record<string, number>>;

interface Row {
  key: string;
  label: string;
  now: number;
  proposed: number;
}

/** Customers who at least must change class: the sum of the classes' gains. */
const moved = (rows: Row[]) => rows.reduce((s, r) => s + Math.max(0, r.proposed - r.now), 0);

function Change({ value }: { value: number }) {
  if (value === 0) return <Typography.Text type="secondary">0</Typography.Text>;
  return <Typography.Text type={value > 0 ? 'success' : 'danger'}>{value > 0 ? `+${value.toLocaleString()}` : value.toLocaleString()}</Typography.Text>;
}

export function ClassCountTabs({ current, proposed, testId }: { current: Counts; proposed?: Counts; testId: string }) {
  const { t } = useTranslation();
  const metrics = orderMetrics([...Object.keys(current), ...Object.keys(proposed ?? {})]);
  const columns: ColumnsType<Row> = [
    { title: t('analyticsAdmin.previewClass'), dataIndex: 'label' },
    { title: proposed ? t('analyticsAdmin.previewNow') : t('analyticsAdmin.detail.customers'), dataIndex: 'now', align: 'right', render: (v: number) => v.toLocaleString() },
    ...(proposed
      ? ([
          { title: t('analyticsAdmin.previewProposed'), dataIndex: 'proposed', align: 'right', render: (v: number) => v.toLocaleString() },
          { title: t('analyticsAdmin.previewChange'), key: 'change', align: 'right', render: (_, r) => <Change value={r.proposed - r.now} /> },
        ] satisfies ColumnsType<Row>)
      : []),
  ];
  const tables = metrics.map((m) => {
    const now = current[m] ?? {};
    const next = proposed?.[m] ?? now;
    const rows = orderClasses(m, [...Object.keys(now), ...Object.keys(next)]).map((k) => ({ key: k, label: classLabel(t, m, k), now: now[k] ?? 0, proposed: next[k] ?? 0 }));
    return { m, rows, n: moved(rows) };
  });
  // A preview opens on the first score that the change moves.
  return (
    <Tabs
      size="small"
      data-testid={testId}
      defaultActiveKey={tables.find((x) => x.n > 0)?.m ?? metrics[0]}
      items={tables.map(({ m, rows, n }) => {
        return {
          key: m,
          label: (
            <span data-testid={`${testId}-tab-${m}`}>
              {metricLabel(t, m)} {n > 0 ? <Badge count={n} overflowCount={99999} color="#fa8c16" size="small" /> : null}
            </span>
          ),
          children: <Table<Row> size="small" pagination={false} rowKey="key" dataSource={rows} columns={columns} />,
        };
      })}
    />
  );
}
