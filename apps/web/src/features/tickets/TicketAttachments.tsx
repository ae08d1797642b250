// A ticket's files: upload (at most 10 MB; images, PDF, Office, zip, text — the server checks the
// content, not just the name), download, remove. Refusals are said in words, not status codes.
import { useState } from 'react';
import { Alert, App, Button, Card, Empty, Flex, List, Popconfirm, Typography, Upload } from 'antd';
import { DeleteOutlined, PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TicketAttachment, TicketDetail } from '@guanxi/contracts';
import { API_BASE, api, isApiError, upload } from '../../api/client';
import { errorText } from '../../shared/errors';
import { formatDateTime } from '../../shared/format';
import { useCan } from '../auth/session';
import { useInvalidateTickets } from './tickets.api';

const MAX_BYTES = 10 * 1024 * 1024;
const ACCEPT = '.png,.jpg,.jpeg,.gif,.webp,.pdf,.docx,.xlsx,.zip,.txt,.log,.csv';

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function TicketAttachments({ ticket }: { ticket: TicketDetail }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const can = useCan();
  const invalidate = useInvalidateTickets();
  const [problem, setProblem] = useState<string | null>(null);
  const send = useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.append('file', file, file.name);
      return upload<TicketAttachment>(`/tickets/${ticket.id}/attachments`, form);
    },
    onSuccess: (a) => {
      setProblem(null);
      invalidate();
      void message.success(t('tickets.attached', { name: a.fileName }));
    },
    onError: (e, file) => {
      if (isApiError(e) && e.status === 413) setProblem(t('tickets.fileTooLarge', { name: file.name, max: '10 MB' }));
      else if (isApiError(e) && e.status === 415) setProblem(t('tickets.fileTypeRefused', { name: file.name }));
      else if (isApiError(e) && e.details[0]?.code === 'type_mismatch') setProblem(t('tickets.fileTypeMismatch', { name: file.name }));
      else if (isApiError(e) && e.details[0]?.code === 'too_small') setProblem(t('tickets.fileEmpty', { name: file.name }));
      else setProblem(errorText(t, e));
    },
  });
  const remove = useMutation({
    mutationFn: (a: TicketAttachment) => api<null>(`/tickets/${ticket.id}/attachments/${a.id}`, { method: 'DELETE' }),
    onSuccess: () => {
      invalidate();
      void message.success(t('common.deleted'));
    },
    onError: (e) => void message.error(errorText(t, e)),
  });
  const writable = can('service.write');

  return (
    <Card
      title={t('tickets.attachments')}
      style={{ marginBottom: 20 }}
      data-testid="ticket-attachments"
      extra={
        writable ? (
          <Upload
            accept={ACCEPT}
            showUploadList={false}
            beforeUpload={(file) => {
              if (file.size > MAX_BYTES) {
                setProblem(t('tickets.fileTooLarge', { name: file.name, max: '10 MB' }));
                return Upload.LIST_IGNORE;
              }
              send.mutate(file);
              return false;
            }}
          >
            <Button size="small" icon={<UploadOutlined />} loading={send.isPending} data-testid="ticket-upload">
              {t('tickets.upload')}
            </Button>
          </Upload>
        ) : null
      }
    >
      {problem ? <Alert type="error" showIcon closable={{ onClose: () => setProblem(null) }} title={problem} style={{ marginBottom: 12 }} data-testid="ticket-upload-error" /> : null}
      {ticket.attachments.length ? (
        <List
          size="small"
          dataSource={ticket.attachments}
          renderItem={(a) => (
            <List.Item
              actions={
                writable
                  ? [
                      <Popconfirm key="del" title={t('tickets.removeAttachment', { name: a.fileName })} onConfirm={() => remove.mutate(a)} okText={t('common.delete')} okButtonProps={{ danger: true }} cancelText={t('common.cancel')}>
                        <Button type="text" size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} />
                      </Popconfirm>,
                    ]
                  : []
              }
            >
              <Flex vertical style={{ minWidth: 0 }}>
                <Typography.Link href={`${API_BASE}/tickets/${ticket.id}/attachments/${a.id}`} download={a.fileName} ellipsis data-testid="ticket-attachment-link">
                  <PaperClipOutlined /> {a.fileName}
                </Typography.Link>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {fileSize(a.sizeBytes)} · {formatDateTime(a.createdAt)}
                </Typography.Text>
              </Flex>
            </List.Item>
          )}
        />
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('tickets.noAttachments')} />
      )}
      {writable ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('tickets.uploadHelp')}
        </Typography.Text>
      ) : null}
    </Card>
  );
}
