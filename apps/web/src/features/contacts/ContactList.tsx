// Contacts (联系人): searchable list with server-side cursor pagination; a row opens the contact.
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Button, Flex, Input, Table, Tag, Typography, type TableProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Contact } from '@guanxi/contracts';
import { PageHeader } from '../../shared/PageHeader';
import { CursorPager } from '../../shared/CursorPager';
import { useCursorList } from '../../shared/useCursorList';
import { useTableSort } from '../../shared/useTableSort';
import { formatDateTime } from '../../shared/format';
import { useCan } from '../auth/session';
import { ContactForm } from './ContactForm';

const sortable = ['name', 'department', 'createdAt', 'updatedAt'] as const;

export default function ContactList() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const can = useCan();
  const [name, setName] = useState('');
  const [mobile, setMobile] = useState('');
  const { sort, setSort, sortOrder, onChange: onTableChange } = useTableSort<Contact>(sortable);
  const [pageSize, setPageSize] = useState(20);
  const [creating, setCreating] = useState(false);
  const list = useCursorList<Contact>('contacts', { sort, 'filter[name]': name || undefined, 'filter[mobile]': mobile || undefined }, pageSize);

  const columns: TableProps<Contact>['columns'] = [
    {
      key: 'name',
      title: t('contacts.name'),
      sorter: true,
      sortOrder: sortOrder('name'),
      render: (_, c) => (
        <Typography.Link strong onClick={() => void navigate(`/contacts/${c.id}`)}>
          {c.name}
        </Typography.Link>
      ),
    },
    {
      key: 'customers',
      title: t('contacts.worksFor'),
      render: (_, c) => (
        <Flex vertical gap={2}>
          {c.customers.map((l) => (
            <span key={l.customerId}>
              <Typography.Link onClick={() => void navigate(`/customers/${l.customerId}`)}>{l.customerName}</Typography.Link>
              {l.title ? <Typography.Text type="secondary"> · {l.title}</Typography.Text> : null}
              {l.isPrimary ? <Tag color="blue" style={{ marginInlineStart: 6 }}>{t('contacts.primary')}</Tag> : null}
            </span>
          ))}
        </Flex>
      ),
    },
    { key: 'department', title: t('contacts.department'), sorter: true, sortOrder: sortOrder('department'), render: (_, c) => c.department ?? '' },
    { key: 'mobile', title: t('customerField.mobile'), render: (_, c) => c.mobile ?? '' },
    { key: 'email', title: t('customerField.email'), render: (_, c) => c.email ?? '' },
    { key: 'updatedAt', title: t('customerField.updatedAt'), sorter: true, sortOrder: sortOrder('updatedAt'), render: (_, c) => formatDateTime(c.updatedAt) },
  ];

  return (
    <>
      <PageHeader
        title={t('contacts.pageTitle')}
        description={t('contacts.description')}
        extra={
          can('customers.write') ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="create-contact">
              {t('contacts.create')}
            </Button>
          ) : null
        }
      />
      <div className="gx-panel">
        <Flex gap={12} wrap style={{ marginBottom: 16 }}>
          <Input.Search allowClear placeholder={t('contacts.searchName')} onSearch={(v) => setName(v.trim())} style={{ width: 240 }} />
          <Input.Search allowClear placeholder={t('contacts.searchMobile')} onSearch={(v) => setMobile(v.trim())} style={{ width: 200 }} />
        </Flex>
        <Table<Contact>
          rowKey="id"
          columns={columns}
          dataSource={list.rows}
          loading={list.query.isFetching}
          pagination={false}
          onChange={onTableChange}
          scroll={{ x: 'max-content' }}
          data-testid="contacts-table"
        />
        <CursorPager list={list} onPageSizeChange={setPageSize} />
      </div>
      <ContactForm open={creating} contact={null} onClose={() => setCreating(false)} />
    </>
  );
}
