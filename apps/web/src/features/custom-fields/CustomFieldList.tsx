// Custom fields (自定义字段): the long tail of customer and contact profiles, defined by
// administrators. Key and type are fixed once created (stored values depend on them).
import { useEffect, useState } from 'react';
import { App, Button, Checkbox, Col, Flex, Form, Input, InputNumber, Modal, Popconfirm, Row, Segmented, Select, Table, Tag, Typography, type TableProps } from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { customFieldTypes, type CustomField } from '@guanxi/contracts';
import { api } from '../../api/client';
import { PageHeader } from '../../shared/PageHeader';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { customFieldsKey, fieldLabel, useCustomFields } from '../customers/customers.api';

type Entity = CustomField['entity'];
interface Values {
  key: string;
  label: string;
  labelEn?: string | null;
  type: CustomField['type'];
  required: boolean;
  position: number;
  options?: Array<{ value: string; label: string; labelEn?: string }>;
}

function FieldForm({ open, entity, field, onClose }: { open: boolean; entity: Entity; field: CustomField | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const [form] = Form.useForm<Values>();
  const type = Form.useWatch('type', form);
  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(
      field
        ? { key: field.key, label: field.label, labelEn: field.labelEn ?? '', type: field.type, required: field.required, position: field.position, options: field.options.map((o) => ({ ...o, labelEn: o.labelEn ?? '' })) }
        : { type: 'text', required: false, position: 0, options: [] },
    );
  }, [open, field, form]);
  const save = useMutation({
    mutationFn: (v: Values) => {
      const options = (v.options ?? []).map((o) => ({ value: o.value.trim(), label: o.label.trim(), ...(o.labelEn?.trim() ? { labelEn: o.labelEn.trim() } : {}) }));
      const common = { label: v.label.trim(), labelEn: v.labelEn?.trim() ? v.labelEn.trim() : null, required: v.required, position: v.position ?? 0, options: v.type === 'select' || v.type === 'multiselect' ? options : [] };
      return field
        ? api<CustomField>(`/custom-fields/${field.id}`, { method: 'PATCH', body: { ...common, version: field.version } })
        : api<CustomField>('/custom-fields', { method: 'POST', body: { ...common, entity, key: v.key.trim(), type: v.type } });
    },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: customFieldsKey });
      void message.success(t('common.saved'));
      onClose();
    },
    onError: (e) => onError(e, { form, messages: { key: t('customFields.keyHelp') }, onReload: () => void client.invalidateQueries({ queryKey: customFieldsKey }) }),
  });
  const hasOptions = type === 'select' || type === 'multiselect';
  return (
    <Modal open={open} title={field ? t('customFields.edit') : t('customFields.create')} onCancel={onClose} onOk={() => form.submit()} okText={t('common.save')} cancelText={t('common.cancel')} confirmLoading={save.isPending} width={680} destroyOnHidden>
      <Form form={form} layout="vertical" requiredMark="optional" onFinish={(v) => save.mutate(v)}>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="label" label={t('customFields.label')} rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('customFields.label') }) }]}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="labelEn" label={t('customFields.labelEn')}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="key" label={t('customFields.key')} extra={t('customFields.keyHelp')} rules={[{ required: true, message: t('validation.required', { field: t('customFields.key') }) }, { pattern: /^[a-z][a-z0-9_]{0,39}$/, message: t('customFields.keyHelp') }]}>
              <Input disabled={field !== null} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="type" label={t('customFields.type')}>
              <Select disabled={field !== null} options={customFieldTypes.map((x) => ({ value: x, label: t(`enums.customFieldType.${x}`) }))} />
            </Form.Item>
          </Col>
          <Col xs={12}>
            <Form.Item name="position" label={t('customFields.position')}>
              <InputNumber min={0} max={10000} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={12}>
            <Form.Item name="required" label=" " valuePropName="checked">
              <Checkbox>{t('customFields.required')}</Checkbox>
            </Form.Item>
          </Col>
        </Row>
        {hasOptions ? (
          <Form.List name="options">
            {(items, { add, remove }) => (
              <>
                <Typography.Text strong style={{ display: 'block', marginBottom: 8 }}>
                  {t('customFields.options')}
                </Typography.Text>
                {items.map((item) => (
                  <Row gutter={8} key={item.key}>
                    <Col span={7}>
                      <Form.Item name={[item.name, 'value']} rules={[{ required: true, message: t('validation.required', { field: t('customFields.optionValue') }) }]}>
                        <Input placeholder={t('customFields.optionValue')} />
                      </Form.Item>
                    </Col>
                    <Col span={8}>
                      <Form.Item name={[item.name, 'label']} rules={[{ required: true, message: t('validation.required', { field: t('customFields.optionLabel') }) }]}>
                        <Input placeholder={t('customFields.optionLabel')} />
                      </Form.Item>
                    </Col>
                    <Col span={7}>
                      <Form.Item name={[item.name, 'labelEn']}>
                        <Input placeholder={t('customFields.optionLabelEn')} />
                      </Form.Item>
                    </Col>
                    <Col span={2}>
                      <Button type="text" icon={<DeleteOutlined />} onClick={() => remove(item.name)} aria-label={t('common.delete')} />
                    </Col>
                  </Row>
                ))}
                <Button type="dashed" block icon={<PlusOutlined />} onClick={() => add({ value: '', label: '' })}>
                  {t('customFields.addOption')}
                </Button>
              </>
            )}
          </Form.List>
        ) : null}
      </Form>
    </Modal>
  );
}

