// What the LDAP directory needs to know, already validated by the configuration loader.

export type LdapFlavor = 'ad' | 'openldap';

/** Directory attribute for each user property (the spec's AD attributes by default). */
export interface LdapAttributeMap {
  id: string;
  displayName: string;
  givenName: string;
  sn: string;
  samAccountName: string;
  userPrincipalName: string;
  mail: string;
  sipAddress: string;
  lineUri: string;
  enabled: string;
  homeServer: string;
  groupName: string;
  member: string;
}

export function defaultAttributes(flavor: LdapFlavor): LdapAttributeMap {
  return {
    id: flavor === 'ad' ? 'objectGUID' : 'entryUUID',
    displayName: 'displayName',
    givenName: 'givenName',
    sn: 'sn',
    samAccountName: 'sAMAccountName',
    userPrincipalName: 'userPrincipalName',
    mail: 'mail',
    sipAddress: 'msRTCSIP-PrimaryUserAddress',
    lineUri: 'msRTCSIP-Line',
    enabled: 'msRTCSIP-UserEnabled',
    homeServer: 'msRTCSIP-PrimaryHomeServer',
    groupName: 'cn',
    member: 'member',
  };
}

export function defaultUserFilter(flavor: LdapFlavor): string {
  return flavor === 'ad' ? '(&(objectCategory=person)(objectClass=user))' : '(objectClass=inetOrgPerson)';
}

export function defaultGroupFilter(flavor: LdapFlavor): string {
  return flavor === 'ad' ? '(objectClass=group)' : '(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))';
}

export interface LdapSettings {
  /** Tried in order; the next one when a server is down. */
  urls: string[];
  bindDn: string;
  bindPassword: string;
  baseDn: string;
  flavor: LdapFlavor;
  /** NetBIOS domain name for `DOMAIN\sam`. */
  netbiosDomain: string;
  startTls: boolean;
  /** PEM CA bundle for ldaps:// and StartTLS. */
  ca?: Buffer | undefined;
  timeoutMs: number;
  connectTimeoutMs: number;
  poolSize: number;
  pageSize: number;
  userFilter: string;
  groupFilter: string;
  attributes: LdapAttributeMap;
  /** Registrar pool DN (msRTCSIP-PrimaryHomeServer) → site name. */
  pools: Record<string, string>;
}
