// Business calendars (工作日历): the working days and hours SLA time is counted in, and the dates
// that differ from their weekday — public holidays and the make-up working days (调休) around them.
import { useEffect, useState } from 'react';
import { App, Button, Card, Checkbox, Col, DatePicker, Empty, Flex, Form, Input, List, Modal, Popconfirm, Row, Segmented, Select, Tag, TimePicker, Typography } from 'antd';
import { DeleteOutlined, MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs, { type Dayjs } from 'dayjs';
import type { BusinessCalendarDto, CalendarDay } from '@guanxi/contracts';
import { api } from '../../api/client';
import { errorText } from '../../shared/errors';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { calendarsKey, useCalendars } from '../tickets/tickets.api';

interface Values {
  name: string;
  timeZone?: string;
  workingDays: number[];
  spans: Array<{ range: [Dayjs, Dayjs] }>;
  isDefault: boolean;
}

const hm = (d: Dayjs) => d.format('HH:mm');
const toDay = (s: string) => dayjs(`2000-01-01T${s === '24:00' ? '23:59' : s}`);

export function BusinessCalendars() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const calendars = useCalendars();
  const [selected, setSelected] = useState<number | null>(null);
  const [editing, setEditing] = useState<BusinessCalendarDto | 'new' | null>(null);
  const [form] = Form.useForm<Values>();
  const list = calendars.data ?? [];
  useEffect(() => {
    if (selected === null && list.length) setSelected((list.find((c) => c.isDefault) ?? list[0])?.id ?? null);
  }, [list, selected]);
  const refresh = () => void client.invalidateQueries({ queryKey: calendarsKey });

  const save = useMutation({
    mutationFn: (v: Values) => {
      const body = { name: v.name.trim(), workingDays: [...v.workingDays].sort(), workingHours: v.spans.map((s) => ({ start: hm(s.range[0]), end: hm(s.range[1]) })), ...(v.timeZone ? { timeZone: v.timeZone } : {}) };
      return editing && editing !== 'new'
        ? api<BusinessCalendarDto>(`/business-calendars/${editing.id}`, { method: 'PATCH', body: { ...body, ...(v.isDefault && !editing.isDefault ? { isDefault: true } : {}), version: editing.version } })
        : api<BusinessCalendarDto>('/business-calendars', { method: 'POST', body: { ...body, isDefault: v.isDefault } });
    },
    onSuccess: (c) => {
      refresh();
      setEditing(null);
      setSelected(c.id);
      void message.success(t('common.saved'));
    },
    onError: (e) => onError(e, { form, onReload: refresh }),
  });
  const remove = useMutation({
    mutationFn: (c: BusinessCalendarDto) => api<null>(`/business-calendars/${c.id}`, { method: 'DELETE' }),
    onSuccess: () => {
      setSelected(null);
      refresh();
      void message.success(t('common.deleted'));
    },
    onError: (e) => void message.error(errorText(t, e)),
  });

  const open = (c: BusinessCalendarDto | 'new') => {
    form.setFieldsValue(
      c === 'new'
        ? { name: '', workingDays: [1, 2, 3, 4, 5], spans: [{ range: [toDay('09:00'), toDay('12:00')] }, { range: [toDay('13:30'), toDay('18:00')] }], isDefault: false }
        : { name: c.name, timeZone: c.timeZone, workingDays: c.workingDays, spans: c.workingHours.map((h) => ({ range: [toDay(h.start), toDay(h.end)] as [Dayjs, Dayjs] })), isDefault: c.isDefault },
    );
    setEditing(c);
  };
  const weekday = (d: number) => t(`calendars.weekday.d${d as 1}`);
  const current = list.find((c) => c.id === selected);

  return (
    <Row gutter={[20, 20]}>
      <Col xs={24} lg={9}>
        <Card
          size="small"
          title={t('calendars.title')}
          extra={
            <Button size="small" icon={<PlusOutlined />} onClick={() => open('new')} data-testid="calendar-new">
              {t('calendars.create')}
            </Button>
          }
        >
          <List
            dataSource={list}
            loading={calendars.isFetching}
            renderItem={(c) => (
              <List.Item
                onClick={() => setSelected(c.id)}
                style={{ cursor: 'pointer', background: c.id === selected ? '#f0f5ff' : undefined, paddingInline: 8, borderRadius: 6 }}
                actions={[
                  <Button key="edit" size="small" type="link" onClick={() => open(c)}>
                    {t('common.edit')}
                  </Button>,
                  ...(c.isDefault
                    ? []
                    : [
                        <Popconfirm key="del" title={t('calendars.deleteConfirm', { name: c.name })} onConfirm={() => remove.mutate(c)} okText={t('common.delete')} okButtonProps={{ danger: true }} cancelText={t('common.cancel')}>
                          <Button size="small" type="link" danger>
                            {t('common.delete')}
                          </Button>
                        </Popconfirm>,
                      ]),
                ]}
              >
                <List.Item.Meta
                  title={
                    <Flex gap={6} align="center">
                      {c.name}
                      {c.isDefault ? <Tag color="blue">{t('calendars.default')}</Tag> : null}
                    </Flex>
                  }
                  description={
                    <>
                      <div>{c.workingDays.map(weekday).join(t('common.listSeparator'))}</div>
                      <div>
                        {c.workingHours.map((h) => `${h.start}–${h.end}`).join(t('common.listSeparator'))} · {c.timeZone}
                      </div>
                    </>
                  }
                />
              </List.Item>
            )}
          />
        </Card>
      </Col>
      <Col xs={24} lg={15}>{current ? <CalendarDays calendar={current} /> : <Empty />}</Col>
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('calendars.create') : t('calendars.edit')}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        confirmLoading={save.isPending}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        width={600}
        forceRender
      >
        <Form<Values> form={form} layout="vertical" onFinish={(v) => save.mutate(v)}>
          <Form.Item name="name" label={t('calendars.name')} rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('calendars.name') }) }]}>
            <Input />
          </Form.Item>
          <Form.Item name="workingDays" label={t('calendars.workingDays')} rules={[{ required: true, message: t('validation.select', { field: t('calendars.workingDays') }) }]}>
            <Checkbox.Group options={[1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: d, label: weekday(d) }))} />
          </Form.Item>
          <Form.Item label={t('calendars.workingHours')} extra={t('calendars.workingHoursHelp')} required>
            <Form.List name="spans">
              {(fields, { add, remove: drop }) => (
                <Flex vertical gap={8}>
                  {fields.map((f) => (
                    <Flex key={f.key} gap={8} align="center">
                      <Form.Item name={[f.name, 'range']} noStyle rules={[{ required: true, message: t('validation.required', { field: t('calendars.workingHours') }) }]}>
                        <TimePicker.RangePicker format="HH:mm" minuteStep={5} order />
                      </Form.Item>
                      {fields.length > 1 ? <MinusCircleOutlined onClick={() => drop(f.name)} aria-label={t('common.delete')} /> : null}
                    </Flex>
                  ))}
                  {fields.length < 2 ? (
                    <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add({ range: [toDay('13:30'), toDay('18:00')] })} style={{ width: 200 }}>
                      {t('calendars.addSpan')}
                    </Button>
                  ) : null}
                </Flex>
              )}
            </Form.List>
          </Form.Item>
          <Form.Item name="timeZone" label={t('calendars.timeZone')}>
            <Select showSearch allowClear options={Intl.supportedValuesOf('timeZone').map((z) => ({ value: z, label: z }))} placeholder="Asia/Shanghai" />
          </Form.Item>
          <Form.Item name="isDefault" valuePropName="checked">
            <Checkbox disabled={editing !== 'new' && editing !== null && editing.isDefault}>{t('calendars.makeDefault')}</Checkbox>
          </Form.Item>
        </Form>
      </Modal>
    </Row>
  );
}

