// One import: live progress (polled), counts, the failed rows with their reasons and the file of
// them to fix and import again, and cancel / resume / rollback.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { Alert, App, Button, Descriptions, Progress, Space, Statistic, Table, Tag } from 'antd';
import { PageHeader } from '../../shared/PageHeader';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { errorsFileUrl, importStatusColor, useImport, useImportAction, useImportErrors } from './imports.api';

export default function ImportDetail() {
  const { t } = useTranslation();
  const { modal } = App.useApp();
  const onError = useMutationErrors();
  const id = Number(useParams().id);
  const job = useImport(id);
  const [after, setAfter] = useState(0);
  const j = job.data;
  const errors = useImportErrors(id, after, (j?.failed ?? 0) > 0);
  const action = useImportAction(id);
  if (!j) return null;
  const total = j.totalRows ?? 0;
  const percent = total ? Math.floor((j.rowsRead / total) * 100) : j.status === 'completed' ? 100 : 0;
  const run = (a: 'cancel' | 'resume' | 'rollback') => action.mutate(a, { onError: (e) => onError(e) });

  return (
    <>
      <PageHeader
        title={t('imports.detailTitle', { file: j.fileName })}
        extra={
          <Space wrap>
            {j.status === 'running' || j.status === 'queued' ? <Button onClick={() => run('cancel')} data-testid="import-cancel">{t('imports.cancel')}</Button> : null}
            {j.status === 'interrupted' || j.status === 'cancelled' ? <Button type="primary" onClick={() => run('resume')} data-testid="import-resume">{t('imports.resume')}</Button> : null}
            {['completed', 'cancelled', 'interrupted'].includes(j.status) ? (
              <Button danger onClick={() => modal.confirm({ title: t('imports.rollbackConfirm'), onOk: () => run('rollback') })} data-testid="import-rollback">
                {t('imports.rollback')}
              </Button>
            ) : null}
          </Space>
        }
      />
      <div className="gx-panel">
        {j.error ? <Alert type={j.status === 'failed' ? 'error' : 'warning'} message={j.error} style={{ marginBottom: 16 }} /> : null}
        <Progress percent={percent} status={j.status === 'failed' ? 'exception' : j.status === 'running' ? 'active' : undefined} data-testid="import-progress" />
        <Space size={32} wrap style={{ margin: '16px 0' }}>
          <Statistic title={t('imports.rowsRead')} value={j.rowsRead} suffix={j.totalRows !== null ? `/ ${j.totalRows}` : undefined} />
          <Statistic title={t('imports.imported')} value={j.imported} />
          <Statistic title={t('imports.updated')} value={j.updated} />
          <Statistic title={t('imports.skipped')} value={j.skipped} />
          <Statistic title={t('imports.failed')} value={j.failed} valueStyle={j.failed ? { color: '#cf1322' } : undefined} />
        </Space>
        <Descriptions size="small" column={{ xs: 1, md: 3 }} style={{ marginBottom: 16 }}>
          <Descriptions.Item label={t('imports.status')}>
            <Tag color={importStatusColor[j.status]} data-testid="import-status">
              {t(`imports.statuses.${j.status}`)}
            </Tag>
          </Descriptions.Item>
          <Descriptions.Item label={t('imports.duplicates')}>{t(`imports.dup_${j.duplicates}`)}</Descriptions.Item>
          <Descriptions.Item label={t('imports.by')}>{j.createdByName}</Descriptions.Item>
        </Descriptions>
        {j.failed > 0 ? (
          <>
            <Space style={{ marginBottom: 8 }}>
              <Button href={errorsFileUrl(id, 'csv')} data-testid="import-errors-download">{t('imports.downloadErrors')}</Button>
              <Button href={errorsFileUrl(id, 'xlsx')}>{t('imports.downloadErrorsXlsx')}</Button>
            </Space>
            <Table
              size="small"
              rowKey={(r) => `${r.rowNumber}-${r.column ?? ''}-${r.reason}`}
              loading={errors.isLoading}
              dataSource={errors.data?.data ?? []}
              pagination={false}
              columns={[
                { title: t('imports.row'), dataIndex: 'rowNumber', width: 100 },
                { title: t('imports.column'), dataIndex: 'column', width: 200 },
                { title: t('imports.reason'), dataIndex: 'reason' },
              ]}
              data-testid="import-errors"
            />
            {after > 0 || errors.data?.nextAfter ? (
              <Space style={{ marginTop: 8 }}>
                <Button disabled={after === 0} onClick={() => setAfter(0)}>{t('imports.firstPage')}</Button>
                <Button disabled={!errors.data?.nextAfter} onClick={() => setAfter(errors.data?.nextAfter ?? 0)}>{t('imports.nextPage')}</Button>
              </Space>
            ) : null}
          </>
        ) : null}
      </div>
    </>
  );
}
