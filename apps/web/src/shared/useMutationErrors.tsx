// What a form does when saving fails: field errors go onto the fields, a version conflict offers
// to reload the record, anything else becomes a toast in the user's language.
import { App, type FormInstance } from 'antd';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/client';
import { applyFieldErrors, errorText } from './errors';

export function useMutationErrors() {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  return (error: unknown, options: { form?: FormInstance; onReload?: (current: unknown) => void; messages?: Record<string, string> } = {}) => {
    if (isApiError(error) && error.code === 'VERSION_CONFLICT' && options.onReload) {
      const reload = options.onReload;
      modal.confirm({
        title: t('errors.versionConflictTitle'),
        content: t('errors.versionConflictText'),
        okText: t('common.reload'),
        cancelText: t('common.cancel'),
        onOk: () => reload(error.current),
      });
      return;
    }
    if (options.form && applyFieldErrors(options.form, error, t, options.messages)) return;
    void message.error(errorText(t, error));
  };
}
