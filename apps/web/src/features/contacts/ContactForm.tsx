// Create or edit a contact (联系人) with the customers they work for: title and primary flag per
// customer. Opened from the contact list, the contact page or a customer's contacts tab.
import { useEffect, useMemo, useState } from 'react';
import { App, Button, Checkbox, Col, DatePicker, Divider, Drawer, Flex, Form, Grid, Input, Row, Select } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ContactChannelFields } from '../../shared/ContactChannelFields';
import dayjs, { type Dayjs } from 'dayjs';
import { genders, type Contact, type Customer } from '@guanxi/contracts';
import { api, type Page } from '../../api/client';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { CustomFieldInputs } from '../custom-fields/CustomFieldInputs';
import { customersKey, useCustomFields } from '../customers/customers.api';
import { contactsKey } from './contacts.api';

interface LinkValue {
  customerId?: number;
  title?: string | null;
  isPrimary?: boolean;
}
interface Values {
  name: string;
  mobile?: string | null;
  phone?: string | null;
  email?: string | null;
  wechat?: string | null;
  gender?: Contact['gender'];
  birthday?: Dayjs | null;
  department?: string | null;
  notes?: string | null;
  custom?: Record<string, unknown>;
  customers?: LinkValue[];
}

const blank = (s: string | null | undefined) => (s?.trim() ? s.trim() : null);

function CustomerPicker({ value, onChange, known }: { value?: number; onChange?: (v: number | undefined) => void; known: ReadonlyArray<{ id: number; name: string }> }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const search = useQuery({
    queryKey: [...customersKey, 'pick', q],
    queryFn: ({ signal }) => api<Page<Customer>>('/customers', { query: { 'filter[name]': q || undefined, limit: 20, sort: 'name' }, signal }),
    staleTime: 10_000,
  });
  const options = useMemo(() => {
    const list = (search.data?.data ?? []).map((c) => ({ value: c.id, label: c.name }));
    for (const k of known) if (!list.some((o) => o.value === k.id)) list.push({ value: k.id, label: k.name });
    return list;
  }, [search.data, known]);
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setQ }}
      value={value}
      onChange={onChange}
      options={options}
      loading={search.isFetching}
      placeholder={t('contacts.pickCustomer')}
      notFoundContent={t('common.empty')}
    />
  );
}

