/*
 * API relation cards built on the catalog's RelatedEntitiesCard (the
 * api-docs plugin is not part of this app): the APIs a component provides
 * and consumes, a system's APIs, and the components behind an API.
 */
import React from 'react';
import {
  ApiEntity,
  ComponentEntity,
  Entity,
  RELATION_API_CONSUMED_BY,
  RELATION_API_PROVIDED_BY,
  RELATION_CONSUMES_API,
  RELATION_HAS_PART,
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

type CardSpec<T extends Entity> = {
  title: string;
  entityKind: 'API' | 'Component';
  relationType: string;
  columns: TableColumn<T>[];
  emptyMessage: string;
};

/* One relation card: the related entities of one kind, as a table. */
function relationCard<T extends Entity>(spec: CardSpec<T>) {
  return () => (
    <RelatedEntitiesCard
      variant="gridItem"
      {...spec}
      emptyHelpLink={HELP}
      asRenderableEntities={(entities: Entity[]) => entities as T[]}
    />
  );
}

export const ProvidedApisCard = relationCard<ApiEntity>({
  title: 'Provided APIs',
  entityKind: 'API',
  relationType: RELATION_PROVIDES_API,
  columns: apiColumns,
  emptyMessage: 'This entity provides no API',
});

export const ConsumedApisCard = relationCard<ApiEntity>({
  title: 'Consumed APIs',
  entityKind: 'API',
  relationType: RELATION_CONSUMES_API,
  columns: apiColumns,
  emptyMessage: 'This entity consumes no API',
});

export const ProvidingComponentsCard = relationCard<ComponentEntity>({
  title: 'Providers',
  entityKind: 'Component',
  relationType: RELATION_API_PROVIDED_BY,
  columns: EntityTable.componentEntityColumns,
  emptyMessage: 'No component provides this API',
});

export const ConsumingComponentsCard = relationCard<ComponentEntity>({
  title: 'Consumers',
  entityKind: 'Component',
  relationType: RELATION_API_CONSUMED_BY,
  columns: EntityTable.componentEntityColumns,
  emptyMessage: 'No component consumes this API',
});

/* A system's APIs: its parts of kind API. */
export const SystemApisCard = relationCard<ApiEntity>({
  title: 'APIs',
  entityKind: 'API',
  relationType: RELATION_HAS_PART,
  columns: apiColumns,
  emptyMessage: 'This system has no API',
});
