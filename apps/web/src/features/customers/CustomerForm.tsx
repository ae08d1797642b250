// Create or edit a customer in a drawer. Edits send only the fields the user changed, with the
// version read; when someone else saved in between (409) the user sees both sides field by field
// and can put their changes on top of the current record.
import { useEffect, useMemo, useState } from 'react';
import { App, Button, Col, DatePicker, Divider, Drawer, Flex, Form, Grid, Input, InputNumber, Modal, Radio, Row, Select, Table, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ContactChannelFields } from '../../shared/ContactChannelFields';
import { isValidCreditCode, type Customer } from '@guanxi/contracts';
import { api, isApiError } from '../../api/client';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { useCan, useCurrentUser } from '../auth/session';
import { UserRefPicker } from '../users/UserRefPicker';
import { CustomFieldInputs } from '../custom-fields/CustomFieldInputs';
import { customersKey, enumValues, useCustomFields, useTags } from './customers.api';
import { changedKeys, isCustomer, pick, toBody, toFormValues, type CustomerBody, type CustomerFormValues } from './customer-form-values';
import { useFieldText } from './customer-fields';
import { DuplicateWarning, useDuplicateCheck } from '../duplicates/DuplicateWarning';


interface Conflict {
  current: Customer;
  mine: CustomerBody;
  myKeys: string[];
  theirKeys: string[];
}

