// The home page's target card: progress of this month's and this quarter's targets — mine, or my
// team's (the users and departments my data scope covers, other than me) — with behind-schedule
// targets flagged (销售进度预警). Each row opens the targets report for its period.
import { Card, Empty, Flex, Segmented, Tag, Typography } from 'antd';
import { AimOutlined, RightOutlined } from '@ant-design/icons';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { TargetProgressReport } from '@guanxi/contracts';
import { useCan, useCurrentUser } from '../auth/session';
import { BehindTag, TargetProgressBars } from './TargetProgressBars';
import { useMyTargetProgress, useTargetProgress } from './targets.api';

const TEAM_ROWS = 6;

export default function TargetProgressWidget({ scope }: { scope: 'me' | 'team' }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const can = useCan();
  const me = useCurrentUser();
  const [kind, setKind] = useState<'month' | 'quarter'>('month');
  const mine = useMyTargetProgress(scope === 'me');
  const team = useTargetProgress(kind, scope === 'team');
  const report: TargetProgressReport | undefined = scope === 'me' ? mine.data?.[kind] : team.data;
  const rows = (report?.data ?? []).filter((p) => scope === 'me' || p.target.userId !== me.id);
  // The ones lagging first, so a manager sees who needs help without scrolling.
  const sorted = scope === 'team' ? [...rows].sort((a, b) => Number(b.behind) - Number(a.behind)) : rows;
  const behindCount = rows.filter((p) => p.behind).length;
  const open = () => report && void navigate(`/targets?period=${report.period}`);

  return (
    <Card
      title={
        <Flex gap={8} align="center">
          <AimOutlined />
          <span>{scope === 'me' ? t('targets.widgetMine') : t('targets.widgetTeam')}</span>
        </Flex>
      }
      extra={
        <Segmented<'month' | 'quarter'>
          size="small"
          value={kind}
          onChange={setKind}
          options={[
            { value: 'month', label: t('targets.thisMonth') },
            { value: 'quarter', label: t('targets.thisQuarter') },
          ]}
          data-testid="target-widget-period"
        />
      }
      loading={scope === 'me' ? mine.isPending : team.isPending}
      style={{ height: '100%' }}
      data-testid={`target-widget-${scope}`}
    >
      {report ? (
        <Flex vertical gap={14}>
          {/* The behind-schedule count sits here, not in the title: beside the period switch it wrapped the title onto two lines. */}
          <Flex justify="space-between" align="center" gap={8} wrap>
            <Typography.Text type="secondary" style={{ fontSize: 13 }}>
              {t('targets.timeProgress', { period: report.period, expected: report.expectedPercent })}
            </Typography.Text>
            {behindCount ? (
              <Tag color="warning" style={{ marginInlineEnd: 0 }} data-testid="target-behind-count">
                {t('targets.behindCount', { count: behindCount })}
              </Tag>
            ) : null}
          </Flex>
          {sorted.length ? (
            sorted.slice(0, TEAM_ROWS).map((p) => (
              <div key={p.target.id} className="gx-clickable-row" onClick={open} data-testid="target-widget-row">
                <Flex justify="space-between" align="center" gap={8} style={{ marginBottom: 4 }}>
                  <Typography.Text strong ellipsis style={{ minWidth: 0 }}>
                    {scope === 'me' ? t(kind === 'month' ? 'targets.monthTarget' : 'targets.quarterTarget') : (p.target.subjectName ?? '')}
                    {scope === 'team' && p.target.subject === 'department' ? <Typography.Text type="secondary"> · {t('targets.subject.department')}</Typography.Text> : null}
                  </Typography.Text>
                  <BehindTag behind={p.behind} />
                </Flex>
                <TargetProgressBars p={p} tolerance={report.tolerancePoints} />
              </div>
            ))
          ) : (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={
                <>
                  <div>{kind === 'month' ? t('targets.noneMonth') : t('targets.noneQuarter')}</div>
                  {can('sales.manage') ? (
                    <Typography.Link onClick={() => void navigate(`/targets?period=${report.period}`)} data-testid="target-widget-set">
                      {t('targets.setTargets')}
                    </Typography.Link>
                  ) : null}
                </>
              }
            />
          )}
          {sorted.length > TEAM_ROWS || (scope === 'team' && sorted.length) ? (
            <Typography.Link onClick={open} style={{ alignSelf: 'flex-end' }}>
              {t('targets.openReport')} <RightOutlined />
            </Typography.Link>
          ) : null}
        </Flex>
      ) : null}
    </Card>
  );
}
