// One contact: details, the customers they work for (with title and primary flag), custom fields.
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { App, Button, Card, Col, Descriptions, Flex, List, Result, Row, Skeleton, Space, Tag, Typography } from 'antd';
import { DeleteOutlined, EditOutlined, LeftOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { formatDate, formatDateTime } from '../../shared/format';
import { useCan } from '../auth/session';
import { customValueText, customersKey, fieldLabel, useCustomFields } from '../customers/customers.api';
import { ContactForm } from './ContactForm';
import { contactsKey, useContact } from './contacts.api';

export default function ContactPage() {
  const { t, i18n } = useTranslation();
  const { id } = useParams();
  const navigate = useNavigate();
  const can = useCan();
  const { modal, message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const contact = useContact(Number(id) || 0);
  const customFields = useCustomFields('contact');
  const [editing, setEditing] = useState(false);
  const remove = useMutation({
    mutationFn: () => api<void>(`/contacts/${Number(id)}`, { method: 'DELETE' }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: contactsKey });
      void client.invalidateQueries({ queryKey: customersKey });
      void message.success(t('contacts.deletedToast'));
      void navigate('/contacts');
    },
    onError: (e) => onError(e),
  });

  if (contact.isError) {
    return <Result status="404" title={t('contacts.notFoundTitle')} extra={<Button onClick={() => void navigate('/contacts')}>{t('contacts.backToList')}</Button>} />;
  }
  const c = contact.data;
  if (!c) return <Skeleton active paragraph={{ rows: 6 }} />;
  const dash = <Typography.Text type="secondary">—</Typography.Text>;
  const v = (s: string | null | undefined) => (s ? s : dash);

  return (
    <div data-testid="contact-page">
      <Button type="link" icon={<LeftOutlined />} onClick={() => void navigate('/contacts')} style={{ padding: 0, marginBottom: 8 }}>
        {t('contacts.backToList')}
      </Button>
      <div className="gx-record-header">
        <Flex justify="space-between" align="flex-start" gap={16} wrap>
          <div style={{ minWidth: 0 }}>
            <Typography.Title level={3} style={{ margin: 0 }} data-testid="contact-name">
              {c.name}
            </Typography.Title>
            <Typography.Text type="secondary">{[c.department, c.customers.find((l) => l.isPrimary)?.customerName ?? c.customers[0]?.customerName].filter(Boolean).join(' · ')}</Typography.Text>
          </div>
          <Space wrap>
            {can('customers.write') ? (
              <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>
                {t('common.edit')}
              </Button>
            ) : null}
            {can('customers.delete') ? (
              <Button
                danger
                icon={<DeleteOutlined />}
                onClick={() =>
                  modal.confirm({
                    title: t('contacts.deleteTitle'),
                    content: t('contacts.deleteConfirm', { name: c.name }),
                    okText: t('common.delete'),
                    okButtonProps: { danger: true },
                    cancelText: t('common.cancel'),
                    onOk: () => remove.mutateAsync().catch(() => undefined),
                  })
                }
              >
                {t('common.delete')}
              </Button>
            ) : null}
          </Space>
        </Flex>
      </div>
      <Row gutter={[20, 20]}>
        <Col xs={24} lg={14}>
          <Card title={t('customers.sectionBasic')}>
            <Descriptions column={{ xs: 1, sm: 2 }} size="small">
              <Descriptions.Item label={t('customerField.mobile')}>{v(c.mobile)}</Descriptions.Item>
              <Descriptions.Item label={t('customerField.phone')}>{v(c.phone)}</Descriptions.Item>
              <Descriptions.Item label={t('customerField.email')}>{v(c.email)}</Descriptions.Item>
              <Descriptions.Item label={t('customerField.wechat')}>{v(c.wechat)}</Descriptions.Item>
              <Descriptions.Item label={t('customerField.gender')}>{c.gender ? t(`enums.gender.${c.gender}`) : dash}</Descriptions.Item>
              <Descriptions.Item label={t('customerField.birthday')}>{v(formatDate(c.birthday))}</Descriptions.Item>
              {(customFields.data ?? []).map((f) => (
                <Descriptions.Item key={f.key} label={fieldLabel(f, i18n.language)}>
                  {v(customValueText(f, c.custom[f.key], i18n.language, { yes: t('common.yes'), no: t('common.no') }, t('common.listSeparator')))}
                </Descriptions.Item>
              ))}
              <Descriptions.Item label={t('customerField.updatedAt')}>{formatDateTime(c.updatedAt)}</Descriptions.Item>
            </Descriptions>
            {c.notes ? <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginTop: 12 }}>{c.notes}</Typography.Paragraph> : null}
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={t('contacts.worksFor')}>
            <List
              dataSource={c.customers}
              locale={{ emptyText: t('contacts.noCustomers') }}
              renderItem={(l) => (
                <List.Item>
                  <Flex vertical>
                    <Typography.Link onClick={() => void navigate(`/customers/${l.customerId}`)}>{l.customerName}</Typography.Link>
                    <Typography.Text type="secondary">{l.title ?? '—'}</Typography.Text>
                  </Flex>
                  {l.isPrimary ? <Tag color="blue">{t('contacts.primary')}</Tag> : null}
                </List.Item>
              )}
            />
          </Card>
        </Col>
      </Row>
      <ContactForm open={editing} contact={c} onClose={() => setEditing(false)} />
    </div>
  );
}
