/*
 * API relation cards built on the catalog's RelatedEntitiesCard (the
 * api-docs plugin is not part of this app): the APIs a component or
 * system provides and consumes, and the components behind an API.
 */
import React from 'react';
import {
  ApiEntity,
  ComponentEntity,
  Entity,
  RELATION_API_CONSUMED_BY,
  RELATION_API_PROVIDED_BY,
  RELATION_CONSUMES_API,
  RELATION_PROVIDES_API,
} from '@backstage/catalog-model';
import { TableColumn } from '@backstage/core-components';
import { EntityTable } from '@backstage/plugin-catalog-react';
import { RelatedEntitiesCard } from '@backstage/plugin-catalog';

const HELP = 'https://backstage.io/docs/features/software-catalog/descriptor-format#kind-api';

const apiColumns: TableColumn<ApiEntity>[] = [
  EntityTable.columns.createEntityRefColumn({ defaultKind: 'API' }),
  EntityTable.columns.createOwnerColumn(),
  EntityTable.columns.createSpecTypeColumn(),
  EntityTable.columns.createMetadataDescriptionColumn(),
];

const asApis = (entities: Entity[]) => entities as ApiEntity[];
const asComponents = (entities: Entity[]) => entities as ComponentEntity[];

export const ProvidedApisCard = () => (
  <RelatedEntitiesCard
    variant="gridItem"
    title="Provided APIs"
    entityKind="API"
    relationType={RELATION_PROVIDES_API}
    columns={apiColumns}
    emptyMessage="This entity provides no API"
    emptyHelpLink={HELP}
    asRenderableEntities={asApis}
  />
);

export const ConsumedApisCard = () => (
  <RelatedEntitiesCard
    variant="gridItem"
    title="Consumed APIs"
    entityKind="API"
    relationType={RELATION_CONSUMES_API}
    columns={apiColumns}
    emptyMessage="This entity consumes no API"
    emptyHelpLink={HELP}
    asRenderableEntities={asApis}
  />
);

export const ProvidingComponentsCard = () => (
  <RelatedEntitiesCard
    variant="gridItem"
    title="Providers"
    entityKind="Component"
    relationType={RELATION_API_PROVIDED_BY}
    columns={EntityTable.componentEntityColumns}
    emptyMessage="No component provides this API"
    emptyHelpLink={HELP}
    asRenderableEntities={asComponents}
  />
);

export const ConsumingComponentsCard = () => (
  <RelatedEntitiesCard
    variant="gridItem"
    title="Consumers"
    entityKind="Component"
    relationType={RELATION_API_CONSUMED_BY}
    columns={EntityTable.componentEntityColumns}
    emptyMessage="No component consumes this API"
    emptyHelpLink={HELP}
    asRenderableEntities={asComponents}
  />
);
