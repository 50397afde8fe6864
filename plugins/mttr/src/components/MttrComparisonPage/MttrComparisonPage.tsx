import { Box, Tab, Tabs } from '@material-ui/core';
import { Content, Header, Page } from '@backstage/core-components';
import { useSearchParams } from 'react-router-dom';
import { ComparisonTab, comparisonTabs } from './comparisonTabs';

/**
 * Props of {@link MttrComparisonPage}.
 *
 * @public
 */
export interface MttrComparisonPageProps {
  /** Replaces the page's tabs; by default Services, plus those other features add. */
  tabs?: ComparisonTab[];
}

/**
 * The stability comparison page: services (or teams) side by side, with
 * more tabs for the plugin's other features.
 */
export function MttrComparisonPage(props: MttrComparisonPageProps) {
  const tabs = props.tabs ?? comparisonTabs;
  const [searchParams, setSearchParams] = useSearchParams();
  const selected = tabs.find(t => t.id === searchParams.get('tab')) ?? tabs[0];
  return (
    <Page themeId="tool">
      <Header
        title="Recovery health"
        subtitle="How often services fail and how fast they recover (MTTR), under your recovery definitions"
      />
      <Content>
        <Box mb={2}>
          <Tabs
            value={selected.id}
            onChange={(_, id: string) => setSearchParams({ tab: id })}
            aria-label="Recovery health views"
            indicatorColor="primary"
          >
            {tabs.map(t => (
              <Tab
                key={t.id}
                value={t.id}
                label={t.label}
                id={`mttr-tab-${t.id}`}
                aria-controls={`mttr-tabpanel-${t.id}`}
              />
            ))}
          </Tabs>
        </Box>
        <div
          role="tabpanel"
          id={`mttr-tabpanel-${selected.id}`}
          aria-labelledby={`mttr-tab-${selected.id}`}
        >
          {selected.element}
        </div>
      </Content>
    </Page>
  );
}
