// The inputs for the admin-defined fields of a record, under `custom.<key>` in the form, so the
// server's errors at `custom.<key>` land on them.
import { Checkbox, Col, DatePicker, Form, Input, InputNumber, Row, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CustomField } from '@guanxi/contracts';
import { fieldLabel, optionLabel } from '../customers/customers.api';

export function CustomFieldInputs({ fields }: { fields: readonly CustomField[] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  return (
    <Row gutter={16}>
      {fields.map((f) => {
        const label = fieldLabel(f, lang);
        const options = f.options.map((o) => ({ value: o.value, label: optionLabel(o, lang) }));
        const rules =
          f.required && f.type !== 'boolean'
            ? [{ required: true, message: t(f.type === 'select' || f.type === 'multiselect' || f.type === 'date' ? 'validation.select' : 'validation.required', { field: label }) }]
            : [];
        let input;
        switch (f.type) {
          case 'number':
            input = <InputNumber style={{ width: '100%' }} />;
            break;
          case 'date':
            input = <DatePicker style={{ width: '100%' }} />;
            break;
          case 'select':
            input = <Select allowClear options={options} />;
            break;
          case 'multiselect':
            input = <Select mode="multiple" allowClear options={options} />;
            break;
          case 'boolean':
            input = <Checkbox>{label}</Checkbox>;
            break;
          default:
            input = <Input maxLength={2000} />;
        }
        return (
          <Col xs={24} md={12} key={f.key}>
            <Form.Item
              name={['custom', f.key]}
              label={f.type === 'boolean' ? undefined : label}
              valuePropName={f.type === 'boolean' ? 'checked' : 'value'}
              rules={rules}
              data-testid={`custom-${f.key}`}
            >
              {input}
            </Form.Item>
          </Col>
        );
      })}
    </Row>
  );
}
