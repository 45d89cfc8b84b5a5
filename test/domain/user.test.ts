import { describe, expect, it } from 'vitest';
import { cmdletIdentity, summarize, type DirectoryUser } from '../../src/domain/user.js';

const ken: DirectoryUser = {
  id: 'guid-1',
  dn: 'CN=Ken Myer,OU=Users,DC=contoso,DC=com',
  displayName: 'Ken Myer',
  givenName: 'Ken',
  sn: 'Myer',
  samAccountName: 'kmyer',
  userPrincipalName: 'ken.myer@contoso.com',
  mail: 'ken@contoso.com',
  sipAddress: 'sip:ken.myer@contoso.com',
  lineUri: 'tel:+14255550100',
  enabled: true,
  site: 'Redmond',
};

describe('what of a user may be shown', () => {
  it('a summary: no DN, no account name, no flags', () => {
    expect(summarize(ken)).toEqual({
      id: 'guid-1',
      displayName: 'Ken Myer',
      sipAddress: 'sip:ken.myer@contoso.com',
      lineUri: 'tel:+14255550100',
      site: 'Redmond',
      userPrincipalName: 'ken.myer@contoso.com',
      mail: 'ken@contoso.com',
    });
  });

  it('the cmdlet identity is the SIP address, else the UPN', () => {
    expect(cmdletIdentity(ken)).toBe('sip:ken.myer@contoso.com');
    expect(cmdletIdentity({ ...ken, sipAddress: undefined })).toBe('ken.myer@contoso.com');
  });
});
