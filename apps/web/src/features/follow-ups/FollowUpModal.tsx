// Quick add of a follow-up record (跟进记录) from the customer or the lead page. A next follow-up
// date becomes a reminder on the owner's home page (the server creates the task).
import { useEffect } from 'react';
import { App, Col, DatePicker, Form, Input, Modal, Radio, Row, Select } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs, { type Dayjs } from 'dayjs';
import { followUpChannels, followUpDirections, type Contact, type FollowUp } from '@guanxi/contracts';
import { api } from '../../api/client';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { customersKey } from '../customers/customers.api';

interface Values {
  channel: FollowUp['channel'];
  direction: FollowUp['direction'];
  occurredAt: Dayjs;
  contactId?: number | null;
  summary: string;
  outcome?: string;
  nextFollowUpAt?: Dayjs | null;
}

/** Reminders are due at the start of the working day the user picked. */
const NEXT_AT_HOUR = 9;

/** On a customer (`customerId`, with its contacts to pick from) or on a lead (`leadId`). */
export function FollowUpModal({ open, customerId, leadId, contacts = [], onClose }: { open: boolean; customerId?: number; leadId?: number; contacts?: readonly Contact[]; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const [form] = Form.useForm<Values>();

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue({ channel: 'phone', direction: 'outbound', occurredAt: dayjs(), nextFollowUpAt: null, contactId: null });
  }, [open, form]);

  const save = useMutation({
    mutationFn: (v: Values) =>
      api<FollowUp>(leadId ? `/leads/${leadId}/follow-ups` : '/follow-ups', {
        method: 'POST',
        body: {
          ...(leadId ? {} : { customerId, contactId: v.contactId ?? null }),
          channel: v.channel,
          direction: v.direction,
          occurredAt: v.occurredAt.toISOString(),
          summary: v.summary.trim(),
          outcome: v.outcome?.trim() ? v.outcome.trim() : null,
          nextFollowUpAt: v.nextFollowUpAt ? v.nextFollowUpAt.hour(NEXT_AT_HOUR).minute(0).second(0).millisecond(0).toISOString() : null,
        },
      }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: customersKey });
      if (leadId) void client.invalidateQueries({ queryKey: ['leads'] });
      void client.invalidateQueries({ queryKey: ['home'] });
      void client.invalidateQueries({ queryKey: ['tasks'] });
      void message.success(t('followUps.createdToast'));
      onClose();
    },
    onError: (e) => onError(e, { form }),
  });

  const today = dayjs().startOf('day');
  return (
    <Modal
      open={open}
      title={t('followUps.create')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      okButtonProps={{ 'data-testid': 'follow-up-submit' } as Record<string, string>}
      width={640}
      destroyOnHidden
    >
      <Form form={form} name="followUp" layout="vertical" requiredMark="optional" onFinish={(v) => save.mutate(v)} autoComplete="off">
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="channel" label={t('followUps.channel')} rules={[{ required: true, message: t('validation.select', { field: t('followUps.channel') }) }]}>
              <Select options={followUpChannels.map((c) => ({ value: c, label: t(`enums.channel.${c}`) }))} data-testid="follow-up-channel" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="direction" label={t('followUps.direction')}>
              <Radio.Group optionType="button" options={followUpDirections.map((d) => ({ value: d, label: t(`enums.direction.${d}`) }))} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="occurredAt" label={t('followUps.occurredAt')} rules={[{ required: true, message: t('validation.select', { field: t('followUps.occurredAt') }) }]}>
              <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} disabledDate={(d) => d.isAfter(dayjs().endOf('day'))} allowClear={false} />
            </Form.Item>
          </Col>
          {leadId ? null : (
            <Col xs={24} md={12}>
              <Form.Item name="contactId" label={t('followUps.contact')}>
                <Select allowClear placeholder={t('followUps.noContact')} options={contacts.map((c) => ({ value: c.id, label: c.name }))} />
              </Form.Item>
            </Col>
          )}
        </Row>
        <Form.Item
          name="summary"
          label={t('followUps.summary')}
          rules={[
            { required: true, whitespace: true, message: t('validation.required', { field: t('followUps.summary') }) },
            { max: 5000, message: t('validation.maxLength', { max: 5000 }) },
          ]}
        >
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} placeholder={t('followUps.summaryPlaceholder')} data-testid="follow-up-summary" />
        </Form.Item>
        <Form.Item name="outcome" label={t('followUps.outcome')} rules={[{ max: 2000, message: t('validation.maxLength', { max: 2000 }) }]}>
          <Input placeholder={t('followUps.outcomePlaceholder')} />
        </Form.Item>
        <Form.Item name="nextFollowUpAt" label={t('followUps.nextFollowUpAt')} extra={t('followUps.nextHelp')}>
          <DatePicker
            style={{ width: '100%' }}
            disabledDate={(d) => d.isBefore(today)}
            presets={[
              { label: t('followUps.presetToday'), value: today },
              { label: t('followUps.presetTomorrow'), value: today.add(1, 'day') },
              { label: t('followUps.presetThreeDays'), value: today.add(3, 'day') },
              { label: t('followUps.presetNextWeek'), value: today.add(7, 'day') },
            ]}
            data-testid="follow-up-next"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
