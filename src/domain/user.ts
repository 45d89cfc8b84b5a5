// A directory account as PinDesk sees it, whatever directory it came from.

export interface DirectoryUser {
  /** Stable key (objectGUID); PIN records and audit targets hang off it, not off names. */
  id: string;
  dn: string;
  displayName: string;
  givenName?: string | undefined;
  sn?: string | undefined;
  samAccountName: string;
  userPrincipalName: string;
  mail?: string | undefined;
  /** `sip:ken.myer@contoso.com`, or undefined when the account has no SIP address. */
  sipAddress?: string | undefined;
  /** `tel:+14255550100;ext=0100` */
  lineUri?: string | undefined;
  /** msRTCSIP-UserEnabled */
  enabled: boolean;
  /** Site of the registrar pool, when the pool is mapped. */
  site?: string | undefined;
}

/** The part of a user that may appear in cards, errors and pickers. */
export type UserSummary = Pick<DirectoryUser, 'id' | 'displayName' | 'sipAddress' | 'lineUri' | 'site' | 'userPrincipalName' | 'mail'>;

export function summarize(user: DirectoryUser): UserSummary {
  const { id, displayName, sipAddress, lineUri, site, userPrincipalName, mail } = user;
  return { id, displayName, sipAddress, lineUri, site, userPrincipalName, mail };
}

/** The identity the cmdlets print and accept: the SIP address when there is one. */
export function cmdletIdentity(user: UserSummary): string {
  return user.sipAddress ?? user.userPrincipalName;
}
