import { useId } from 'react';
import { Tab, TabList, TabPanel, Tabs } from 'react-aria-components';
import type { WardlineApi } from '../../../preload/api-factory';
import { PeopleSection } from './people/PeopleSection';
import { RecentActions } from './recent/RecentActions';
import { ReauthenticationProvider } from './ReauthenticationProvider';
import { RoleAddressesSection } from './roles/RoleAddressesSection';
import { TemplatesSection } from './templates/TemplatesSection';
import { WorkstationsSection } from './workstations/WorkstationsSection';
import './admin.css';
import './admin-forms.css';

/**
 * The IT admin's Administration view, a tab per section: People, Role addresses, Workstations,
 * Templates and Recent actions. People keeps its search while another tab is open; the others ask the server
 * again each time they open (each lookup is recorded, so none is made for a tab never opened).
 * Every section's actions use the same re-authentication (ReauthenticationProvider) and
 * confirmation (ConfirmAction.tsx; TypedConfirmation.tsx where a name must be typed).
 */
export function AdministrationScreen({ bridge, selfId }: { readonly bridge: WardlineApi; readonly selfId: string }) {
  const id = useId();
  return (
    <section className="admin" aria-labelledby={`${id}-heading`}>
      <div className="admin-head">
        <h1 id={`${id}-heading`}>Administration</h1>
        <p className="hint">Every action and every lookup here is recorded in the audit trail under your name.</p>
      </div>
      <ReauthenticationProvider bridge={bridge}>
        <Tabs className="admin-tabs">
          <TabList aria-label="Administration sections" className="admin-tablist">
            <Tab id="people" className="admin-tab">
              People
            </Tab>
            <Tab id="roles" className="admin-tab">
              Role addresses
            </Tab>
            <Tab id="workstations" className="admin-tab">
              Workstations
            </Tab>
            <Tab id="templates" className="admin-tab">
              Templates
            </Tab>
            <Tab id="recent" className="admin-tab">
              Recent actions
            </Tab>
          </TabList>
          <TabPanel id="people" className="admin-panel" shouldForceMount>
            <PeopleSection bridge={bridge} selfId={selfId} />
          </TabPanel>
          <TabPanel id="roles" className="admin-panel">
            <RoleAddressesSection bridge={bridge} />
          </TabPanel>
          <TabPanel id="workstations" className="admin-panel">
            <WorkstationsSection bridge={bridge} />
          </TabPanel>
          <TabPanel id="templates" className="admin-panel">
            <TemplatesSection keeper={bridge.admin} department={null} />
          </TabPanel>
          <TabPanel id="recent" className="admin-panel">
            <RecentActions bridge={bridge} />
          </TabPanel>
        </Tabs>
      </ReauthenticationProvider>
    </section>
  );
}
