/*
 * The page's scope for Ask Perch: on an entity page
 * (/catalog/:namespace/:kind/:name) the entity ref, and the OpenChoreo
 * namespace, project and component the agent understands, from the
 * entity's openchoreo.io/* annotations (else its namespace, system and
 * name).  Elsewhere an empty scope.
 */
import { useLocation, matchPath } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { PerchScope } from './chat';
import { scopeOf } from './scopeOf';

export type PageScope = { entityRef?: string; scope: PerchScope };

export function usePageScope(): PageScope {
  const { pathname } = useLocation();
  const catalogApi = useApi(catalogApiRef);
  const m = matchPath('/catalog/:namespace/:kind/:name/*', pathname);
  const ref = m?.params.name
    ? stringifyEntityRef({
        kind: m.params.kind!,
        namespace: m.params.namespace,
        name: m.params.name,
      })
    : undefined;
  const { value } = useAsync(
    async () => (ref ? catalogApi.getEntityByRef(ref) : undefined),
    [ref],
  );
  if (!ref) return { scope: {} };
  return { entityRef: ref, scope: value ? scopeOf(value) : {} };
}
