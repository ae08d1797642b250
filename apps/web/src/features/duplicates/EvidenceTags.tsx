import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CustomerDuplicateEvidence } from '@guanxi/contracts';

const colors = { creditCode: 'red', phone: 'volcano', email: 'orange', name: 'blue', pinyin: 'geekblue' } as const;

/** Which keys two records share: same credit code, phone, email, or a similar or same-sounding name in one city. */
export function EvidenceTags({ evidence }: { evidence: CustomerDuplicateEvidence }) {
  const { t } = useTranslation();
  return (
    <>
      {evidence.keys.map((k) => (
        <Tag key={k} color={colors[k]}>
          {k === 'name'
            ? t('duplicates.evidence.name', { similarity: Math.round((evidence.nameSimilarity ?? 0) * 100), city: evidence.city ?? '' })
            : k === 'pinyin'
              ? t('duplicates.evidence.pinyin', { city: evidence.city ?? '' })
              : t(`duplicates.evidence.${k}`)}
        </Tag>
      ))}
      {evidence.creditCodeConflict ? <Tag color="default">{t('duplicates.evidence.creditCodeConflict')}</Tag> : null}
    </>
  );
}
