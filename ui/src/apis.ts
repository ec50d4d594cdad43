/*
 * The portal's API implementations beyond app-defaults' own:
 *   - scmIntegrationsApiRef from `integrations.github` of the runtime config
 *     (the host points it at Stagehand's github-actions plugin), and
 *     scmAuthApiRef, so the GitHub Actions tab asks githubAuthApiRef
 *     (/api/auth/github) for a token;
 *   - the two OAuth2/OIDC sign-in providers of the auth plugin,
 *     `openchoreo-auth` and `oidc` (/api/auth/<id>/...).  Each is created
 *     with the configApi, so `enableExperimentalRedirectFlow` chooses popup
 *     or redirect, and with `auth.environment` as the `env` it sends.
 */
import {
  ScmAuth,
  ScmIntegrationsApi,
  scmIntegrationsApiRef,
} from '@backstage/integration-react';
import {
  AnyApiFactory,
  configApiRef,
  createApiFactory,
  discoveryApiRef,
  oauthRequestApiRef,
} from '@backstage/core-plugin-api';
import { OAuth2 } from '@backstage/core-app-api';
import { searchApiRef } from '@backstage/plugin-search-react';
import { oauthProviders } from './auth/providers';

const oauthFactories: AnyApiFactory[] = oauthProviders.map(p =>
  createApiFactory({
    api: p.apiRef,
    deps: {
      configApi: configApiRef,
      discoveryApi: discoveryApiRef,
      oauthRequestApi: oauthRequestApiRef,
    },
    factory: ({ configApi, discoveryApi, oauthRequestApi }) =>
      OAuth2.create({
        configApi,
        discoveryApi,
        oauthRequestApi,
        provider: { id: p.id, title: p.title, icon: () => null },
        environment:
          configApi.getOptionalString('auth.environment') ?? 'development',
        defaultScopes: ['openid', 'profile', 'email'],
      }),
  }),
);

export const apis: AnyApiFactory[] = [
  createApiFactory({
    api: scmIntegrationsApiRef,
    deps: { configApi: configApiRef },
    factory: ({ configApi }) => ScmIntegrationsApi.fromConfig(configApi),
  }),
  ScmAuth.createDefaultApiFactory(),
  ...oauthFactories,
  // The TechDocs reader's search box needs a searchApiRef (without one the
  // Docs tab fails with NotImplementedError); there is no search backend,
  // so it finds nothing.
  createApiFactory({
    api: searchApiRef,
    deps: {},
    factory: () => ({ query: async () => ({ results: [] }) }),
  }),
];
