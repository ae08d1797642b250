// One lead: its details, the status actions (contacted, qualified, disqualified with a reason),
// pool moves, follow-ups, and converting it. A converted lead shows what it became and keeps its
// follow-ups readable.
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { App, Button, Card, Col, Descriptions, Empty, Flex, Form, Input, Modal, Result, Row, Skeleton, Tag, Timeline, Tooltip, Typography } from 'antd';
import { ArrowLeftOutlined, MessageOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Lead } from '@guanxi/contracts';
import { api, isApiError } from '../../api/client';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { formatDate, formatDateTime } from '../../shared/format';
import { useCan, useCurrentUser } from '../auth/session';
import { FollowUpModal } from '../follow-ups/FollowUpModal';
import { ConvertLeadModal } from './ConvertLeadModal';
import { LeadFormModal } from './LeadFormModal';
import { leadStatusColor, leadsKey, useLead, useLeadFollowUps } from './leads.api';

export default function LeadPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { message, modal } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const can = useCan();
  const me = useCurrentUser();
  const id = Number(useParams().id);
  const lead = useLead(id);
  const followUps = useLeadFollowUps(id);
  const [editing, setEditing] = useState(false);
  const [following, setFollowing] = useState(false);
  const [converting, setConverting] = useState(false);
  const [disqualifying, setDisqualifying] = useState(false);
  const [reasonForm] = Form.useForm<{ reason: string }>();

  const refresh = () => void client.invalidateQueries({ queryKey: leadsKey });
  const status = useMutation({
    mutationFn: (v: { lead: Lead; status: 'contacted' | 'qualified' | 'disqualified'; reason?: string }) =>
      api<Lead>(`/leads/${v.lead.id}/status`, { method: 'POST', body: { status: v.status, ...(v.reason ? { reason: v.reason } : {}), version: v.lead.version } }),
    onSuccess: (l) => {
      refresh();
      setDisqualifying(false);
      void message.success(t('leads.statusToast', { status: t(`leads.status.${l.status}`) }));
    },
    onError: (e) => onError(e, { form: reasonForm, onReload: refresh }),
  });
  const move = useMutation({
    mutationFn: (v: { lead: Lead; action: 'claim' | 'release' | 'delete' }) =>
      v.action === 'delete' ? api<null>(`/leads/${v.lead.id}`, { method: 'DELETE' }) : api<Lead>(`/leads/${v.lead.id}/${v.action}`, { method: 'POST', body: {} }),
    onSuccess: (_r, v) => {
      refresh();
      if (v.action === 'delete') {
        void message.success(t('leads.deletedToast'));
        void navigate('/leads');
      } else void message.success(v.action === 'claim' ? t('leads.claimedToast', { name: v.lead.name }) : t('leads.releasedToast'));
    },
    onError: (e) => onError(e),
  });

  if (lead.isLoading) return <Skeleton active />;
  if (lead.error || !lead.data) {
    const notFound = isApiError(lead.error) && lead.error.code === 'NOT_FOUND';
    return <Result status={notFound ? '404' : 'error'} title={notFound ? t('errors.NOT_FOUND') : t('errors.unknown')} extra={<Button onClick={() => void navigate('/leads')}>{t('leads.back')}</Button>} />;
  }
  const l = lead.data;
  const writable = can('sales.write') && l.status !== 'converted' && l.ownerId !== null;
  const dash = <Typography.Text type="secondary">—</Typography.Text>;
  const field = (v: string | null) => v ?? dash;

  const actions = (
    <Flex gap={8} wrap>
      {l.ownerId === null && can('sales.write') ? (
        <Button type="primary" onClick={() => move.mutate({ lead: l, action: 'claim' })} loading={move.isPending} data-testid="lead-claim">
          {t('leads.claim')}
        </Button>
      ) : null}
      {writable && l.status === 'new' ? (
        <Button onClick={() => status.mutate({ lead: l, status: 'contacted' })} data-testid="lead-contacted">
          {t('leads.markContacted')}
        </Button>
      ) : null}
      {writable && ['new', 'contacted', 'disqualified'].includes(l.status) ? (
        <Button onClick={() => status.mutate({ lead: l, status: 'qualified' })} loading={status.isPending && status.variables?.status === 'qualified'} data-testid="lead-qualify">
          {t('leads.qualify')}
        </Button>
      ) : null}
      {writable && ['new', 'contacted', 'qualified'].includes(l.status) ? (
        <Button
          danger
          onClick={() => {
            reasonForm.resetFields();
            setDisqualifying(true);
          }}
          data-testid="lead-disqualify"
        >
          {t('leads.disqualify')}
        </Button>
      ) : null}
      {writable && can('customers.write') ? (
        <Tooltip title={l.status === 'qualified' ? undefined : t('leads.convertOnlyQualified')}>
          <Button type="primary" disabled={l.status !== 'qualified'} onClick={() => setConverting(true)} data-testid="lead-convert">
            {t('leads.convert')}
          </Button>
        </Tooltip>
      ) : null}
      {writable ? (
        <Button onClick={() => setEditing(true)} data-testid="lead-edit">
          {t('common.edit')}
        </Button>
      ) : null}
      {writable && (l.ownerId === me.id || can('customers.assign') || can('sales.manage')) ? (
        <Button onClick={() => modal.confirm({ title: t('leads.releaseConfirm'), onOk: () => move.mutate({ lead: l, action: 'release' }) })} data-testid="lead-release">
          {t('leads.release')}
        </Button>
      ) : null}
      {/* a converted lead is the history of a customer: it stays */}
      {can('sales.write') && l.ownerId !== null && l.status !== 'converted' ? (
        <Button danger type="text" onClick={() => modal.confirm({ title: t('leads.deleteConfirm'), okButtonProps: { danger: true }, onOk: () => move.mutate({ lead: l, action: 'delete' }) })} data-testid="lead-delete">
          {t('common.delete')}
        </Button>
      ) : null}
    </Flex>
  );

  return (
    <>
      <Flex className="gx-page-header" justify="space-between" align="flex-start" gap={16} wrap>
        <div style={{ minWidth: 0, flex: '1 1 320px' }}>
          <Link to="/leads">
            <ArrowLeftOutlined /> {t('leads.back')}
          </Link>
          <Typography.Title level={3} style={{ margin: '6px 0 0' }} data-testid="lead-title">
            {l.name}
            {l.companyName ? <Typography.Text type="secondary" style={{ fontSize: 16, fontWeight: 400, marginLeft: 12 }}>{l.companyName}</Typography.Text> : null}
          </Typography.Title>
          <Flex gap={8} style={{ marginTop: 8 }}>
            <Tag color={leadStatusColor[l.status]} data-testid="lead-status">
              {t(`leads.status.${l.status}`)}
            </Tag>
            <Tag>{t(`leads.source.${l.source}`)}</Tag>
            {l.ownerId === null ? <Tag color="orange">{t('leads.inPool')}</Tag> : null}
          </Flex>
        </div>
        {actions}
      </Flex>

      {l.status === 'converted' ? (
        <Card size="small" style={{ marginBottom: 16 }} data-testid="lead-converted">
          <Flex gap={16} align="center" wrap>
            <Typography.Text>{t('leads.convertedInfo', { at: formatDateTime(l.convertedAt) })}</Typography.Text>
            {l.convertedCustomerId ? <Link to={`/customers/${l.convertedCustomerId}`}>{t('leads.openCustomer')}</Link> : null}
            {l.convertedOpportunityId ? <Link to={`/opportunities/list?open=${l.convertedOpportunityId}`}>{t('leads.openOpportunity')}</Link> : null}
            <Typography.Text type="secondary">{t('leads.history')}</Typography.Text>
          </Flex>
        </Card>
      ) : null}

      <Row gutter={[16, 16]}>
        <Col xs={24} lg={10}>
          <Card title={t('leads.title')} size="small">
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('leads.field.title')}>{field(l.title)}</Descriptions.Item>
              <Descriptions.Item label={t('leads.field.mobile')}>{field(l.mobile)}</Descriptions.Item>
              <Descriptions.Item label={t('leads.field.phone')}>{field(l.phone)}</Descriptions.Item>
              <Descriptions.Item label={t('leads.field.email')}>{field(l.email)}</Descriptions.Item>
              <Descriptions.Item label={t('leads.field.wechat')}>{field(l.wechat)}</Descriptions.Item>
              <Descriptions.Item label={t('leads.field.region')}>{[l.province, l.city].filter(Boolean).join(' ') || dash}</Descriptions.Item>
              <Descriptions.Item label={t('leads.field.owner')}>{l.ownerName ?? <Tag color="orange">{t('leads.inPool')}</Tag>}</Descriptions.Item>
              <Descriptions.Item label={t('leads.field.lastActivityAt')}>{l.lastActivityAt ? formatDateTime(l.lastActivityAt) : dash}</Descriptions.Item>
              <Descriptions.Item label={t('leads.field.createdAt')}>{formatDate(l.createdAt)}</Descriptions.Item>
              {l.status === 'disqualified' ? <Descriptions.Item label={t('leads.field.disqualifyReason')}>{field(l.disqualifyReason)}</Descriptions.Item> : null}
              <Descriptions.Item label={t('leads.field.notes')}>
                <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{l.notes ?? dash}</Typography.Paragraph>
              </Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <Card
            title={t('leads.followUps')}
            size="small"
            extra={
              writable ? (
                <Button size="small" type="primary" icon={<MessageOutlined />} onClick={() => setFollowing(true)} data-testid="lead-add-follow-up">
                  {t('leads.addFollowUp')}
                </Button>
              ) : null
            }
          >
            {followUps.isLoading ? (
              <Skeleton active />
            ) : !followUps.data?.data.length ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('leads.noFollowUps')} />
            ) : (
              <Timeline
                data-testid="lead-follow-ups"
                items={followUps.data.data.map((f) => ({
                  key: f.id,
                  color: 'blue',
                  content: (
                    <div>
                      <Typography.Text strong>{t(`enums.channel.${f.channel}`)}</Typography.Text>
                      <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                        {formatDateTime(f.occurredAt)} · {f.authorName ?? ''}
                      </Typography.Text>
                      <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: '4px 0 0' }}>{f.summary}</Typography.Paragraph>
                      {f.outcome ? <Typography.Text type="secondary">{f.outcome}</Typography.Text> : null}
                      {f.nextFollowUpAt ? (
                        <div>
                          <Typography.Text type="secondary">
                            {t('followUps.nextFollowUpAt')}
                            {t('common.colon')}
                            {formatDate(f.nextFollowUpAt)}
                          </Typography.Text>
                        </div>
                      ) : null}
                    </div>
                  ),
                }))}
              />
            )}
          </Card>
        </Col>
      </Row>

      <LeadFormModal open={editing} lead={l} onClose={() => setEditing(false)} />
      <FollowUpModal open={following} leadId={l.id} onClose={() => setFollowing(false)} />
      <ConvertLeadModal open={converting} lead={l} onClose={() => setConverting(false)} />
      <Modal
        open={disqualifying}
        title={t('leads.disqualifyTitle')}
        onCancel={() => setDisqualifying(false)}
        onOk={() => reasonForm.submit()}
        okText={t('leads.disqualify')}
        okButtonProps={{ danger: true, ...({ 'data-testid': 'disqualify-submit' } as Record<string, string>) }}
        cancelText={t('common.cancel')}
        confirmLoading={status.isPending}
        destroyOnHidden
      >
        <Form form={reasonForm} layout="vertical" onFinish={(v) => status.mutate({ lead: l, status: 'disqualified', reason: v.reason.trim() })}>
          <Form.Item
            name="reason"
            label={t('leads.field.disqualifyReason')}
            rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('leads.field.disqualifyReason') }) }, { max: 500, message: t('validation.maxLength', { max: 500 }) }]}
          >
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} placeholder={t('leads.disqualifyReasonPlaceholder')} data-testid="disqualify-reason" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
