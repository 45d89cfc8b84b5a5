// The directory the configuration names: the directory file (demo by default) or LDAP.
import type { Config } from '../config.js';
import type { Directory } from '../ports/directory.js';
import { loadFileDirectory } from './directory/file-directory.js';
import { LdapDirectory } from './ldap/ldap-directory.js';

export async function openDirectory(config: Config): Promise<Directory> {
  return config.directory.kind === 'ldap' ? new LdapDirectory(config.directory.ldap) : loadFileDirectory(config.directory.file);
}