export function ContactForm({ open, contact, customer, onClose }: { open: boolean; contact: Contact | null; customer?: { id: number; name: string }; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const screens = Grid.useBreakpoint();
  const [form] = Form.useForm<Values>();
  const [version, setVersion] = useState<number | null>(null);
  const customFields = useCustomFields('contact');
  const fields = useMemo(() => customFields.data ?? [], [customFields.data]);
  const known = useMemo(() => [...(contact?.customers.map((l) => ({ id: l.customerId, name: l.customerName })) ?? []), ...(customer ? [customer] : [])], [contact, customer]);

  const fill = (c: Contact) => {
    const custom: Record<string, unknown> = {};
    for (const f of fields) {
      const raw = c.custom[f.key];
      custom[f.key] = f.type === 'date' && typeof raw === 'string' ? dayjs(raw) : (raw ?? null);
    }
    form.setFieldsValue({
      name: c.name,
      mobile: c.mobile ?? '',
      phone: c.phone ?? '',
      email: c.email ?? '',
      wechat: c.wechat ?? '',
      gender: c.gender,
      birthday: c.birthday ? dayjs(c.birthday) : null,
      department: c.department ?? '',
      notes: c.notes ?? '',
      custom,
      customers: c.customers.map((l) => ({ customerId: l.customerId, title: l.title ?? '', isPrimary: l.isPrimary })),
    });
    setVersion(c.version);
  };

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (contact) fill(contact);
    else {
      form.setFieldsValue({ customers: customer ? [{ customerId: customer.id, title: '', isPrimary: false }] : [] });
      setVersion(null);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, contact, customer, form]);

  const save = useMutation({
    mutationFn: (v: Values) => {
      const custom: Record<string, unknown> = {};
      for (const f of fields) {
        const raw = v.custom?.[f.key];
        custom[f.key] = dayjs.isDayjs(raw) ? raw.format('YYYY-MM-DD') : raw === '' || (Array.isArray(raw) && !raw.length) ? null : (raw ?? null);
      }
      const body = {
        name: v.name.trim(),
        mobile: blank(v.mobile),
        phone: blank(v.phone),
        email: blank(v.email),
        wechat: blank(v.wechat),
        gender: v.gender ?? null,
        birthday: v.birthday ? v.birthday.format('YYYY-MM-DD') : null,
        department: blank(v.department),
        notes: blank(v.notes),
        custom,
        customers: (v.customers ?? []).filter((l) => l.customerId).map((l) => ({ customerId: l.customerId, title: blank(l.title), isPrimary: l.isPrimary ?? false })),
      };
      return contact ? api<Contact>(`/contacts/${contact.id}`, { method: 'PATCH', body: { ...body, version } }) : api<Contact>('/contacts', { method: 'POST', body });
    },
    onSuccess: (saved) => {
      void client.invalidateQueries({ queryKey: contactsKey });
      void client.invalidateQueries({ queryKey: customersKey });
      void message.success(t(contact ? 'contacts.updatedToast' : 'contacts.createdToast', { name: saved.name }));
      onClose();
    },
    onError: (e) =>
      onError(e, {
        form,
        messages: { mobile: t('validation.mobile'), phone: t('validation.phone'), email: t('validation.email') },
        onReload: (current) => {
          if (typeof current === 'object' && current !== null && 'customers' in current) fill(current as Contact);
          else if (contact) void api<Contact>(`/contacts/${contact.id}`).then(fill);
        },
      }),
  });

  const half = { xs: 24, md: 12 } as const;
  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={contact ? t('contacts.edit') : t('contacts.create')}
      size={screens.md ? 640 : '100%'}
      destroyOnHidden
      footer={
        <Flex justify="flex-end" gap={8}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={save.isPending} onClick={() => form.submit()} data-testid="contact-form-submit">
            {contact ? t('common.save') : t('common.create')}
          </Button>
        </Flex>
      }
    >
      <Form form={form} name="contact" layout="vertical" requiredMark="optional" onFinish={() => save.mutate(form.getFieldsValue(true) as Values)} autoComplete="off">
        <Row gutter={16}>
          <Col {...half}>
            <Form.Item name="name" label={t('contacts.name')} rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('contacts.name') }) }, { max: 100, message: t('validation.maxLength', { max: 100 }) }]}>
              <Input data-testid="contact-form-name" />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="department" label={t('contacts.department')}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <ContactChannelFields testIdPrefix="contact-form" />
          <Col {...half}>
            <Form.Item name="gender" label={t('customerField.gender')}>
              <Select allowClear options={genders.map((g) => ({ value: g, label: t(`enums.gender.${g}`) }))} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="birthday" label={t('customerField.birthday')}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start" plain>{t('contacts.worksFor')}</Divider>
        <Form.List name="customers">
          {(items, { add, remove }) => (
            <>
              {items.map((item) => (
                <Row gutter={8} key={item.key} align="top">
                  <Col xs={24} md={11}>
                    <Form.Item name={[item.name, 'customerId']} rules={[{ required: true, message: t('validation.select', { field: t('contacts.customer') }) }]}>
                      <CustomerPicker known={known} />
                    </Form.Item>
                  </Col>
                  <Col xs={14} md={7}>
                    <Form.Item name={[item.name, 'title']}>
                      <Input placeholder={t('contacts.title')} maxLength={100} />
                    </Form.Item>
                  </Col>
                  <Col xs={7} md={4}>
                    <Form.Item name={[item.name, 'isPrimary']} valuePropName="checked">
                      <Checkbox>{t('contacts.primary')}</Checkbox>
                    </Form.Item>
                  </Col>
                  <Col xs={3} md={2}>
                    <Button type="text" icon={<DeleteOutlined />} onClick={() => remove(item.name)} aria-label={t('common.delete')} />
                  </Col>
                </Row>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ isPrimary: false })} block style={{ marginBottom: 16 }}>
                {t('contacts.addCustomerLink')}
              </Button>
            </>
          )}
        </Form.List>

        {fields.length ? (
          <>
            <Divider titlePlacement="start" plain>{t('customers.sectionCustom')}</Divider>
            <CustomFieldInputs fields={fields} />
          </>
        ) : null}
        <Form.Item name="notes" label={t('customerField.notes')}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={10000} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