export default function CustomFieldList() {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const [entity, setEntity] = useState<Entity>('customer');
  const [editing, setEditing] = useState<{ field: CustomField | null } | null>(null);
  const fields = useCustomFields(entity);
  const retire = useMutation({
    mutationFn: (id: number) => api<void>(`/custom-fields/${id}`, { method: 'DELETE' }),
    onSuccess: () => void client.invalidateQueries({ queryKey: customFieldsKey }),
    onError: (e) => onError(e),
  });
  const columns: TableProps<CustomField>['columns'] = [
    { key: 'label', title: t('customFields.label'), render: (_, f) => <Typography.Text strong>{fieldLabel(f, i18n.language)}</Typography.Text> },
    { key: 'key', title: t('customFields.key'), render: (_, f) => <Typography.Text code>{f.key}</Typography.Text> },
    { key: 'type', title: t('customFields.type'), render: (_, f) => t(`enums.customFieldType.${f.type}`) },
    { key: 'options', title: t('customFields.options'), render: (_, f) => <Flex gap={4} wrap>{f.options.map((o) => <Tag key={o.value}>{i18n.language === 'en' && o.labelEn ? o.labelEn : o.label}</Tag>)}</Flex> },
    { key: 'required', title: t('customFields.required'), render: (_, f) => (f.required ? t('common.yes') : t('common.no')) },
    { key: 'position', title: t('customFields.position'), dataIndex: 'position' },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, f) => (
        <Flex gap={4}>
          <Button size="small" type="link" icon={<EditOutlined />} onClick={() => setEditing({ field: f })}>
            {t('common.edit')}
          </Button>
          <Popconfirm title={t('customFields.retireConfirm', { name: fieldLabel(f, i18n.language) })} okText={t('customFields.retire')} okButtonProps={{ danger: true }} cancelText={t('common.cancel')} onConfirm={() => retire.mutateAsync(f.id).catch(() => undefined)}>
            <Button size="small" type="link" danger>
              {t('customFields.retire')}
            </Button>
          </Popconfirm>
        </Flex>
      ),
    },
  ];
  return (
    <>
      <PageHeader
        title={t('customFields.title')}
        description={t('customFields.description')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ field: null })} data-testid="create-custom-field">
            {t('customFields.create')}
          </Button>
        }
      />
      <div className="gx-panel">
        <Segmented<Entity>
          value={entity}
          onChange={setEntity}
          style={{ marginBottom: 16 }}
          options={[
            { value: 'customer', label: t('recycleBin.entities.customer') },
            { value: 'contact', label: t('recycleBin.entities.contact') },
          ]}
        />
        <Table<CustomField> rowKey="id" columns={columns} dataSource={fields.data ?? []} loading={fields.isFetching} pagination={false} scroll={{ x: 'max-content' }} locale={{ emptyText: t('customFields.empty') }} />
      </div>
      <FieldForm open={editing !== null} entity={entity} field={editing?.field ?? null} onClose={() => setEditing(null)} />
    </>
  );
}
