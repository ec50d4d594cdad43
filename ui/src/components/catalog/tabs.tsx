/*
 * The tabs every software entity page may carry: CI/CD (Jenkins) when
 * jenkins.io/job-full-name is set, GitHub Actions when
 * github.com/project-slug is set, Docs when backstage.io/techdocs-ref is
 * set.  Each is a function returning an EntityLayout.Route, because
 * EntityLayout reads its direct children.
 */
import React from 'react';
import { EntityLayout } from '@backstage/plugin-catalog';
import {
  EntityJenkinsContent,
  isJenkinsAvailable,
} from '@backstage-community/plugin-jenkins';
import {
  EntityGithubActionsContent,
  isGithubActionsAvailable,
} from '@backstage-community/plugin-github-actions';
import {
  EntityTechdocsContent,
  isTechDocsAvailable,
} from '@backstage/plugin-techdocs';

export const ciCdTab = () => (
  <EntityLayout.Route path="/ci-cd" title="CI/CD" if={isJenkinsAvailable}>
    <EntityJenkinsContent />
  </EntityLayout.Route>
);

export const githubActionsTab = () => (
  <EntityLayout.Route
    path="/github-actions"
    title="GitHub Actions"
    if={isGithubActionsAvailable}
  >
    <EntityGithubActionsContent />
  </EntityLayout.Route>
);

export const docsTab = () => (
  <EntityLayout.Route path="/docs" title="Docs" if={isTechDocsAvailable}>
    <EntityTechdocsContent />
  </EntityLayout.Route>
);
