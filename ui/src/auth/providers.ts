/*
 * The sign-in providers the portal knows, by the ids the runtime config
 * lists in `stagehand.signIn.providers` (the auth plugin adds exactly the
 * enabled ones, in the order guest, openchoreo-auth, oidc, github).
 */
import {
  ApiRef,
  BackstageIdentityApi,
  OAuthApi,
  OpenIdConnectApi,
  ProfileInfoApi,
  SessionApi,
  createApiRef,
  githubAuthApiRef,
} from '@backstage/core-plugin-api';

export type OAuthProviderApi = OAuthApi &
  OpenIdConnectApi &
  ProfileInfoApi &
  BackstageIdentityApi &
  SessionApi;

export const openchoreoAuthApiRef: ApiRef<OAuthProviderApi> = createApiRef({
  id: 'stagehand.auth.openchoreo',
});

export const oidcAuthApiRef: ApiRef<OAuthProviderApi> = createApiRef({
  id: 'stagehand.auth.oidc',
});

export type ProviderDescription = {
  id: string;
  title: string;
  message: string;
  apiRef: ApiRef<ProfileInfoApi & BackstageIdentityApi & SessionApi>;
};

/* The OAuth2/OIDC providers served by the auth plugin's generic routes. */
export const oauthProviders: Array<ProviderDescription & { apiRef: ApiRef<OAuthProviderApi> }> = [
  {
    id: 'openchoreo-auth',
    title: 'OpenChoreo',
    message: 'Sign in with your OpenChoreo account',
    apiRef: openchoreoAuthApiRef,
  },
  {
    id: 'oidc',
    title: 'Single sign-on',
    message: 'Sign in with your organisation’s identity provider',
    apiRef: oidcAuthApiRef,
  },
];

export const githubProvider: ProviderDescription = {
  id: 'github',
  title: 'GitHub',
  message: 'Sign in with GitHub',
  apiRef: githubAuthApiRef,
};

/*
 * The providers to offer, in the configured order; unknown ids are
 * skipped.  Returns 'guest' for the guest provider, as SignInPage takes it.
 */
export function signInProviders(
  ids: string[],
): Array<'guest' | ProviderDescription> {
  const known = [...oauthProviders, githubProvider];
  const out: Array<'guest' | ProviderDescription> = [];
  for (const id of ids) {
    if (id === 'guest') {
      out.push('guest');
      continue;
    }
    const p = known.find(k => k.id === id);
    if (p) out.push(p);
  }
  return out;
}

/* The IdP access token for calls in OpenChoreo's "direct" mode, or
 * undefined when the user signed in another way (guest, GitHub). */
export async function idpAccessToken(
  apis: Array<OAuthApi | undefined>,
): Promise<string | undefined> {
  for (const api of apis) {
    if (!api) continue;
    const token = await api.getAccessToken([], { optional: true }).catch(() => '');
    if (token) return token;
  }
  return undefined;
}
