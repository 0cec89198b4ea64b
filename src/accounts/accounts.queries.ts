import type { Role } from '../common/access.js';

/*
 * Published query objects of accounts (README "Architecture", D2): SQL fragments other modules
 * compose into their own statements instead of naming accounts' tables.
 */

/**
 * The SQL condition "the user in `alias` has `role`". Roles are stored as ",expert,coordinator,"
 * (see rolesTransformer in user.entity.ts), so this is a LIKE on both databases.
 */
export function hasRoleSql(alias: string, role: Role): string {
  return `${alias}.roles LIKE '%,${role},%'`;
}
