// Departments as a tree: select one to see and change it, drag one to move it.
import { useMemo, useState, type ReactNode } from 'react';
import { App, Button, Card, Col, Descriptions, Empty, Flex, Input, Popconfirm, Row, Tree, Typography, type TreeDataNode, type TreeProps } from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined, TeamOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Department } from '@guanxi/contracts';
import { api } from '../../api/client';
import { PageHeader } from '../../shared/PageHeader';
import { formatDateTime } from '../../shared/format';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { errorText } from '../../shared/errors';
import { buildTree, departmentsKey, useDepartments, type DepartmentNode } from './departments.api';
import { DepartmentForm, type DepartmentFormTarget } from './DepartmentForm';

type TreeItem = TreeDataNode & { children: TreeItem[]; title: ReactNode };

export default function DepartmentTree() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const departments = useDepartments();
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [filter, setFilter] = useState('');
  const [target, setTarget] = useState<DepartmentFormTarget | null>(null);

  const all = useMemo(() => departments.data ?? [], [departments.data]);
  const byId = useMemo(() => new Map(all.map((d) => [d.id, d])), [all]);
  const selected = selectedId === null ? undefined : byId.get(selectedId);

  const treeData = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const toItem = (n: DepartmentNode): TreeItem | null => {
      const children = n.children.map(toItem).filter((c): c is TreeItem => c !== null);
      const matches = !needle || n.title.toLowerCase().includes(needle);
      if (!matches && !children.length) return null;
      return {
        key: n.key,
        children,
        title: (
          <Flex gap={8} align="center">
            <span>{n.title}</span>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              <TeamOutlined /> {n.department.userCount}
            </Typography.Text>
          </Flex>
        ),
      };
    };
    return buildTree(all).map(toItem).filter((c): c is TreeItem => c !== null);
  }, [all, filter]);

  const move = useMutation({
    mutationFn: ({ d, parentId }: { d: Department; parentId: number | null }) =>
      api<Department>(`/departments/${d.id}`, { method: 'PATCH', body: { parentId, version: d.version } }),
    onSuccess: (d) => {
      void client.invalidateQueries({ queryKey: departmentsKey });
      void message.success(t('departments.moved', { name: d.name }));
    },
    onError: (e) => onError(e, { onReload: () => void client.invalidateQueries({ queryKey: departmentsKey }) }),
  });

  const remove = useMutation({
    mutationFn: (d: Department) => api<void>(`/departments/${d.id}`, { method: 'DELETE' }),
    onSuccess: () => {
      setSelectedId(null);
      void client.invalidateQueries({ queryKey: departmentsKey });
      void message.success(t('common.deleted'));
    },
    onError: (e) => void message.error(errorText(t, e)),
  });

  const onDrop: TreeProps['onDrop'] = (info) => {
    const d = byId.get(Number(info.dragNode.key));
    const onto = byId.get(Number(info.node.key));
    if (!d || !onto) return;
    const parentId = info.dropToGap ? onto.parentId : onto.id;
    if (parentId !== d.parentId) move.mutate({ d, parentId });
  };

  const parentName = selected?.parentId ? (byId.get(selected.parentId)?.name ?? '') : t('departments.root');

  return (
    <>
      <PageHeader
        title={t('departments.title')}
        description={t('departments.description')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setTarget({ mode: 'create', parentId: null })} data-testid="create-department">
            {t('departments.create')}
          </Button>
        }
      />
      <Row gutter={[20, 20]}>
        <Col xs={24} lg={10}>
          <Card loading={departments.isPending}>
            {all.length ? (
              <>
                <Input.Search allowClear placeholder={t('departments.searchPlaceholder')} onChange={(e) => setFilter(e.target.value)} style={{ marginBottom: 12 }} />
                <Tree
                  blockNode
                  showLine
                  draggable={{ icon: false }}
                  defaultExpandAll
                  treeData={treeData}
                  selectedKeys={selectedId === null ? [] : [selectedId]}
                  onSelect={(keys) => setSelectedId(keys.length ? Number(keys[0]) : null)}
                  onDrop={onDrop}
                />
                <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '12px 0 0' }}>
                  {t('departments.dragHint')}
                </Typography.Paragraph>
              </>
            ) : (
              <Empty description={t('departments.empty')} />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <Card
            title={selected?.name ?? t('departments.title')}
            extra={
              selected ? (
                <Flex gap={8} wrap>
                  <Button size="small" icon={<PlusOutlined />} onClick={() => setTarget({ mode: 'create', parentId: selected.id })}>
                    {t('departments.createChild')}
                  </Button>
                  <Button size="small" icon={<EditOutlined />} onClick={() => setTarget({ mode: 'edit', department: selected })}>
                    {t('common.edit')}
                  </Button>
                  <Popconfirm
                    title={t('departments.deleteConfirm', { name: selected.name })}
                    okText={t('common.delete')}
                    okButtonProps={{ danger: true }}
                    cancelText={t('common.cancel')}
                    onConfirm={() => remove.mutateAsync(selected).catch(() => undefined)}
                  >
                    <Button size="small" danger icon={<DeleteOutlined />}>
                      {t('common.delete')}
                    </Button>
                  </Popconfirm>
                </Flex>
              ) : null
            }
          >
            {selected ? (
              <Descriptions
                column={1}
                size="middle"
                bordered
                items={[
                  { key: 'name', label: t('departments.name'), children: selected.name },
                  { key: 'parent', label: t('departments.parent'), children: parentName },
                  { key: 'manager', label: t('departments.manager'), children: selected.managerName ?? t('common.none') },
                  { key: 'users', label: t('departments.userCount'), children: t('departments.members', { count: selected.userCount }) },
                  { key: 'created', label: t('common.createdAt'), children: formatDateTime(selected.createdAt) },
                ]}
              />
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('departments.selectHint')} />
            )}
          </Card>
        </Col>
      </Row>
      <DepartmentForm target={target} onClose={() => setTarget(null)} onSaved={(d) => setSelectedId(d.id)} />
    </>
  );
}
