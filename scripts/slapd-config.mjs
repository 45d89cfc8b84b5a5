// The throwaway OpenLDAP server's configuration, shared by the LDAP tests and the benchmark:
// mdb with the memberof and refint overlays, and a small test schema (private OID arc
// 1.3.6.1.4.1.32473, the documentation arc) defining sAMAccountName, userPrincipalName and the
// msRTCSIP-* attributes.
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export const SLAPD_SCHEMA = `
attributetype ( 1.3.6.1.4.1.32473.2.1.1 NAME 'sAMAccountName' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.32473.2.1.2 NAME 'userPrincipalName' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.32473.2.1.3 NAME 'msRTCSIP-PrimaryUserAddress' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.32473.2.1.4 NAME 'msRTCSIP-Line' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.32473.2.1.5 NAME 'msRTCSIP-UserEnabled' EQUALITY booleanMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.7 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.32473.2.1.6 NAME 'msRTCSIP-PrimaryHomeServer' EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
objectclass ( 1.3.6.1.4.1.32473.2.2.1 NAME 'pinDeskUser' SUP top AUXILIARY MAY ( sAMAccountName $ userPrincipalName $ msRTCSIP-PrimaryUserAddress $ msRTCSIP-Line $ msRTCSIP-UserEnabled $ msRTCSIP-PrimaryHomeServer ) )
`;

export function writeSlapdConfig({ dir, baseDn, bindDn, password, tls }) {
  writeFileSync(path.join(dir, 'pindesk.schema'), SLAPD_SCHEMA);
  const file = path.join(dir, 'slapd.conf');
  writeFileSync(
    file,
    [
      'include /etc/ldap/schema/core.schema',
      'include /etc/ldap/schema/cosine.schema',
      'include /etc/ldap/schema/inetorgperson.schema',
      `include ${path.join(dir, 'pindesk.schema')}`,
      `pidfile ${path.join(dir, 'slapd.pid')}`,
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      'moduleload memberof',
      'moduleload refint',
      ...(tls ? [`TLSCACertificateFile ${tls.caFile}`, `TLSCertificateFile ${tls.certFile}`, `TLSCertificateKeyFile ${tls.keyFile}`] : []),
      'database mdb',
      'maxsize 1073741824',
      `suffix "${baseDn}"`,
      `rootdn "${bindDn}"`,
      `rootpw ${password}`,
      `directory ${path.join(dir, 'db')}`,
      'index objectClass eq',
      'index cn,sn,givenName,displayName,mail eq,sub',
      'index sAMAccountName,userPrincipalName,msRTCSIP-PrimaryUserAddress,msRTCSIP-Line eq,sub',
      'index member,entryUUID,msRTCSIP-PrimaryHomeServer eq',
      'overlay memberof',
      'overlay refint',
      'refint_attributes member',
      '',
    ].join('\n'),
  );
  return file;
}
