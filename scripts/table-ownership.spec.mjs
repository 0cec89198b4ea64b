import { checkTableOwnership, entityTables, ownerScopeOf, sqlTableReferences, stringLiterals } from './table-ownership.mjs';

const tables = new Set(['questions', 'question_keuzes', 'users', 'keuzes']);
const named = (source, constants) => sqlTableReferences(source, tables, constants).map((r) => r.table);

describe('table ownership: SQL detection', () => {
  it('finds tables after FROM, JOIN, INTO, UPDATE, TABLE and EXISTS in strings and templates', () => {
    expect(named(`q('SELECT * FROM questions q JOIN users u ON u.id = q.assignee_id')`)).toEqual(['questions', 'users']);
    expect(named('q(`INSERT INTO question_keuzes (a) VALUES (${p.add(1)})`)')).toEqual(['question_keuzes']);
    expect(named(`q("UPDATE users SET x = 1"); q('DROP TABLE IF EXISTS keuzes')`)).toEqual(['users', 'keuzes']);
    expect(named('q(`EXISTS (SELECT 1 FROM question_keuzes k)`)')).toEqual(['question_keuzes']);
  });

  it('resolves a table-name constant interpolated in a template', () => {
    const constants = new Map([['KEYS', 'questions']]);
    expect(named('q(`DELETE FROM ${KEYS} WHERE a IN (${p.list(ids)})`)', constants)).toEqual(['questions']);
    expect(named('q(`SELECT * FROM ${other}`)', constants)).toEqual([]);
  });

  it('finds SQL in templates nested in interpolations', () => {
    expect(named('q(`SELECT a FROM x ${cond ? `JOIN users u ON true` : ""}`)')).toEqual(['users']);
  });

  it('ignores prose, comments, unknown tables and identifiers in code', () => {
    expect(named(`const t = 'Vragen from users'; // SELECT * FROM questions`)).toEqual([]);
    expect(named(`/* UPDATE users */ m.find(questions); q('SELECT 1 FROM other_table')`)).toEqual([]);
  });

  it('is not thrown off by regular expressions with quotes or division', () => {
    expect(named(`const r = /['"]/g; const n = a / b / c; q('SELECT * FROM users')`)).toEqual(['users']);
    expect(stringLiterals(`x = /\\/'/; y = 'FROM users'`).map((l) => l.text)).toEqual(['FROM users']);
  });

  it('reads @Entity table names in both forms', () => {
    expect(entityTables(`@Entity('questions')\nclass A {}\n@Entity({ name: 'users' })\nclass B {}`)).toEqual(['questions', 'users']);
  });
});

describe('table ownership: modules', () => {
  it('exempts composition roots and treats common/infra/config as shared', () => {
    expect(ownerScopeOf('src/demo/demo-seed.ts')).toBeNull();
    expect(ownerScopeOf('src/app.module.ts')).toBeNull();
    expect(ownerScopeOf('src/infra/database/static-data.ts')).toBe('shared');
    expect(ownerScopeOf('src/questions/routing/router.service.ts')).toBe('questions');
  });

  it('reports SQL naming another module’s table with file and line, and allows the owner', () => {
    const files = [
      { path: 'src/questions/question.entities.ts', source: `@Entity('questions')\nclass Question {}` },
      { path: 'src/accounts/user.entity.ts', source: `@Entity('users')\nclass User {}` },
      { path: 'src/questions/reader.ts', source: `q('SELECT * FROM questions')` },
      { path: 'src/statistics/stats.ts', source: `\nq(\`SELECT count(*)\n  FROM questions q JOIN users u ON true\`)` },
      { path: 'src/demo/seed.ts', source: `q('INSERT INTO questions VALUES (1)')` },
      { path: 'src/questions/keys.ts', source: `q('INSERT INTO reference_counters (year) VALUES (1)')` },
      { path: 'src/sla/clock.ts', source: `q('SELECT * FROM reference_counters')` },
    ];
    expect(checkTableOwnership(files)).toEqual([
      { path: 'src/statistics/stats.ts', line: 3, table: 'questions', owner: 'questions', scope: 'statistics' },
      { path: 'src/statistics/stats.ts', line: 3, table: 'users', owner: 'accounts', scope: 'statistics' },
      { path: 'src/sla/clock.ts', line: 1, table: 'reference_counters', owner: 'questions', scope: 'sla' },
    ]);
  });
});
