// The complaint workflow (投诉处理) of one ticket: the steps as antd Steps (received → recorded →
// judged → solution → approval when the compensation is above the configured amount → carried
// out → visited → closed), the form of the NEXT step only, and what each step recorded.
import { useNavigate } from 'react-router';
import { Alert, Button, Card, Empty, Flex, Form, Input, InputNumber, Radio, Select, Space, Steps, Timeline, Typography } from 'antd';
import { CheckOutlined, CloseOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import dayjs from 'dayjs';
import { complaintRootCauses, type ReturnVisit, type TicketDetail, type TicketStep } from '@guanxi/contracts';
import { api, type Page } from '../../api/client';
import { formatDate, formatDateTime, formatMoney } from '../../shared/format';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { useCan, useCurrentUser } from '../auth/session';
import { serviceSettingsKey, useTicketAction, type StepBody, type TicketStepName } from './tickets.api';

type PathStep = TicketStepName | 'approval';

/** The steps of the current round: everything since the last reopening (a reopened complaint starts again at recording). */
function currentRound(steps: TicketStep[]): TicketStep[] {
  const i = steps.map((s) => s.step).lastIndexOf('reopened');
  return i < 0 ? steps : steps.slice(i);
}

const last = (steps: TicketStep[], ...names: TicketStepName[]) => [...steps].reverse().find((s) => names.includes(s.step));

function pathOf(round: TicketStep[]): PathStep[] {
  const start: PathStep = round[0]?.step === 'reopened' ? 'reopened' : 'received';
  const judged = last(round, 'judged');
  if (judged?.data.validity === 'invalid') return [start, 'recorded', 'judged', 'closed'];
  const proposal = last(round, 'solution_proposed');
  const withApproval = proposal?.data.needsApproval === true;
  return [start, 'recorded', 'judged', 'solution_proposed', ...(withApproval ? (['approval'] as const) : []), 'carried_out', 'visited', 'closed'];
}

/** Whether a step of the path is done in this round: a proposal counts only if no rejection came after it. */
function isDone(round: TicketStep[], step: PathStep): boolean {
  if (step === 'approval') return last(round, 'solution_approved', 'solution_rejected', 'solution_proposed')?.step === 'solution_approved' || round.some((s) => s.step === 'carried_out');
  if (step === 'solution_proposed') {
    const decided = last(round, 'solution_proposed', 'solution_rejected');
    return decided?.step === 'solution_proposed';
  }
  return round.some((s) => s.step === step);
}

function stepSummary(t: TFunction, s: TicketStep): string | null {
  const d = s.data;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  switch (s.step) {
    case 'received':
      return typeof d.channel === 'string' ? t('tickets.stepText.received', { channel: t(`tickets.channel.${d.channel as 'phone'}`) }) : null;
    case 'recorded':
      return Array.isArray(d.keyPoints) ? (d.keyPoints as unknown[]).map((p, i) => `${i + 1}. ${String(p)}`).join('\n') : null;
    case 'judged':
      return `${d.validity === 'valid' ? t('tickets.validity.valid') : t('tickets.validity.invalid')} — ${str(d.reason)}${d.rootCause ? `\n${t('tickets.field.rootCause')}${t('common.colon')}${rootCauseLabel(t, str(d.rootCause))}` : ''}`;
    case 'solution_proposed':
      return `${str(d.solution)}\n${t('tickets.field.compensation')}${t('common.colon')}${formatMoney(str(d.compensation) || '0')}${d.needsApproval === true ? ` · ${t('tickets.needsApprovalShort', { amount: formatMoney(str(d.threshold)) })}` : ''}`;
    case 'solution_rejected':
    case 'reopened':
      return str(d.reason);
    case 'visited':
      return t('tickets.stepText.visited', { satisfaction: Number(d.satisfaction ?? 0), nps: d.wouldRecommend === null || d.wouldRecommend === undefined ? '—' : String(d.wouldRecommend as number) }) + (d.comment ? `\n${str(d.comment)}` : '');
    default:
      return null;
  }
}

export function rootCauseLabel(t: TFunction, cause: string): string {
  if (cause === 'unknown') return t('tickets.rootCause.unknown');
  return (complaintRootCauses as readonly string[]).includes(cause) ? t(`tickets.rootCause.${cause as 'other'}`) : cause;
}

export function ComplaintWorkflow({ ticket }: { ticket: TicketDetail }) {
  const { t } = useTranslation();
  const round = currentRound(ticket.steps);
  const path = pathOf(round);
  const current = path.findIndex((s) => !isDone(round, s));
  const rejected = last(round, 'solution_proposed', 'solution_rejected', 'solution_approved');
  const items = path.map((s, i) => {
    const record = s === 'approval' ? last(round, 'solution_approved', 'solution_rejected') : last(round, s);
    const done = isDone(round, s);
    const status: 'finish' | 'process' | 'wait' | 'error' = done ? 'finish' : i === current ? (s === 'solution_proposed' && rejected?.step === 'solution_rejected' ? 'error' : 'process') : 'wait';
    return {
      key: s,
      title: t(`tickets.step.${s}`),
      status,
      content: done && record ? <Typography.Text type="secondary" style={{ fontSize: 12 }}>{dayjs(record.at).format('MM-DD HH:mm')}</Typography.Text> : null,
    };
  });
  return (
    <Card title={t('tickets.workflow')} style={{ marginBottom: 20 }} data-testid="complaint-workflow">
      <Steps size="small" titlePlacement="vertical" current={current < 0 ? path.length : current} items={items} style={{ marginBottom: 20 }} responsive />
      <NextStep ticket={ticket} round={round} />
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {t('tickets.stepHistory')}
      </Typography.Title>
      <Timeline
        items={ticket.steps.map((s) => {
          const text = stepSummary(t, s);
          return {
            key: s.id,
            color: s.step === 'solution_rejected' ? 'red' : s.step === 'reopened' ? 'orange' : s.step === 'closed' ? 'gray' : 'blue',
            content: (
              <Flex vertical gap={2}>
                <Typography.Text strong>
                  {t(`tickets.step.${s.step}`)}
                  <Typography.Text type="secondary" style={{ fontWeight: 'normal', marginInlineStart: 8, fontSize: 12 }}>
                    {s.actorName ?? ''} · {formatDateTime(s.at)}
                  </Typography.Text>
                </Typography.Text>
                {text ? <Typography.Text style={{ whiteSpace: 'pre-wrap' }}>{text}</Typography.Text> : null}
                {s.note ? <Typography.Text type="secondary" style={{ whiteSpace: 'pre-wrap' }}>{s.note}</Typography.Text> : null}
              </Flex>
            ),
          };
        })}
      />
    </Card>
  );
}

interface StepValues {
  keyPoints?: string;
  validity?: 'valid' | 'invalid';
  reason?: string;
  rootCause?: string | null;
  solution?: string;
  compensation?: string | null;
  note?: string;
}

function NextStep({ ticket, round }: { ticket: TicketDetail; round: TicketStep[] }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const can = useCan();
  const me = useCurrentUser();
  const onError = useMutationErrors();
  const act = useTicketAction(ticket);
  const [form] = Form.useForm<StepValues>();
  const [rejectForm] = Form.useForm<{ reason: string }>();
  const settings = useQuery({ queryKey: serviceSettingsKey, queryFn: () => api<{ compensationApprovalThreshold: string; complaintVisitDelayDays: number; version: number }>('/service-settings'), staleTime: 60_000 });
  const next = ticket.nextSteps;
  const visits = useQuery({
    queryKey: ['return-visits', 'for-ticket', ticket.id],
    queryFn: () => api<Page<ReturnVisit>>('/return-visits', { query: { 'filter[ticketId]': ticket.id, limit: 5 } }),
    select: (p) => p.data,
    enabled: next.includes('visited'),
  });
  if (!can('service.write')) return null;
  if (!next.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('tickets.noNextStep')} />;

  const submit = (body: StepBody) =>
    act.mutate(
      { kind: 'step', body },
      {
        // only the form on screen is connected; the next step starts empty
        onSuccess: () => (next.includes('solution_approved') ? rejectForm : form).resetFields(),
        onError: (e) => onError(e, { form }),
      },
    );
  const note = (v: StepValues) => (v.note?.trim() ? v.note.trim() : null);
  const noteField = (
    <Form.Item name="note" label={t('tickets.stepNote')} rules={[{ max: 5000, message: t('validation.maxLength', { max: 5000 }) }]}>
      <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} />
    </Form.Item>
  );
  const submitButton = (label: string, danger?: boolean) => (
    <Button type="primary" danger={danger} htmlType="submit" loading={act.isPending} data-testid="ticket-step-submit">
      {label}
    </Button>
  );
  const required = (field: string) => ({ required: true, whitespace: true, message: t('validation.required', { field }) });

  // Approval: the solution's compensation is above the configured amount.
  if (next.includes('solution_approved')) {
    const proposal = last(round, 'solution_proposed');
    const amount = typeof proposal?.data.compensation === 'string' ? proposal.data.compensation : '0';
    const threshold = typeof proposal?.data.threshold === 'string' ? proposal.data.threshold : (settings.data?.compensationApprovalThreshold ?? '');
    const mayDecide = me.dataScope === 'all' || me.dataScope === 'department_tree' || ticket.assigneeId !== me.id;
    return (
      <Flex vertical gap={12}>
        <Alert
          type="warning"
          showIcon
          data-testid="ticket-approval-banner"
          title={t('tickets.approvalRequired', { amount: formatMoney(amount), threshold: formatMoney(threshold) })}
          description={
            <Flex vertical>
              <Typography.Text style={{ whiteSpace: 'pre-wrap' }}>{typeof proposal?.data.solution === 'string' ? proposal.data.solution : ''}</Typography.Text>
              <Typography.Text type="secondary">{mayDecide ? t('tickets.approvalYou') : t('tickets.approvalWaiting')}</Typography.Text>
            </Flex>
          }
        />
        {mayDecide ? (
          <Form form={rejectForm} layout="vertical" onFinish={(v) => submit({ step: 'solution_rejected', reason: v.reason.trim() })}>
            <Form.Item name="reason" label={t('tickets.rejectReason')} extra={t('tickets.rejectHelp')} rules={[{ max: 2000, message: t('validation.maxLength', { max: 2000 }) }]}>
              <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} data-testid="ticket-reject-reason" />
            </Form.Item>
            <Space>
              <Button type="primary" icon={<CheckOutlined />} loading={act.isPending && act.variables?.kind === 'step' && act.variables.body.step === 'solution_approved'} onClick={() => submit({ step: 'solution_approved', note: null })} data-testid="ticket-approve">
                {t('tickets.approve')}
              </Button>
              <Button
                danger
                icon={<CloseOutlined />}
                onClick={() => {
                  const reason = (rejectForm.getFieldValue('reason') as string | undefined)?.trim();
                  if (!reason) rejectForm.setFields([{ name: 'reason', errors: [t('validation.required', { field: t('tickets.rejectReason') })] }]);
                  else rejectForm.submit();
                }}
                data-testid="ticket-reject"
              >
                {t('tickets.reject')}
              </Button>
            </Space>
          </Form>
        ) : null}
      </Flex>
    );
  }

  if (next.includes('visited')) {
    const visit = visits.data?.find((v) => v.status === 'scheduled');
    return (
      <Alert
        type="info"
        showIcon
        title={t('tickets.visitStep')}
        description={visit ? t('tickets.visitScheduled', { date: formatDate(visit.scheduledOn), name: visit.assigneeName ?? '' }) : t('tickets.visitNone')}
        action={
          <Button size="small" onClick={() => void navigate(`/return-visits?ticketId=${ticket.id}`)} data-testid="ticket-open-visit">
            {t('tickets.openVisit')}
          </Button>
        }
      />
    );
  }

  const step = next[0];
  const rejection = last(round, 'solution_proposed', 'solution_rejected');
  return (
    <Form<StepValues>
      form={form}
      layout="vertical"
      data-testid="ticket-step-form"
      onFinish={(v) => {
        if (step === 'recorded') {
          const keyPoints = (v.keyPoints ?? '').split('\n').map((s) => s.trim()).filter(Boolean);
          submit({ step, keyPoints, note: note(v) });
        } else if (step === 'judged') submit({ step, validity: v.validity ?? 'valid', reason: (v.reason ?? '').trim(), rootCause: v.rootCause ?? null, note: note(v) });
        else if (step === 'solution_proposed') submit({ step, solution: (v.solution ?? '').trim(), compensation: v.compensation ? String(v.compensation) : '0', note: note(v) });
        else if (step === 'reopened') submit({ step, reason: (v.reason ?? '').trim(), note: note(v) });
        else if (step === 'carried_out' || step === 'closed') submit({ step, note: note(v) });
      }}
    >
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        {step === 'reopened' ? t('tickets.reopenTitle') : t('tickets.nextStep', { step: t(`tickets.step.${step ?? 'closed'}`) })}
      </Typography.Title>
      {step === 'recorded' ? (
        <>
          <Form.Item
            name="keyPoints"
            label={t('tickets.keyPoints')}
            extra={t('tickets.keyPointsHelp')}
            rules={[
              required(t('tickets.keyPoints')),
              {
                validator: (_r, v: string | undefined) => {
                  const lines = (v ?? '').split('\n').map((s) => s.trim()).filter(Boolean);
                  if (lines.length > 20) return Promise.reject(new Error(t('tickets.keyPointsMax')));
                  if (lines.some((l) => l.length > 500)) return Promise.reject(new Error(t('validation.maxLength', { max: 500 })));
                  return Promise.resolve();
                },
              },
            ]}
          >
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 10 }} data-testid="ticket-key-points" />
          </Form.Item>
          {noteField}
          {submitButton(t('tickets.stepAction.recorded'))}
        </>
      ) : step === 'judged' ? (
        <>
          <Form.Item name="validity" label={t('tickets.validityLabel')} rules={[{ required: true, message: t('validation.select', { field: t('tickets.validityLabel') }) }]}>
            <Radio.Group
              optionType="button"
              buttonStyle="solid"
              options={[
                { value: 'valid', label: t('tickets.validity.valid') },
                { value: 'invalid', label: t('tickets.validity.invalid') },
              ]}
              data-testid="ticket-validity"
            />
          </Form.Item>
          <Form.Item name="reason" label={t('tickets.judgeReason')} rules={[required(t('tickets.judgeReason')), { max: 2000, message: t('validation.maxLength', { max: 2000 }) }]}>
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} data-testid="ticket-judge-reason" />
          </Form.Item>
          <Form.Item name="rootCause" label={t('tickets.field.rootCause')}>
            <Select<string> allowClear options={complaintRootCauses.map((c) => ({ value: c, label: t(`tickets.rootCause.${c}`) }))} style={{ maxWidth: 280 }} data-testid="ticket-root-cause" />
          </Form.Item>
          {noteField}
          {submitButton(t('tickets.stepAction.judged'))}
        </>
      ) : step === 'solution_proposed' ? (
        <>
          {rejection?.step === 'solution_rejected' ? (
            <Alert type="error" showIcon style={{ marginBottom: 16 }} title={t('tickets.rejectedBanner', { name: rejection.actorName ?? '' })} description={typeof rejection.data.reason === 'string' ? rejection.data.reason : undefined} data-testid="ticket-rejected-banner" />
          ) : null}
          <Form.Item name="solution" label={t('tickets.solution')} rules={[required(t('tickets.solution')), { max: 5000, message: t('validation.maxLength', { max: 5000 }) }]}>
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} data-testid="ticket-solution" />
          </Form.Item>
          <Form.Item
            name="compensation"
            label={t('tickets.field.compensation')}
            extra={settings.data ? t('tickets.compensationHelp', { amount: formatMoney(settings.data.compensationApprovalThreshold) }) : null}
          >
            <InputNumber<string> stringMode min="0" max="999999999999.99" precision={2} prefix="¥" style={{ width: 200 }} data-testid="ticket-compensation" />
          </Form.Item>
          {noteField}
          {submitButton(t('tickets.stepAction.solution_proposed'))}
        </>
      ) : step === 'reopened' ? (
        <>
          <Form.Item name="reason" label={t('tickets.reopenReason')} rules={[required(t('tickets.reopenReason')), { max: 2000, message: t('validation.maxLength', { max: 2000 }) }]}>
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} data-testid="ticket-reopen-reason" />
          </Form.Item>
          {submitButton(t('tickets.stepAction.reopened'))}
        </>
      ) : (
        <>
          <Typography.Paragraph type="secondary">{step === 'carried_out' ? t('tickets.carriedOutHelp') : t('tickets.closeHelp')}</Typography.Paragraph>
          {noteField}
          {submitButton(t(`tickets.stepAction.${step === 'carried_out' ? 'carried_out' : 'closed'}`))}
        </>
      )}
    </Form>
  );
}
