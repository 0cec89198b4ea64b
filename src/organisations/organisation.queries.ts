import type { EntityManager } from 'typeorm';
import type { Queryable } from '../infra/database/sql.js';
import type { SqlParams } from '../infra/database/sql.js';
import { staticData } from '../infra/database/static-data.js';

/*
 * Published query objects of the organisations module (design D2): other modules read the
 * `organisations` register through these fragments (embedded in their own statement, values
 * added to their SqlParams) and read functions.
 */

/** Derived table, one row per organisation: code, name, type, province_code. */
export function organisationRows(): string {
  return '(SELECT code, name, type, province_code FROM organisations)';
}

/**
 * Column expression: the province an organisation (a row of organisationRows as `alias`) belongs
 * to — its province_code, a province itself, NULL for the others (water boards, the State, …).
 */
export function provinceKeyOf(alias: string): string {
  return `COALESCE(${alias}.province_code, CASE WHEN ${alias}.type = 'province' THEN ${alias}.code END)`;
}

/** Derived table of the codes (column `code`) of the organisations of a type. */
export function organisationCodesOfType(p: SqlParams, type: string): string {
  return `(SELECT fo.code FROM organisations fo WHERE fo.type = ${p.add(type)})`;
}

/** Derived table of the codes (column `code`) of a province and the organisations in it. */
export function organisationCodesInProvince(p: SqlParams, provinceCode: string): string {
  const code = p.add(provinceCode);
  return `(SELECT fp.code FROM organisations fp WHERE fp.province_code = ${code} OR fp.code = ${code})`;
}

/** The provinces, by code. */
export async function provinces(m: Queryable): Promise<{ code: string; name: string }[]> {
  const rows = (await m.query(`SELECT code, name FROM organisations WHERE type = 'province' ORDER BY code`)) as { code: string; name: string }[];
  return rows.map((r) => ({ code: String(r.code), name: String(r.name) }));
}

export interface OrganisationFacts {
  code: string;
  name: string;
  type: string;
  provinceCode: string | null;
}

/**
 * An organisation of the register by code (upper case), or null. The register changes only by
 * migration, so it is read once per database (staticData).
 */
export async function organisationFacts(m: EntityManager, code: string): Promise<OrganisationFacts | null> {
  const all = await staticData(m, 'organisations', async (mm) => {
    const rows = (await mm.query('SELECT code, name, type, province_code FROM organisations')) as { code: string; name: string; type: string; province_code: string | null }[];
    return new Map(rows.map((r) => [r.code, { code: r.code, name: r.name, type: r.type, provinceCode: r.province_code }]));
  });
  return all.get(code) ?? null;
}
