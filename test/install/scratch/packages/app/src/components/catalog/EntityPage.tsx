import { Grid } from '@material-ui/core';
import {
  EntityAboutCard,
  EntityLayout,
  EntitySwitch,
} from '@backstage/plugin-catalog';
import {
  EntityMttrCard,
  EntityMttrContent,
  isMttrAvailable,
} from '@mttr-backstage/plugin-mttr';

const overviewContent = (
  <Grid container spacing={3} alignItems="stretch">
    <Grid item md={6} xs={12}>
      <EntityAboutCard />
    </Grid>
    <EntitySwitch>
      <EntitySwitch.Case if={isMttrAvailable}>
        <Grid item md={6} xs={12}>
          <EntityMttrCard />
        </Grid>
      </EntitySwitch.Case>
    </EntitySwitch>
  </Grid>
);

const serviceEntityPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      {overviewContent}
    </EntityLayout.Route>
    <EntityLayout.Route path="/recovery" title="Recovery" if={isMttrAvailable}>
      <EntityMttrContent />
    </EntityLayout.Route>
  </EntityLayout>
);

export const entityPage = serviceEntityPage;
