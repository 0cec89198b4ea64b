import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Database } from '../infra/database/database.service.js';
import { SqlParams, hydrate, queryRows } from '../infra/database/sql.js';
import { User } from './user.entity.js';
import { hasRoleSql } from './user.queries.js';

/** What other modules need of a user to address them (mails) and to assign them work. */
export type Person = Pick<User, 'id' | 'email' | 'displayName' | 'active' | 'roles' | 'capacity' | 'mailPreference'>;

const toPerson = (u: User): Person => ({
  id: u.id,
  email: u.email,
  displayName: u.displayName,
  active: u.active,
  roles: u.roles,
  capacity: u.capacity,
  mailPreference: u.mailPreference,
});

/**
 * Published query object: the experts who may be routed a question on `day`, as a derived table with
 * the columns "expertId", "displayName", capacity, "lastAssignedAt" and "matchingKeuzes" — active, role
 * expert, not absent that day, not in `exclude`, and with an expertise covering at least one row of
 * `keuzes` (the caller's derived table with columns keuze_id and theme_id) directly or through its theme
 * (`anyExpertise`: also those whose expertise covers none, with "matchingKeuzes" 0).
 * The caller composes it into its own statement (the router adds the open load), so routing stays one
 * statement without the caller naming users, user_expertise or absences.
 */
export function routingCandidatesSql(sql: SqlParams, options: { keuzes: string; exclude: readonly string[]; day: string; anyExpertise?: boolean }): string {
  const excluded = options.exclude.length ? options.exclude : ['00000000-0000-0000-0000-000000000000'];
  const day = sql.add(options.day);
  return `(SELECT rc.* FROM (
      SELECT u.id AS "expertId", u.display_name AS "displayName", u.capacity AS capacity, u.last_assigned_at AS "lastAssignedAt",
             (SELECT COUNT(DISTINCT qk.keuze_id) FROM ${options.keuzes} qk JOIN user_expertise ue
                 ON ue.user_id = u.id AND (ue.keuze_id = qk.keuze_id OR ue.theme_id = qk.theme_id)) AS "matchingKeuzes"
        FROM users u
       WHERE u.active = ${sql.add(true)} AND ${hasRoleSql('u', 'expert')} AND u.id NOT IN (${sql.list(excluded)})
         AND NOT EXISTS (SELECT 1 FROM absences a WHERE a.user_id = u.id AND a.starts_on <= ${day} AND a.ends_on >= ${day})
    ) rc WHERE ${options.anyExpertise ? '1 = 1' : 'rc."matchingKeuzes" > 0'})`;
}

/**
 * Published query object: "the user in column `userId` cannot take work on `day`" (deactivated or
 * absent), as an SQL condition; false for an id that is no user.
 */
export function unavailableOnSql(sql: SqlParams, userId: string, day: string): string {
  const d = sql.add(day);
  return `EXISTS (SELECT 1 FROM users ua WHERE ua.id = ${userId} AND (ua.active = ${sql.add(false)}
    OR EXISTS (SELECT 1 FROM absences aa WHERE aa.user_id = ua.id AND aa.starts_on <= ${d} AND aa.ends_on >= ${d})))`;
}

/** Published query object: the keuze ids, and the theme ids, the expertise of user `me` (a placeholder) covers. */
export const expertiseKeuzesSql = (me: string): string => `SELECT vis_e.keuze_id FROM user_expertise vis_e WHERE vis_e.user_id = ${me}`;
export const expertiseThemesSql = (me: string): string => `SELECT vis_t.theme_id FROM user_expertise vis_t WHERE vis_t.user_id = ${me}`;

/** The experts' and other staff's side of the work on questions: who to mail, who to assign, who is away. */
@Injectable()
export class ExpertDirectory {
  constructor(private readonly db: Database) {}

  /**
   * Marks the experts as just assigned (the round-robin tie-breaker) and returns them: on PostgreSQL
   * this takes their rows' locks until the caller's transaction ends, so capacity re-checked after
   * it cannot be taken by questions routed elsewhere at the same time.
   */
  async claimForAssignment(m: EntityManager, expertIds: readonly string[], now: Date): Promise<Person[]> {
    if (expertIds.length === 0) return [];
    const sql = new SqlParams(this.db.kind);
    const raws = await queryRows(m, `UPDATE users SET last_assigned_at = ${sql.add(now)} WHERE id IN (${sql.list(expertIds)}) RETURNING *`, sql.values);
    return raws.map((raw) => toPerson(hydrate(m, User, raw)));
  }

  /** Is this user unable to take work on `day` (deactivated, absent, or gone)? */
  async isUnavailable(m: EntityManager, userId: string, day: string): Promise<boolean> {
    const user = await m.findOneBy(User, { id: userId });
    if (!user || !user.active) return true;
    const absent = await m
      .createQueryBuilder()
      .select('1')
      .from('absences', 'a')
      .where('a.user_id = :userId AND a.starts_on <= :today AND a.ends_on >= :today', { userId, today: day })
      .getRawOne();
    return !!absent;
  }

  async person(m: EntityManager, id: string): Promise<Person | null> {
    const user = await m.findOneBy(User, { id });
    return user ? toPerson(user) : null;
  }

  async activeCoordinators(m: EntityManager): Promise<Person[]> {
    const coordinators = await m.createQueryBuilder(User, 'u').where('u.active = :active', { active: true }).andWhere(hasRoleSql('u', 'coordinator')).getMany();
    return coordinators.map(toPerson);
  }

  /** Display names by user id (unknown ids are left out). */
  async displayNames(m: EntityManager, ids: readonly (string | null)[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids.filter((id): id is string => !!id))];
    if (!unique.length) return new Map();
    const users = await m.find(User, { select: { id: true, displayName: true }, where: { id: In(unique) } });
    return new Map(users.map((u) => [u.id, u.displayName]));
  }
}
