/*
 * The scope the agent understands for one entity: the OpenChoreo
 * namespace, project and component from its openchoreo.io/* annotations,
 * else its namespace, spec.system and (for a Component) its name.
 */
import { Entity } from '@backstage/catalog-model';
import { PerchScope } from './chat';

export function scopeOf(entity: Entity): PerchScope {
  const a = entity.metadata.annotations ?? {};
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  const scope: PerchScope = {
    namespace: a['openchoreo.io/namespace'] ?? entity.metadata.namespace,
    project:
      a['openchoreo.io/project'] ??
      (typeof spec.system === 'string' ? spec.system : undefined),
  };
  if (entity.kind.toLowerCase() === 'component') {
    scope.component = a['openchoreo.io/component'] ?? entity.metadata.name;
  }
  for (const k of Object.keys(scope) as Array<keyof PerchScope>) {
    if (!scope[k]) delete scope[k];
  }
  return scope;
}
