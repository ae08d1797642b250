// Create, rename, move a department or change its manager.
import { useEffect, useState } from 'react';
import { App, Form, Input, Modal, TreeSelect } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Department, User } from '@guanxi/contracts';
import { api } from '../../api/client';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { UserPicker } from '../users/UserPicker';
import { buildTree, departmentsKey, useDepartments } from './departments.api';

interface Values {
  name: string;
  parentId?: number | null;
  managerId?: number | null;
}

export type DepartmentFormTarget = { mode: 'create'; parentId: number | null } | { mode: 'edit'; department: Department };

function isDepartment(v: unknown): v is Department {
  return typeof v === 'object' && v !== null && 'id' in v && 'version' in v && 'parentId' in v;
}

export function DepartmentForm({ target, onClose, onSaved }: { target: DepartmentFormTarget | null; onClose: () => void; onSaved: (d: Department) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const [form] = Form.useForm<Values>();
  const [version, setVersion] = useState<number | null>(null);
  const departments = useDepartments(target !== null);
  const editing = target?.mode === 'edit' ? target.department : null;
  const managerId = editing?.managerId ?? null;
  const manager = useQuery({ queryKey: ['users', 'one', managerId ?? 0], queryFn: () => api<User>(`/users/${managerId ?? 0}`), enabled: managerId !== null });

  useEffect(() => {
    if (!target) return;
    form.resetFields();
    if (target.mode === 'edit') {
      const d = target.department;
      form.setFieldsValue({ name: d.name, parentId: d.parentId, managerId: d.managerId });
      setVersion(d.version);
    } else {
      form.setFieldsValue({ parentId: target.parentId, managerId: null });
      setVersion(null);
    }
  }, [target, form]);

  const save = useMutation({
    mutationFn: (v: Values) => {
      const body = { name: v.name.trim(), parentId: v.parentId ?? null, managerId: v.managerId ?? null };
      return editing
        ? api<Department>(`/departments/${editing.id}`, { method: 'PATCH', body: { ...body, version } })
        : api<Department>('/departments', { method: 'POST', body });
    },
    onSuccess: (d) => {
      void client.invalidateQueries({ queryKey: departmentsKey });
      void message.success(editing ? t('common.saved') : t('common.created'));
      onSaved(d);
      onClose();
    },
    onError: (e) =>
      onError(e, {
        form,
        onReload: (current) => {
          void client.invalidateQueries({ queryKey: departmentsKey });
          if (isDepartment(current)) {
            form.setFieldsValue({ name: current.name, parentId: current.parentId, managerId: current.managerId });
            setVersion(current.version);
          } else onClose();
        },
      }),
  });

  return (
    <Modal
      open={target !== null}
      title={editing ? t('departments.edit') : target?.mode === 'create' && target.parentId ? t('departments.createChild') : t('departments.create')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={editing ? t('common.save') : t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      destroyOnHidden
    >
      <Form form={form} name="department" layout="vertical" requiredMark="optional" onFinish={(v) => save.mutate(v)} autoComplete="off">
        <Form.Item
          name="name"
          label={t('departments.name')}
          rules={[
            { required: true, whitespace: true, message: t('validation.required', { field: t('departments.name') }) },
            { max: 100, message: t('validation.maxLength', { max: 100 }) },
          ]}
        >
          <Input autoFocus />
        </Form.Item>
        <Form.Item name="parentId" label={t('departments.parent')}>
          <TreeSelect allowClear treeDefaultExpandAll placeholder={t('departments.root')} treeData={buildTree(departments.data ?? [], editing?.id)} />
        </Form.Item>
        <Form.Item name="managerId" label={t('departments.manager')}>
          <UserPicker initial={manager.data ? { id: manager.data.id, name: manager.data.name } : null} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
