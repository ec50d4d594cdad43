/*
 * The sign-in page: exactly the providers of `stagehand.signIn.providers`
 * (rendered by the host from the ini).  Without that key (a build served
 * with no runtime config, e.g. `npm start`) only the guest is offered; with
 * an empty list the page says why nobody can sign in.
 */
import React from 'react';
import { SignInPage, WarningPanel } from '@backstage/core-components';
import { SignInPageProps, configApiRef, useApi } from '@backstage/core-plugin-api';
import { signInProviders } from './providers';

export const StagehandSignInPage = (props: SignInPageProps) => {
  const config = useApi(configApiRef);
  const ids = config.getOptionalStringArray('stagehand.signIn.providers') ?? [
    'guest',
  ];
  const providers = signInProviders(ids);
  if (providers.length === 0) {
    return (
      <WarningPanel severity="error" title="No way to sign in">
        This portal has no sign-in provider enabled. Ask the operator to
        configure one in the [auth] section of the Stagehand ini (an
        OpenChoreo or OIDC client, GitHub, or the guest in development).
      </WarningPanel>
    );
  }
  return (
    <SignInPage
      {...props}
      align="center"
      providers={providers}
    />
  );
};
