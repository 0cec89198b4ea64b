import type { EntityManager } from 'typeorm';
import type { Role } from '../common/access.js';
import { SqlParams, databaseKindOf, type Queryable } from '../infra/database/sql.js';
import { User } from './user.entity.js';
import type { Person } from './experts.js';

/*
 * Published query objects of the accounts module (design D2): other modules read `users` through
 * these fragments and read functions.
 */

/**
 * The SQL condition "the user in `alias` has `role`", for the one way roles are stored
 * (",expert,coordinator,", see rolesTransformer), so SQL filters with LIKE on both databases.
 */
export function hasRoleSql(alias: string, role: Role): string {
  return `${alias}.roles LIKE '%,${role},%'`;
}

/** Every user with the expert role (also inactive ones: statistics count their past work), by name. */
export async function expertNames(m: Queryable): Promise<{ id: string; displayName: string }[]> {
  const rows = (await m.query(`SELECT u.id, u.display_name FROM users u WHERE ${hasRoleSql('u', 'expert')} ORDER BY u.display_name, u.id`)) as { id: string; display_name: string }[];
  return rows.map((r) => ({ id: String(r.id), displayName: String(r.display_name) }));
}

/**
 * The ids of up to `limit` users whose name or mail address contains `text` (any case), for
 * filters that let people type a name rather than a user code (the audit trail).
 */
export async function userIdsMatching(m: Queryable, text: string, limit = 50): Promise<string[]> {
  const p = new SqlParams(databaseKindOf(m));
  const pattern = p.add(`%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const rows = (await m.query(
    `SELECT id FROM users WHERE LOWER(display_name) LIKE ${pattern} ESCAPE '\\' OR LOWER(email) LIKE ${pattern} ESCAPE '\\' ORDER BY display_name, id LIMIT ${p.add(limit)}`,
    p.values,
  )) as { id: string }[];
  return rows.map((r) => String(r.id));
}

/** The display names of the users among `ids` that exist. */
export async function displayNames(m: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const p = new SqlParams(databaseKindOf(m));
  const rows = (await m.query(`SELECT id, display_name FROM users WHERE id IN (${p.list(ids)})`, p.values)) as { id: string; display_name: string }[];
  return new Map(rows.map((r) => [String(r.id), String(r.display_name)]));
}

/** A user by id as a Person (the public facts: name, mail address, roles …), or null. */
export async function userById(m: EntityManager, id: string): Promise<Person | null> {
  return m.findOneBy(User, { id });
}
