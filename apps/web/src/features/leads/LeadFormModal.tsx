// Create or edit a lead. Status and ownership change through their own actions, not here.
import { useEffect } from 'react';
import { App, Col, Form, Input, Modal, Row, Select } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { leadSources, type Lead, type LeadSource } from '@guanxi/contracts';
import { api } from '../../api/client';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { leadsKey } from './leads.api';

interface Values {
  name: string;
  companyName?: string;
  title?: string;
  mobile?: string;
  phone?: string;
  email?: string;
  wechat?: string;
  province?: string;
  city?: string;
  source: LeadSource;
  notes?: string;
}
const optional = ['companyName', 'title', 'mobile', 'phone', 'email', 'wechat', 'province', 'city', 'notes'] as const;

export function LeadFormModal({ open, lead, onClose, onSaved }: { open: boolean; lead: Lead | null; onClose: () => void; onSaved?: (lead: Lead) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const [form] = Form.useForm<Values>();

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (lead) {
      const values: Partial<Values> = { name: lead.name, source: lead.source };
      for (const f of optional) values[f] = lead[f] ?? '';
      form.setFieldsValue(values);
    } else form.setFieldsValue({ source: 'other' });
  }, [open, lead, form]);

  const save = useMutation({
    mutationFn: (v: Values) => {
      const body: Record<string, unknown> = { name: v.name.trim(), source: v.source };
      // An emptied field clears the value on edit; on create it is simply left out.
      for (const f of optional) {
        const value = v[f]?.trim();
        if (value) body[f] = value;
        else if (lead) body[f] = null;
      }
      return lead ? api<Lead>(`/leads/${lead.id}`, { method: 'PATCH', body: { ...body, version: lead.version } }) : api<Lead>('/leads', { method: 'POST', body });
    },
    onSuccess: (saved) => {
      void client.invalidateQueries({ queryKey: leadsKey });
      void message.success(lead ? t('leads.savedToast') : t('leads.createdToast', { name: saved.name }));
      onSaved?.(saved);
      onClose();
    },
    onError: (e) => onError(e, { form, onReload: () => void client.invalidateQueries({ queryKey: leadsKey }) }),
  });

  const text = (name: (typeof optional)[number], max = 100) => (
    <Form.Item name={name} label={t(`leads.field.${name}`)} rules={[{ max, message: t('validation.maxLength', { max }) }]}>
      <Input data-testid={`lead-${name}`} />
    </Form.Item>
  );
  return (
    <Modal
      open={open}
      title={lead ? t('leads.edit') : t('leads.new')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      okButtonProps={{ 'data-testid': 'lead-submit' } as Record<string, string>}
      width={720}
      destroyOnHidden
    >
      <Form form={form} name="lead" layout="vertical" requiredMark="optional" onFinish={(v) => save.mutate(v)} autoComplete="off">
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="name" label={t('leads.field.name')} rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('leads.field.name') }) }, { max: 100, message: t('validation.maxLength', { max: 100 }) }]}>
              <Input data-testid="lead-name" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            {text('companyName', 200)}
          </Col>
          <Col xs={24} md={12}>
            {text('title')}
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="source" label={t('leads.field.source')}>
              <Select options={leadSources.map((s) => ({ value: s, label: t(`leads.source.${s}`) }))} data-testid="lead-source" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            {text('mobile', 32)}
          </Col>
          <Col xs={24} md={12}>
            {text('phone', 32)}
          </Col>
          <Col xs={24} md={12}>
            {text('email', 254)}
          </Col>
          <Col xs={24} md={12}>
            {text('wechat')}
          </Col>
          <Col xs={24} md={12}>
            {text('province', 50)}
          </Col>
          <Col xs={24} md={12}>
            {text('city', 50)}
          </Col>
        </Row>
        <Form.Item name="notes" label={t('leads.field.notes')} rules={[{ max: 5000, message: t('validation.maxLength', { max: 5000 }) }]}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