/** The holidays and make-up working days of one calendar, a year at a time. */
function CalendarDays({ calendar }: { calendar: BusinessCalendarDto }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [year, setYear] = useState(dayjs().year());
  const [date, setDate] = useState<Dayjs | null>(null);
  const [kind, setKind] = useState<'holiday' | 'workday'>('holiday');
  const [name, setName] = useState('');
  const days = useQuery({
    queryKey: [...calendarsKey, calendar.id, 'days', year],
    queryFn: () => api<BusinessCalendarDto & { days: CalendarDay[] }>(`/business-calendars/${calendar.id}`, { query: { year } }),
    select: (r) => [...r.days].sort((a, b) => a.date.localeCompare(b.date)),
  });
  const refresh = () => void client.invalidateQueries({ queryKey: [...calendarsKey, calendar.id] });
  const put = useMutation({
    mutationFn: () => api<CalendarDay>(`/business-calendars/${calendar.id}/days/${date?.format('YYYY-MM-DD') ?? ''}`, { method: 'PUT', body: { kind, name: name.trim() || null } }),
    onSuccess: (d) => {
      refresh();
      setDate(null);
      setName('');
      if (Number(d.date.slice(0, 4)) !== year) setYear(Number(d.date.slice(0, 4)));
      void message.success(t('common.saved'));
    },
    onError: (e) => void message.error(errorText(t, e)),
  });
  const remove = useMutation({
    mutationFn: (d: CalendarDay) => api<null>(`/business-calendars/${calendar.id}/days/${d.date}`, { method: 'DELETE' }),
    onSuccess: () => {
      refresh();
      void message.success(t('common.deleted'));
    },
    onError: (e) => void message.error(errorText(t, e)),
  });
  const rows = days.data ?? [];
  const holidays = rows.filter((d) => d.kind === 'holiday').length;
  return (
    <Card
      size="small"
      title={t('calendars.daysTitle', { name: calendar.name })}
      extra={
        <Select<number> size="small" value={year} onChange={setYear} options={[-1, 0, 1, 2].map((d) => dayjs().year() + d).map((y) => ({ value: y, label: String(y) }))} style={{ width: 90 }} />
      }
      data-testid="calendar-days"
    >
      <Flex gap={8} wrap align="center" style={{ marginBottom: 12 }}>
        <DatePicker value={date} onChange={setDate} data-testid="calendar-day-date" />
        <Segmented<'holiday' | 'workday'>
          value={kind}
          onChange={setKind}
          options={[
            { value: 'holiday', label: t('calendars.holiday') },
            { value: 'workday', label: t('calendars.workday') },
          ]}
        />
        <Input value={name} onChange={(e) => setName(e.target.value)} maxLength={60} placeholder={t('calendars.dayName')} style={{ width: 160 }} />
        <Button type="primary" icon={<PlusOutlined />} disabled={!date} loading={put.isPending} onClick={() => put.mutate()} data-testid="calendar-day-add">
          {t('calendars.addDay')}
        </Button>
      </Flex>
      <Typography.Text type="secondary" style={{ display: 'block', marginBottom: 8, fontSize: 12 }}>
        {t('calendars.daysSummary', { year, holidays, workdays: rows.length - holidays })}
      </Typography.Text>
      <List
        size="small"
        loading={days.isFetching}
        dataSource={rows}
        locale={{ emptyText: t('calendars.noDays') }}
        style={{ maxHeight: 420, overflow: 'auto' }}
        renderItem={(d) => (
          <List.Item
            actions={[
              <Popconfirm key="del" title={t('calendars.removeDay', { date: d.date })} onConfirm={() => remove.mutate(d)} okText={t('common.delete')} okButtonProps={{ danger: true }} cancelText={t('common.cancel')}>
                <Button type="text" size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} />
              </Popconfirm>,
            ]}
          >
            <Flex gap={10} align="center">
              <Typography.Text style={{ fontVariantNumeric: 'tabular-nums' }}>
                {d.date} {t(`calendars.weekday.d${(dayjs(d.date).day() || 7) as 1}`)}
              </Typography.Text>
              <Tag color={d.kind === 'holiday' ? 'red' : 'blue'}>{d.kind === 'holiday' ? t('calendars.holiday') : t('calendars.workday')}</Tag>
              {d.name ? <Typography.Text type="secondary">{d.name}</Typography.Text> : null}
            </Flex>
          </List.Item>
        )}
      />
    </Card>
  );
}
