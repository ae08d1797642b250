// The data-quality dashboard (客户数据库管理的原则: 真实性, 完整性, 时效性): duplicates, invalid
// values, the completeness distribution and stale records by owner or department, and the lists
// owners work through — the least complete and the stale customers.
import { useState } from 'react';
import { Card, Col, Flex, Row, Segmented, Statistic, Table, Tabs, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { completenessBuckets, validityKinds, type QualityListItem, type QualitySummary } from '@guanxi/contracts';
import { PageHeader } from '../../shared/PageHeader';
import { CursorPager } from '../../shared/CursorPager';
import { EChart } from '../../shared/EChart';
import { useCursorList } from '../../shared/useCursorList';
import { formatDateTime } from '../../shared/format';
import { useQualitySummary } from './data-quality.api';
import { qualityFieldLabel } from './CustomerQualityCard';

function QualityList({ resource, mine }: { resource: 'data-quality/incomplete' | 'data-quality/stale'; mine: boolean }) {
  const { t } = useTranslation();
  const list = useCursorList<QualityListItem>(resource, { 'filter[ownerId]': mine ? 'me' : undefined }, 50);
  return (
    <>
      <Table<QualityListItem>
        rowKey="id"
        size="small"
        loading={list.query.isFetching}
        dataSource={list.rows}
        pagination={false}
        columns={[
          { title: t('customerField.name'), render: (_, r) => <Link to={`/customers/${r.id}`}>{r.name}</Link> },
          { title: t('customerField.ownerId'), render: (_, r) => r.ownerName ?? t('dataQuality.pool') },
          { title: t('dataQuality.score'), width: 90, render: (_, r) => <Tag color={r.score < 40 ? 'red' : r.score < 60 ? 'orange' : 'green'}>{r.score}</Tag> },
          { title: t('dataQuality.missingTitle'), render: (_, r) => r.missing.map((f) => qualityFieldLabel(t, f)).join('、') },
          { title: t('dataQuality.idle'), width: 160, render: (_, r) => t('dataQuality.idleDays', { count: r.idleDays }) },
          { title: t('dataQuality.verifiedTitle'), width: 170, render: (_, r) => formatDateTime(r.verifiedAt) },
        ]}
      />
      {/* list totals are not counted (a million rows); the pager pages by cursor */}
      <CursorPager list={list} total={list.rows.length} />
    </>
  );
}

function Dashboard({ data, groupBy }: { data: QualitySummary; groupBy: 'owner' | 'department' }) {
  const { t } = useTranslation();
  const invalidTotal = validityKinds.reduce((n, k) => n + data.totals.invalid[k], 0);
  return (
    <>
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}><Card><Statistic title={t('dataQuality.customers')} value={data.totals.customers} /></Card></Col>
        <Col xs={12} md={6}><Card><Statistic title={t('dataQuality.averageScore')} value={data.totals.averageScore} /></Card></Col>
        <Col xs={12} md={6}><Card><Statistic title={t('dataQuality.inDuplicates')} value={data.totals.duplicates} /></Card></Col>
        <Col xs={12} md={6}><Card><Statistic title={t('dataQuality.staleCount', { days: data.staleAfterDays })} value={data.totals.stale} /></Card></Col>
      </Row>
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} lg={12}>
          <Card title={t('dataQuality.distribution')}>
            <EChart
              testId="quality-distribution"
              style={{ height: 260 }}
              option={{
                tooltip: {},
                grid: { left: 40, right: 16, top: 16, bottom: 30 },
                xAxis: { type: 'category', data: [...completenessBuckets] },
                yAxis: { type: 'value', minInterval: 1 },
                series: [{ type: 'bar', data: completenessBuckets.map((b) => data.totals.completeness[b]), itemStyle: { color: '#1677ff' } }],
              }}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('dataQuality.invalidTitle', { count: invalidTotal })}>
            <EChart
              style={{ height: 260 }}
              option={{
                tooltip: {},
                grid: { left: 90, right: 16, top: 16, bottom: 30 },
                xAxis: { type: 'value', minInterval: 1 },
                yAxis: { type: 'category', data: validityKinds.map((k) => t(`customerField.${k}`)) },
                series: [{ type: 'bar', data: validityKinds.map((k) => data.totals.invalid[k]), itemStyle: { color: '#f5222d' } }],
              }}
            />
          </Card>
        </Col>
      </Row>
      <Card title={t(groupBy === 'owner' ? 'dataQuality.byOwner' : 'dataQuality.byDepartment')} style={{ marginTop: 16 }}>
        <Table
          rowKey={(g) => String(g.id)}
          size="small"
          pagination={false}
          dataSource={data.groups}
          columns={[
            { title: t(groupBy === 'owner' ? 'customerField.ownerId' : 'dataQuality.department'), render: (_, g) => g.name ?? (groupBy === 'owner' ? t('dataQuality.pool') : t('dataQuality.noDepartment')) },
            { title: t('dataQuality.customers'), dataIndex: 'customers' },
            { title: t('dataQuality.averageScore'), dataIndex: 'averageScore' },
            { title: t('dataQuality.inDuplicates'), dataIndex: 'duplicates' },
            { title: t('dataQuality.invalidShort'), render: (_, g) => validityKinds.reduce((n, k) => n + g.invalid[k], 0) },
            { title: t('dataQuality.staleShort'), dataIndex: 'stale' },
            { title: t('dataQuality.lowScore'), render: (_, g) => g.completeness['0-19'] + g.completeness['20-39'] },
          ]}
        />
      </Card>
    </>
  );
}

export default function DataQualityPage() {
  const { t } = useTranslation();
  const [groupBy, setGroupBy] = useState<'owner' | 'department'>('owner');
  const [mine, setMine] = useState(false);
  const summary = useQualitySummary(groupBy);
  return (
    <>
      <PageHeader
        title={t('dataQuality.title')}
        description={t('dataQuality.description')}
        extra={<Segmented value={groupBy} onChange={(v) => setGroupBy(v as typeof groupBy)} options={[{ value: 'owner', label: t('dataQuality.byOwner') }, { value: 'department', label: t('dataQuality.byDepartment') }]} />}
      />
      {summary.data ? <Dashboard data={summary.data} groupBy={groupBy} /> : <Card loading />}
      <Card style={{ marginTop: 16 }}>
        <Flex justify="end">
          <Segmented value={mine ? 'mine' : 'all'} onChange={(v) => setMine(v === 'mine')} options={[{ value: 'all', label: t('duplicates.allOwners') }, { value: 'mine', label: t('duplicates.mine') }]} />
        </Flex>
        <Tabs
          items={[
            { key: 'incomplete', label: t('dataQuality.incompleteTab'), children: <QualityList resource="data-quality/incomplete" mine={mine} /> },
            { key: 'stale', label: t('dataQuality.staleTab'), children: <QualityList resource="data-quality/stale" mine={mine} /> },
          ]}
        />
      </Card>
    </>
  );
}
