/*
 * A readable card of an entity's `spec` and OpenChoreo annotations, for the
 * kinds that have no card of their own (Environment, the planes,
 * ComponentType, TraitType, Workflow, DeploymentPipeline, ...).  Nested
 * objects and lists render as nested lists; long lists are cut.
 */
import React from 'react';
import { Entity } from '@backstage/catalog-model';
import { InfoCard, StructuredMetadataTable } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';

const MAX_ITEMS = 50;
const MAX_DEPTH = 4;

/* A copy of value that a table can show: depth and list length capped,
 * booleans as yes/no, anything deeper as JSON text. */
export function readable(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return JSON.stringify(value);
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map(v => readable(v, depth + 1));
    if (value.length > MAX_ITEMS) items.push(`… ${value.length - MAX_ITEMS} more`);
    return items;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value).slice(0, MAX_ITEMS)) {
    out[k] = readable(v, depth + 1);
  }
  return out;
}

function openchoreoAnnotations(entity: Entity): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(entity.metadata.annotations ?? {})) {
    if (k.startsWith('openchoreo.')) out[k.replace(/^openchoreo\.[a-z]+\//, '')] = v;
  }
  return out;
}

export const EntitySpecCard = () => {
  const { entity } = useEntity();
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  const annotations = openchoreoAnnotations(entity);
  const metadata = { ...(readable(spec) as object) };
  return (
    <InfoCard title={`${entity.kind} details`} variant="gridItem">
      {Object.keys(metadata).length === 0 ? (
        <em>This {entity.kind} has no specification.</em>
      ) : (
        <StructuredMetadataTable metadata={metadata} />
      )}
      {Object.keys(annotations).length > 0 && (
        <StructuredMetadataTable metadata={{ OpenChoreo: annotations }} />
      )}
    </InfoCard>
  );
};
