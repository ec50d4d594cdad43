/*
 * The entity pages, by kind: software (Component, Resource, System, Domain,
 * API) with an Overview and the CI/CD, GitHub Actions and Docs tabs when
 * their annotations are set; users and groups (plugin-org); every other
 * kind, OpenChoreo's included, an About card and a readable details card.
 */
import React from 'react';
import { Grid } from '@material-ui/core';
import {
  EntityAboutCard,
  EntityDependsOnComponentsCard,
  EntityDependsOnResourcesCard,
  EntityHasComponentsCard,
  EntityHasResourcesCard,
  EntityHasSubcomponentsCard,
  EntityHasSystemsCard,
  EntityLayout,
  EntityLinksCard,
  EntityOrphanWarning,
  EntityProcessingErrorsPanel,
  EntitySwitch,
  hasCatalogProcessingErrors,
  isKind,
  isOrphan,
} from '@backstage/plugin-catalog';
import {
  EntityGroupProfileCard,
  EntityMembersListCard,
  EntityOwnershipCard,
  EntityUserProfileCard,
} from '@backstage/plugin-org';
import {
  ConsumedApisCard,
  ConsumingComponentsCard,
  ProvidedApisCard,
  ProvidingComponentsCard,
  SystemApisCard,
} from './relations';
import { EntitySpecCard } from './SpecCard';
import { ciCdTab, docsTab, githubActionsTab } from './tabs';

const warnings = (
  <EntitySwitch>
    <EntitySwitch.Case if={isOrphan}>
      <Grid item xs={12}>
        <EntityOrphanWarning />
      </Grid>
    </EntitySwitch.Case>
    <EntitySwitch.Case if={hasCatalogProcessingErrors}>
      <Grid item xs={12}>
        <EntityProcessingErrorsPanel />
      </Grid>
    </EntitySwitch.Case>
  </EntitySwitch>
);

/* About and links on top, then the cards of one kind. */
const overview = (cards: React.ReactNode) => (
  <Grid container spacing={3} alignItems="stretch">
    {warnings}
    <Grid item md={8} xs={12}>
      <EntityAboutCard />
    </Grid>
    <Grid item md={4} xs={12}>
      <EntityLinksCard />
    </Grid>
    {cards}
  </Grid>
);

const half = (card: React.ReactNode) => (
  <Grid item md={6} xs={12}>
    {card}
  </Grid>
);

const softwarePage = (cards: React.ReactNode) => (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      {overview(cards)}
    </EntityLayout.Route>
    {ciCdTab()}
    {githubActionsTab()}
    {docsTab()}
  </EntityLayout>
);

const componentCards = (
  <>
    {half(<ProvidedApisCard />)}
    {half(<ConsumedApisCard />)}
    {half(<EntityDependsOnComponentsCard variant="gridItem" />)}
    {half(<EntityDependsOnResourcesCard variant="gridItem" />)}
    {half(<EntityHasSubcomponentsCard variant="gridItem" />)}
  </>
);

const apiCards = (
  <>
    {half(<ProvidingComponentsCard />)}
    {half(<ConsumingComponentsCard />)}
  </>
);

const systemCards = (
  <>
    {half(<EntityHasComponentsCard variant="gridItem" />)}
    {half(<SystemApisCard />)}
    {half(<EntityHasResourcesCard variant="gridItem" />)}
  </>
);

const userPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      <Grid container spacing={3}>
        {warnings}
        {half(<EntityUserProfileCard />)}
        {half(<EntityOwnershipCard />)}
      </Grid>
    </EntityLayout.Route>
  </EntityLayout>
);

const groupPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      <Grid container spacing={3}>
        {warnings}
        {half(<EntityGroupProfileCard />)}
        {half(<EntityOwnershipCard />)}
        <Grid item xs={12}>
          <EntityMembersListCard />
        </Grid>
      </Grid>
    </EntityLayout.Route>
  </EntityLayout>
);

/* Any other kind: OpenChoreo's (Environment, planes, ComponentType, ...),
 * Location, Template.  The docs tab still shows when annotated. */
const otherPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      <Grid container spacing={3} alignItems="stretch">
        {warnings}
        {half(<EntityAboutCard />)}
        {half(<EntitySpecCard />)}
      </Grid>
    </EntityLayout.Route>
    {docsTab()}
  </EntityLayout>
);

export const entityPage = (
  <EntitySwitch>
    <EntitySwitch.Case if={isKind('component')}>
      {softwarePage(componentCards)}
    </EntitySwitch.Case>
    <EntitySwitch.Case if={isKind('resource')}>
      {softwarePage(half(<EntityHasSubcomponentsCard variant="gridItem" />))}
    </EntitySwitch.Case>
    <EntitySwitch.Case if={isKind('api')}>{softwarePage(apiCards)}</EntitySwitch.Case>
    <EntitySwitch.Case if={isKind('system')}>
      {softwarePage(systemCards)}
    </EntitySwitch.Case>
    <EntitySwitch.Case if={isKind('domain')}>
      {softwarePage(half(<EntityHasSystemsCard variant="gridItem" />))}
    </EntitySwitch.Case>
    <EntitySwitch.Case if={isKind('user')}>{userPage}</EntitySwitch.Case>
    <EntitySwitch.Case if={isKind('group')}>{groupPage}</EntitySwitch.Case>
    <EntitySwitch.Case>{otherPage}</EntitySwitch.Case>
  </EntitySwitch>
);
