// Permission checkboxes by group, with "all" per group. A form control: value/onChange.
import { Checkbox, Col, Row, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Permission } from '@guanxi/contracts';
import { permissionKey } from '../../i18n/keys';
import { groupedPermissions } from './permission-groups';

export function PermissionPicker({ value = [], onChange, disabled }: { value?: Permission[]; onChange?: (v: Permission[]) => void; disabled?: boolean }) {
  const { t } = useTranslation();
  const set = new Set(value);
  const update = (next: Set<Permission>) => onChange?.(groupedPermissions.flatMap((g) => g.permissions).filter((p) => next.has(p)));
  return (
    <div style={{ display: 'grid', gap: 12 }}>
      {groupedPermissions.map(({ group, permissions }) => {
        const checked = permissions.filter((p) => set.has(p)).length;
        return (
          <div key={group} style={{ border: '1px solid var(--gx-border)', borderRadius: 8, padding: '10px 12px' }}>
            <Checkbox
              disabled={disabled}
              checked={checked === permissions.length}
              indeterminate={checked > 0 && checked < permissions.length}
              onChange={(e) => {
                const next = new Set(set);
                for (const p of permissions) {
                  if (e.target.checked) next.add(p);
                  else next.delete(p);
                }
                update(next);
              }}
            >
              <Typography.Text strong>{t(`permGroups.${group}`)}</Typography.Text>
            </Checkbox>
            <Row gutter={[8, 6]} style={{ marginTop: 8, paddingLeft: 24 }}>
              {permissions.map((p) => (
                <Col xs={24} sm={12} key={p}>
                  <Checkbox
                    disabled={disabled}
                    checked={set.has(p)}
                    onChange={(e) => {
                      const next = new Set(set);
                      if (e.target.checked) next.add(p);
                      else next.delete(p);
                      update(next);
                    }}
                    data-testid={`perm-${p}`}
                  >
                    {t(`perm.${permissionKey(p)}`)}
                  </Checkbox>
                </Col>
              ))}
            </Row>
          </div>
        );
      })}
    </div>
  );
}
