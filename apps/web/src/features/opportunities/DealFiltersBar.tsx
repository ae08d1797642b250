// Owner, department and expected-close period: the filters the board, the list and the forecast share.
import { DatePicker, TreeSelect } from 'antd';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { buildTree, useDepartments } from '../departments/departments.api';
import { UserRefPicker } from '../users/UserRefPicker';
import type { DealFilters } from './opportunities.api';

export function DealFiltersBar({ value, onChange, period = true }: { value: DealFilters; onChange: (f: DealFilters) => void; period?: boolean }) {
  const { t } = useTranslation();
  const departments = useDepartments();
  return (
    <>
      <UserRefPicker
        value={typeof value.ownerId === 'number' ? value.ownerId : null}
        onChange={(v) => onChange({ ...value, ownerId: v ?? undefined })}
        placeholder={t('opportunities.filterOwner')}
        style={{ width: 180 }}
        data-testid="deal-filter-owner"
      />
      <TreeSelect
        allowClear
        treeDefaultExpandAll
        value={value.departmentId}
        onChange={(v: number | undefined) => onChange({ ...value, departmentId: v ?? undefined })}
        treeData={buildTree(departments.data ?? [])}
        placeholder={t('opportunities.filterDepartment')}
        style={{ width: 180 }}
        data-testid="deal-filter-department"
      />
      {period ? (
        <DatePicker.RangePicker
          allowEmpty={[true, true]}
          value={[value.closeFrom ? dayjs(value.closeFrom) : null, value.closeTo ? dayjs(value.closeTo) : null]}
          onChange={(range) =>
            onChange({ ...value, closeFrom: range?.[0]?.format('YYYY-MM-DD') ?? undefined, closeTo: range?.[1]?.format('YYYY-MM-DD') ?? undefined })
          }
          placeholder={[t('opportunities.filterPeriod'), t('opportunities.filterPeriod')]}
          data-testid="deal-filter-period"
        />
      ) : null}
    </>
  );
}
