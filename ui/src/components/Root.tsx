/*
 * The page frame: the sidebar (catalog, APIs, docs, sign out) and, when
 * `openchoreo.features.assistant.enabled` is true, the Ask Perch panel.
 */
import React, { PropsWithChildren } from 'react';
import HomeIcon from '@material-ui/icons/Home';
import ExtensionIcon from '@material-ui/icons/Extension';
import LibraryBooks from '@material-ui/icons/LibraryBooks';
import ExitToAppIcon from '@material-ui/icons/ExitToApp';
import {
  Sidebar,
  SidebarDivider,
  SidebarItem,
  SidebarPage,
  SidebarSpace,
} from '@backstage/core-components';
import {
  configApiRef,
  identityApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import { PerchPanel } from './perch/PerchPanel';

const SignOutItem = () => {
  const identityApi = useApi(identityApiRef);
  return (
    <SidebarItem
      icon={ExitToAppIcon}
      text="Sign out"
      onClick={() => identityApi.signOut()}
    />
  );
};

export const Root = ({ children }: PropsWithChildren<{}>) => {
  const config = useApi(configApiRef);
  const assistant =
    config.getOptionalBoolean('openchoreo.features.assistant.enabled') ?? false;
  return (
    <SidebarPage>
      <Sidebar>
        <SidebarItem icon={HomeIcon} to="catalog" text="Catalog" />
        <SidebarItem
          icon={ExtensionIcon}
          to="catalog?filters[kind]=api"
          text="APIs"
        />
        <SidebarItem icon={LibraryBooks} to="docs" text="Docs" />
        <SidebarSpace />
        <SidebarDivider />
        <SignOutItem />
      </Sidebar>
      {children}
      {assistant && <PerchPanel />}
    </SidebarPage>
  );
};
