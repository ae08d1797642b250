// Service desk settings (/settings/service): SLA policies, business calendars, assignment rules,
// return-visit rules and the general settings, one tab each.
import { useSearchParams } from 'react-router';
import { Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../shared/PageHeader';
import { BusinessCalendars } from './BusinessCalendars';
import { SlaPolicies } from './SlaPolicies';
import { AssignmentRules, GeneralServiceSettings, ReturnVisitRules } from './ServiceRules';

const tabs = ['sla', 'calendars', 'assignment', 'visits', 'general'] as const;
type Tab = (typeof tabs)[number];

export default function ServiceSettingsPage() {
  const { t } = useTranslation();
  const [search, setSearch] = useSearchParams();
  const tab: Tab = tabs.find((x) => x === search.get('tab')) ?? 'sla';
  const body: Record<Tab, React.ReactNode> = {
    sla: <SlaPolicies />,
    calendars: <BusinessCalendars />,
    assignment: <AssignmentRules />,
    visits: <ReturnVisitRules />,
    general: <GeneralServiceSettings />,
  };
  return (
    <>
      <PageHeader title={t('serviceRules.pageTitle')} description={t('serviceRules.description')} />
      <div className="gx-panel">
        <Tabs activeKey={tab} onChange={(k) => setSearch(k === 'sla' ? {} : { tab: k })} items={tabs.map((k) => ({ key: k, label: <span data-testid={`service-settings-tab-${k}`}>{t(`serviceRules.tab.${k}`)}</span>, children: k === tab ? body[k] : null }))} />
      </div>
    </>
  );
}
