// One analytics setting as a form item: its control chosen from the field's kind, its plain-words
// explanation underneath, and its error (the contract's check or the server's) in place.
import { Checkbox, Col, Form, InputNumber, Radio, Switch, TimePicker } from 'antd';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { customerTiers } from '@guanxi/contracts';
import type { TFunction } from 'i18next';
import type { FieldDef, OptionGroup } from './settings-fields';

interface ValueProps<T> {
  value?: T;
  onChange?: (v: T) => void;
  id?: string;
}

const round = (v: number, digits: number) => Number(v.toFixed(digits));

function optionLabel(t: TFunction, group: OptionGroup, option: string): string {
  const labels: Record<string, string> = t(`analyticsAdmin.option.${group}`, { returnObjects: true });
  return labels[option] ?? option;
}

/** A share in [0, 1] shown and typed as a percentage. */
function PercentInput({ value, onChange, id, testId }: ValueProps<number | null> & { testId: string }) {
  return (
    <InputNumber<number>
      id={id}
      value={value === null || value === undefined ? null : round(value * 100, 4)}
      onChange={(p) => onChange?.(p === null ? null : round(p / 100, 6))}
      step={1}
      suffix="%"
      style={{ width: 160 }}
      data-testid={testId}
    />
  );
}

/** `HH:MM` strings edited with a time picker. */
function TimeInput({ value, onChange, id, testId }: ValueProps<string> & { testId: string }) {
  return (
    <TimePicker
      id={id}
      format="HH:mm"
      minuteStep={5}
      needConfirm={false}
      value={value && /^\d\d:\d\d$/.test(value) ? dayjs(`2000-01-01T${value}`) : null}
      onChange={(d) => onChange?.(d ? d.format('HH:mm') : '')}
      data-testid={testId}
    />
  );
}

export function SettingControl({ field, error }: { field: FieldDef; error: string | undefined }) {
  const { t } = useTranslation();
  const c = field.control;
  const testId = `setting-${field.id}`;
  const input = (() => {
    switch (c.kind) {
      case 'switch':
        return <Switch data-testid={testId} />;
      case 'time':
        return <TimeInput testId={testId} />;
      case 'percent':
        return <PercentInput testId={testId} />;
      case 'number':
        return (
          <InputNumber<number>
            step={c.step}
            precision={c.int ? 0 : undefined}
            suffix={c.unit ? t(`analyticsAdmin.unit.${c.unit}`) : undefined}
            placeholder={c.nullable ? t('analyticsAdmin.off') : undefined}
            style={{ width: field.compact ? 120 : 180 }}
            data-testid={testId}
          />
        );
      case 'choice':
        return <Radio.Group options={[...(c.nullable ? ['off'] : []), ...c.options].map((o) => ({ value: o, label: optionLabel(t, c.group, o) }))} data-testid={testId} />;
      case 'tiers':
        return <Checkbox.Group options={customerTiers.map((k) => ({ value: k, label: t(`enums.importance.${k}`) }))} data-testid={testId} />;
    }
  })();
  // A nullable choice keeps null in the settings and shows it as the "off" option.
  const nullableChoice = c.kind === 'choice' && c.nullable;
  return (
    <Col xs={24} md={field.compact ? 8 : 12}>
      <Form.Item
        name={[...field.path]}
        label={t(`analyticsAdmin.field.${field.id}.label`)}
        extra={t(`analyticsAdmin.field.${field.id}.help`)}
        valuePropName={c.kind === 'switch' ? 'checked' : 'value'}
        validateStatus={error ? 'error' : undefined}
        help={error}
        {...(nullableChoice ? { getValueProps: (v: unknown) => ({ value: v ?? 'off' }), normalize: (v: unknown) => (v === 'off' ? null : v) } : {})}
      >
        {input}
      </Form.Item>
    </Col>
  );
}
