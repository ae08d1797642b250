// Import history: every import of the user (and of users in their scope), newest first.
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { Button, Table, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { ImportJob } from '@guanxi/contracts';
import { PageHeader } from '../../shared/PageHeader';
import { formatDateTime } from '../../shared/format';
import { importStatusColor, useImports } from './imports.api';

export default function ImportList() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const list = useImports();
  return (
    <>
      <PageHeader
        title={t('imports.title')}
        description={t('imports.description')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/imports/new')} data-testid="import-new">
            {t('imports.newTitle')}
          </Button>
        }
      />
      <div className="gx-panel">
        <Table<ImportJob>
          rowKey="id"
          loading={list.isLoading}
          dataSource={list.data?.data ?? []}
          columns={[
            { title: t('imports.file'), dataIndex: 'fileName', render: (v: string, r) => <Link to={`/imports/${r.id}`}>{v}</Link> },
            { title: t('imports.status'), dataIndex: 'status', render: (s: ImportJob['status']) => <Tag color={importStatusColor[s]}>{t(`imports.statuses.${s}`)}</Tag> },
            { title: t('imports.rowsRead'), dataIndex: 'rowsRead' },
            { title: t('imports.imported'), dataIndex: 'imported' },
            { title: t('imports.updated'), dataIndex: 'updated' },
            { title: t('imports.skipped'), dataIndex: 'skipped' },
            { title: t('imports.failed'), dataIndex: 'failed' },
            { title: t('imports.by'), dataIndex: 'createdByName' },
            { title: t('imports.when'), dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) },
          ]}
        />
      </div>
    </>
  );
}