export function CustomerForm({ open, customer, onClose, onSaved }: { open: boolean; customer: Customer | null; onClose: () => void; onSaved?: (c: Customer) => void }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const can = useCan();
  const me = useCurrentUser();
  const screens = Grid.useBreakpoint();
  const [form] = Form.useForm<CustomerFormValues>();
  const kind = Form.useWatch('kind', form) ?? customer?.kind ?? 'organization';
  const customFields = useCustomFields('customer');
  const tags = useTags();
  const fields = useMemo(() => customFields.data ?? [], [customFields.data]);
  /** The record the user's edits are relative to: the one opened, or the current one after a conflict. */
  const [base, setBase] = useState<Customer | null>(customer);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const text = useFieldText({ customFields: fields, tags: tags.data ?? [], users: new Map([...(base?.collaborators ?? []), ...(conflict?.current.collaborators ?? [])].map((u) => [u.id, u])) });

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    setBase(customer);
    setConflict(null);
    if (customer) form.setFieldsValue(toFormValues(customer, fields));
    else form.setFieldsValue({ kind: 'organization', relationshipType: 'business', ownerId: me.id, tagIds: [], collaboratorIds: [] });
    // Custom field definitions arriving later must not wipe what the user typed: only on open.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, customer, form]);

  const messages = useMemo(
    () => ({
      mobile: t('validation.mobile'),
      phone: t('validation.phone'),
      email: t('validation.email'),
      creditCode: t('validation.creditCode'),
      website: t('validation.website'),
      postalCode: t('validation.postalCode'),
    }),
    [t],
  );

  const save = useMutation({
    mutationFn: async (v: CustomerFormValues) => {
      const body = toBody(v, fields);
      if (!base) {
        const ownerId = can('customers.assign') ? (v.ownerId ?? me.id) : undefined;
        return api<Customer>('/customers', { method: 'POST', body: { ...body, ...(ownerId === undefined ? {} : { ownerId }) } });
      }
      const keys = changedKeys(body, toBody(toFormValues(base, fields), fields));
      if (!keys.length) return base;
      return api<Customer>(`/customers/${base.id}`, { method: 'PATCH', body: { ...pick(body, keys), version: base.version } });
    },
    onSuccess: (saved) => {
      void client.invalidateQueries({ queryKey: customersKey });
      void message.success(t(customer ? 'customers.updatedToast' : 'customers.createdToast', { name: saved.name }));
      onSaved?.(saved);
      onClose();
    },
    onError: (e, v) => {
      if (isApiError(e) && e.code === 'VERSION_CONFLICT' && base && isCustomer(e.current)) {
        const mine = toBody(v, fields);
        const original = toBody(toFormValues(base, fields), fields);
        const current = toBody(toFormValues(e.current, fields), fields);
        setConflict({ current: e.current, mine, myKeys: changedKeys(mine, original), theirKeys: changedKeys(current, original) });
        return;
      }
      onError(e, { form, messages });
    },
  });

  const duplicates = useDuplicateCheck(form, base?.id, open);
  const submit = () => {
    const values = form.getFieldsValue(true) as CustomerFormValues;
    const v = values as Record<string, unknown>;
    const identifyingChanged = !base || (['name', 'mobile', 'phone', 'email', 'creditCode', 'city'] as const).some((k) => (v[k] ?? '') !== (base[k] ?? ''));
    if (identifyingChanged && duplicates && (duplicates.data.length || duplicates.hiddenMatches)) {
      // a warning, not a rule: the user may know better (two branches of one company)
      modal.confirm({ title: t('duplicates.saveAnywayTitle'), content: t('duplicates.saveAnywayText'), okText: t('duplicates.saveAnyway'), cancelText: t('common.cancel'), onOk: () => save.mutate(values) });
      return;
    }
    save.mutate(values);
  };

  const reapply = () => {
    if (!conflict) return;
    // The current record, with the user's own edits put back on top, field by field.
    const mine = form.getFieldsValue(true) as CustomerFormValues;
    const next = toFormValues(conflict.current, fields);
    const nextRecord = next as Record<string, unknown>;
    const mineRecord = mine as Record<string, unknown>;
    for (const key of conflict.myKeys) {
      if (key.startsWith('custom.')) next.custom = { ...next.custom, [key.slice(7)]: mine.custom?.[key.slice(7)] };
      else nextRecord[key] = mineRecord[key];
    }
    form.setFieldsValue(next);
    setBase(conflict.current);
    setConflict(null);
    void message.info(t('customers.conflictReapplied'));
  };

  const takeTheirs = () => {
    if (!conflict) return;
    form.setFieldsValue(toFormValues(conflict.current, fields));
    setBase(conflict.current);
    setConflict(null);
  };

  const required = (field: string) => ({ required: true, whitespace: true, message: t('validation.required', { field }) });
  const enumOptions = <N extends 'relationshipType' | 'importance' | 'loyalty' | 'valueBehavior' | 'relationshipStrategy' | 'gender'>(name: N) =>
    enumValues[name].map((v) => ({ value: v, label: t(`enums.${name}.${v}` as `enums.importance.vip`) }));
  const half = { xs: 24, md: 12 } as const;

  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={customer ? t('customers.edit') : t('customers.create')}
      size={screens.md ? 760 : '100%'}
      destroyOnHidden
      footer={
        <Flex justify="flex-end" gap={8}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={save.isPending} onClick={() => form.submit()} data-testid="customer-form-submit">
            {customer ? t('common.save') : t('common.create')}
          </Button>
        </Flex>
      }
    >
      <Form form={form} name="customer" layout="vertical" requiredMark="optional" onFinish={submit} autoComplete="off">
        <DuplicateWarning result={duplicates} />
        <Row gutter={16}>
          <Col {...half}>
            <Form.Item name="kind" label={t('customerField.kind')}>
              <Radio.Group optionType="button" options={enumValues.kind.map((k) => ({ value: k, label: t(`enums.kind.${k}`) }))} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="relationshipType" label={t('customerField.relationshipType')} rules={[{ required: true, message: t('validation.select', { field: t('customerField.relationshipType') }) }]}>
              <Select options={enumOptions('relationshipType')} />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item name="name" label={t('customerField.name')} rules={[required(t('customerField.name')), { max: 200, message: t('validation.maxLength', { max: 200 }) }]}>
              <Input data-testid="customer-form-name" placeholder={kind === 'organization' ? t('customers.namePlaceholderOrg') : t('customers.namePlaceholderPerson')} />
            </Form.Item>
          </Col>
          {!customer && can('customers.assign') ? (
            <Col {...half}>
              <Form.Item name="ownerId" label={t('customerField.ownerId')}>
                <UserRefPicker known={[{ id: me.id, name: me.name }]} />
              </Form.Item>
            </Col>
          ) : null}
          <Col {...half}>
            <Form.Item name="source" label={t('customerField.source')}>
              <Input maxLength={100} placeholder={t('customers.sourcePlaceholder')} />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start" plain>{t('customers.sectionContact')}</Divider>
        <Row gutter={16}>
          <ContactChannelFields testIdPrefix="customer-form" />
          <Col xs={24} md={8}>
            <Form.Item name="province" label={t('customerField.province')}>
              <Input maxLength={50} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="city" label={t('customerField.city')}>
              <Input maxLength={50} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="district" label={t('customerField.district')}>
              <Input maxLength={50} />
            </Form.Item>
          </Col>
          <Col xs={24} md={16}>
            <Form.Item name="address" label={t('customerField.address')}>
              <Input maxLength={300} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="postalCode" label={t('customerField.postalCode')} rules={[{ pattern: /^[0-9]{6}$/, message: t('validation.postalCode') }]}>
              <Input />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start" plain>{kind === 'organization' ? t('customers.sectionOrganization') : t('customers.sectionPerson')}</Divider>
        {kind === 'organization' ? (
          <Row gutter={16}>
            <Col {...half}>
              <Form.Item name="industry" label={t('customerField.industry')}>
                <Input maxLength={100} />
              </Form.Item>
            </Col>
            <Col {...half}>
              <Form.Item name="companySize" label={t('customerField.companySize')}>
                <Input maxLength={50} placeholder={t('customers.companySizePlaceholder')} />
              </Form.Item>
            </Col>
            <Col {...half}>
              <Form.Item
                name="creditCode"
                label={t('customerField.creditCode')}
                rules={[{ validator: (_r, v: string | null | undefined) => (!v || isValidCreditCode(v.trim().toUpperCase()) ? Promise.resolve() : Promise.reject(new Error(t('validation.creditCode')))) }]}
              >
                <Input maxLength={18} />
              </Form.Item>
            </Col>
            <Col {...half}>
              <Form.Item name="legalRepresentative" label={t('customerField.legalRepresentative')}>
                <Input maxLength={100} />
              </Form.Item>
            </Col>
            <Col {...half}>
              <Form.Item name="registeredCapital" label={t('customerField.registeredCapital')}>
                <InputNumber min={0} precision={0} style={{ width: '100%' }} prefix="¥" />
              </Form.Item>
            </Col>
            <Col {...half}>
              <Form.Item name="annualRevenue" label={t('customerField.annualRevenue')}>
                <InputNumber min={0} precision={0} style={{ width: '100%' }} prefix="¥" />
              </Form.Item>
            </Col>
            <Col {...half}>
              <Form.Item name="foundedOn" label={t('customerField.foundedOn')}>
                <DatePicker style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col {...half}>
              <Form.Item name="website" label={t('customerField.website')} rules={[{ type: 'url', message: t('validation.website') }, { pattern: /^https?:\/\//i, message: t('validation.website') }]}>
                <Input placeholder="https://" />
              </Form.Item>
            </Col>
          </Row>
        ) : (
          <Row gutter={16}>
            <Col {...half}>
              <Form.Item name="gender" label={t('customerField.gender')}>
                <Select allowClear options={enumOptions('gender')} />
              </Form.Item>
            </Col>
            <Col {...half}>
              <Form.Item name="birthday" label={t('customerField.birthday')}>
                <DatePicker style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col {...half}>
              <Form.Item name="occupation" label={t('customerField.occupation')}>
                <Input maxLength={100} />
              </Form.Item>
            </Col>
            <Col {...half}>
              <Form.Item name="employer" label={t('customerField.employer')}>
                <Input maxLength={200} />
              </Form.Item>
            </Col>
            <Col {...half}>
              <Form.Item name="education" label={t('customerField.education')}>
                <Input maxLength={100} />
              </Form.Item>
            </Col>
            <Col {...half}>
              <Form.Item name="maritalStatus" label={t('customerField.maritalStatus')}>
                <Input maxLength={50} />
              </Form.Item>
            </Col>
          </Row>
        )}

        <Divider titlePlacement="start" plain>{t('customers.sectionClassification')}</Divider>
        <Row gutter={16}>
          {(['importance', 'loyalty', 'valueBehavior', 'relationshipStrategy'] as const).map((f) => (
            <Col {...half} key={f}>
              <Form.Item name={f} label={t(`customerField.${f}`)}>
                <Select allowClear options={enumOptions(f)} data-testid={`customer-form-${f}`} />
              </Form.Item>
            </Col>
          ))}
          <Col {...half}>
            <Form.Item name="tagIds" label={t('customerField.tagIds')}>
              <Select mode="multiple" allowClear loading={tags.isPending} options={(tags.data ?? []).map((x) => ({ value: x.id, label: x.name }))} optionFilterProp="label" />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="collaboratorIds" label={t('customerField.collaboratorIds')}>
              <UserRefPicker mode="multiple" known={customer?.collaborators ?? []} />
            </Form.Item>
          </Col>
        </Row>

        {fields.length ? (
          <>
            <Divider titlePlacement="start" plain>{t('customers.sectionCustom')}</Divider>
            <CustomFieldInputs fields={fields} />
          </>
        ) : null}

        <Form.Item name="notes" label={t('customerField.notes')}>
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={10000} />
        </Form.Item>
      </Form>

      <Modal
        open={conflict !== null}
        title={t('customers.conflictTitle')}
        onCancel={() => setConflict(null)}
        width={720}
        footer={
          <Flex justify="flex-end" gap={8} wrap>
            <Button onClick={takeTheirs}>{t('customers.conflictDiscardMine')}</Button>
            <Button type="primary" onClick={reapply} data-testid="conflict-reapply">
              {t('customers.conflictReapply')}
            </Button>
          </Flex>
        }
      >
        <Typography.Paragraph type="secondary">{t('customers.conflictText')}</Typography.Paragraph>
        {conflict ? (
          <Table
            size="small"
            pagination={false}
            rowKey="field"
            scroll={{ x: 'max-content' }}
            data-testid="conflict-table"
            dataSource={[...new Set([...conflict.myKeys, ...conflict.theirKeys])].map((field) => {
              const current = toBody(toFormValues(conflict.current, fields), fields);
              const read = (b: CustomerBody) => (field.startsWith('custom.') ? b.custom?.[field.slice(7)] : b[field]);
              return { field, theirs: read(current), mine: conflict.myKeys.includes(field) ? read(conflict.mine) : undefined, both: conflict.myKeys.includes(field) && conflict.theirKeys.includes(field) };
            })}
            columns={[
              { key: 'field', title: t('customers.conflictField'), render: (_, r) => <Typography.Text strong>{text.label(r.field)}</Typography.Text> },
              { key: 'theirs', title: t('customers.conflictTheirs'), render: (_, r) => text.value(r.field, r.theirs) },
              {
                key: 'mine',
                title: t('customers.conflictMine'),
                render: (_, r) => (r.mine === undefined ? <Typography.Text type="secondary">{t('customers.conflictUnchanged')}</Typography.Text> : <Typography.Text type={r.both ? 'danger' : undefined}>{text.value(r.field, r.mine)}</Typography.Text>),
              },
            ]}
          />
        ) : null}
      </Modal>
    </Drawer>
  );
}
