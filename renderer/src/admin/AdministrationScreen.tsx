import { useId } from 'react';
import { Tab, TabList, TabPanel, Tabs } from 'react-aria-components';
import type { WardlineApi } from '../../../preload/api-factory';
import { PeopleSection } from './people/PeopleSection';
import { RecentActions } from './recent/RecentActions';
import { ReauthenticationProvider } from './ReauthenticationProvider';
import './admin.css';

/**
 * The IT admin's Administration view, a tab per section. People keeps its search while another
 * tab is open; Recent actions asks the trail again each time it opens. Role addresses and
 * Workstations join the tab list as sections of their own once their admin routes exist
 * (issue 16): a section is a Tab and a TabPanel here, and its actions use the same
 * re-authentication (ReauthenticationProvider) and confirmation (ConfirmAction.tsx).
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
            <Tab id="recent" className="admin-tab">
              Recent actions
            </Tab>
          </TabList>
          <TabPanel id="people" className="admin-panel" shouldForceMount>
            <PeopleSection bridge={bridge} selfId={selfId} />
          </TabPanel>
          <TabPanel id="recent" className="admin-panel">
            <RecentActions bridge={bridge} />
          </TabPanel>
        </Tabs>
      </ReauthenticationProvider>
    </section>
  );
}
