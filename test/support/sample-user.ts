// Ken Myer as a directory holds him: the user the pure-rule tests match, filter and describe.
import type { DirectoryUser } from '../../src/domain/user.js';

export const KEN_MYER: DirectoryUser = {
  id: '1',
  dn: 'CN=Ken Myer,OU=Users,OU=Redmond,DC=contoso,DC=com',
  displayName: 'Ken Myer',
  givenName: 'Ken',
  sn: 'Myer',
  samAccountName: 'kmyer',
  userPrincipalName: 'ken.myer@contoso.com',
  sipAddress: 'sip:ken.myer@contoso.com',
  lineUri: 'tel:+14255550100',
  enabled: true,
  site: 'Redmond',
};
