// How a deal's stage changes read on the customer timeline (CustomerTimeline.tsx calls this for
// the `opportunity` item type): created in a stage, or moved from one to another (naming both
// pipelines when the deal moved to another pipeline), with the reason.
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Tag, Typography } from 'antd';
import { ProjectOutlined } from '@ant-design/icons';
import type { TFunction } from 'i18next';
import { defaultCurrency, type TimelineItem } from '@guanxi/contracts';
import { currencyPrefix, formatMoney } from '../../shared/format';
import { pipelineLabel, stageLabelOf } from '../pipelines/pipelines.api';

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

export function opportunityTimelineItem(i: TimelineItem, head: (what: string, extra?: ReactNode) => ReactNode, t: TFunction) {
  const created = i.data.fromStageName === null || i.data.fromStageName === undefined;
  const fromPipeline = str(i.data.fromPipelineName);
  const toPipeline = str(i.data.toPipelineName);
  const crossing = !created && str(i.data.fromPipelineId) !== '' && str(i.data.fromPipelineId) !== str(i.data.toPipelineId);
  const inPipeline = (pipeline: string, stage: string) => (crossing ? t('opportunities.stageInPipeline', { pipeline: pipelineLabel(t, { name: pipeline }), stage }) : stage);
  const to = inPipeline(toPipeline, stageLabelOf(t, str(i.data.toStageKey) || null, str(i.data.toStageName)));
  const kind = str(i.data.toStageKind);
  const reason = str(i.data.reason);
  const currency = str(i.data.currency);
  return {
    key: i.id,
    color: kind === 'won' ? 'green' : kind === 'lost' ? 'red' : 'blue',
    icon: <ProjectOutlined />,
    content: (
      <div className="gx-timeline-item" data-testid="timeline-opportunity">
        {head(
          t(created ? 'timeline.opportunityCreated' : 'timeline.opportunityMoved'),
          <Tag color={kind === 'won' ? 'green' : kind === 'lost' ? 'red' : 'blue'}>
            {created ? to : `${inPipeline(fromPipeline, stageLabelOf(t, str(i.data.fromStageKey) || null, str(i.data.fromStageName)))} → ${to}`}
          </Tag>,
        )}
        <Typography.Text style={{ display: 'block', marginTop: 4 }}>
          <Link to={`/opportunities/list?open=${str(i.data.opportunityId)}`}>{str(i.data.name)}</Link> · {formatMoney(str(i.data.amount), currencyPrefix(currency || defaultCurrency))}
        </Typography.Text>
        {reason ? <Typography.Text type="secondary">{t('timeline.reason', { reason })}</Typography.Text> : null}
      </div>
    ),
  };
}
