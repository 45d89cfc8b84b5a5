// The demo directory file's format: an Active Directory export in miniature, with the Skype for
// Business attribute names, validated before use so a typo is reported by line of meaning.
import { z } from 'zod';
import { tryParseDn } from '../../domain/dn.js';

const userSchema = z.object({
  objectGUID: z.uuid(),
  distinguishedName: z.string().refine((dn) => (tryParseDn(dn)?.length ?? 0) > 1, 'must be a distinguished name (RFC 4514), like CN=Ken Myer,OU=Users,DC=contoso,DC=com'),
  sAMAccountName: z.string().min(1).max(64),
  displayName: z.string().min(1),
  givenName: z.string().optional(),
  sn: z.string().optional(),
  userPrincipalName: z.string().regex(/^[^\s@]+@[^\s@]+$/, 'must look like name@domain'),
  mail: z.string().optional(),
  'msRTCSIP-PrimaryUserAddress': z.string().regex(/^sip:[^\s@]+@[^\s@]+$/i, 'must look like sip:name@domain').optional(),
  'msRTCSIP-Line': z.string().regex(/^tel:\+?\d+(;[^;\s]+)*$/i, 'must look like tel:+14255550100').optional(),
  'msRTCSIP-UserEnabled': z.boolean().default(true),
  'msRTCSIP-PrimaryHomeServer': z.string().optional(),
});

const groupSchema = z.object({
  sAMAccountName: z.string().min(1),
  /** sAMAccountNames of users and groups (nesting allowed). */
  members: z.array(z.string()).default([]),
});

export const directoryFileSchema = z
  .object({
    /** NetBIOS domain name, for `CONTOSO\kmyer`. */
    domain: z.string().min(1),
    /** Registrar pool DN (msRTCSIP-PrimaryHomeServer) → site name. */
    pools: z.record(z.string(), z.string()).default({}),
    users: z.array(userSchema),
    groups: z.array(groupSchema).default([]),
  })
  .superRefine((file, ctx) => {
    const seen = new Map<string, string>();
    const claim = (key: string, what: string, path: (string | number)[]) => {
      const owner = seen.get(key);
      if (owner) ctx.addIssue({ code: 'custom', message: `${what} is used twice (${owner})`, path });
      else seen.set(key, what);
    };
    file.users.forEach((u, i) => {
      claim(`guid:${u.objectGUID.toLowerCase()}`, `objectGUID ${u.objectGUID}`, ['users', i, 'objectGUID']);
      claim(`sam:${u.sAMAccountName.toLowerCase()}`, `sAMAccountName ${u.sAMAccountName}`, ['users', i, 'sAMAccountName']);
      claim(`upn:${u.userPrincipalName.toLowerCase()}`, `userPrincipalName ${u.userPrincipalName}`, ['users', i, 'userPrincipalName']);
      const sip = u['msRTCSIP-PrimaryUserAddress'];
      if (sip) claim(`sip:${sip.toLowerCase()}`, `SIP address ${sip}`, ['users', i, 'msRTCSIP-PrimaryUserAddress']);
    });
    file.groups.forEach((g, i) => claim(`sam:${g.sAMAccountName.toLowerCase()}`, `group ${g.sAMAccountName}`, ['groups', i, 'sAMAccountName']));
    file.groups.forEach((g, i) =>
      g.members.forEach((m, j) => {
        if (!seen.has(`sam:${m.toLowerCase()}`)) ctx.addIssue({ code: 'custom', message: `member ${m} is not a user or group in this file`, path: ['groups', i, 'members', j] });
      }),
    );
  });

export type DirectoryFile = z.infer<typeof directoryFileSchema>;
export type DirectoryFileUser = DirectoryFile['users'][number];
