// How a task shows its kind and the record it is about, wherever tasks are listed.
import { Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { Task } from '@guanxi/contracts';
import { features } from '../../app/features';

/** Colours of the kinds that need attention; any other kind shows plain. */
const kindColors: Partial<Record<Task['kind'], string>> = { follow_up: 'blue', pool_warning: 'orange', approval: 'purple', sla_escalation: 'red', return_visit: 'cyan', churn_warning: 'magenta', overdue_warning: 'volcano' };

export function TaskKindTag({ kind }: { kind: Task['kind'] }) {
  const { t } = useTranslation();
  return (
    <Tag color={kindColors[kind] ?? 'default'} data-testid="task-kind">
      {t(`enums.taskKind.${kind}`)}
    </Tag>
  );
}

const relatedPaths: Record<NonNullable<Task['relatedType']>, string> = {
  customer: '/customers/:id',
  lead: '/leads/:id',
  opportunity: '/opportunities/:id',
  order: '/orders/:id',
  ticket: '/tickets/:id',
};

/** The related record's name, linked to its page when the app has one for that kind of record. */
export function TaskRelatedLink({ task, size = 13 }: { task: Task; size?: number }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  if (!task.relatedType || !task.relatedId) return null;
  const label = task.relatedLabel ?? `#${task.relatedId}`;
  const path = relatedPaths[task.relatedType];
  const routed = features.some((f) => f.path === path);
  const text = `${t(`tasks.relatedType.${task.relatedType}`)} · ${label}`;
  if (!routed) return <Typography.Text type="secondary" style={{ fontSize: size }}>{text}</Typography.Text>;
  return (
    <Typography.Link style={{ fontSize: size }} onClick={() => void navigate(path.replace(':id', String(task.relatedId)))} data-testid="task-related">
      {text}
    </Typography.Link>
  );
}
