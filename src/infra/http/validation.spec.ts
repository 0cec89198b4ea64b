import 'reflect-metadata';
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ArgumentMetadata } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync } from 'class-validator';
import { InvalidInputError } from '../../common/domain-errors.js';
import { wasSentNotNull } from '../../common/validators.js';
import { ALWAYS_TRANSLATED, DUTCH_REASONS, constraintName } from './validation-messages.js';
import { MAX_INPUT_DEPTH, VALIDATION_OPTIONS, WellFormedInputPipe, nestsDeeperThan, toInvalidParams } from './validation.js';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '../..');
/** Words of English messages (class-validator's defaults and the like). */
const ENGLISH = /\b(must|should|shorter|longer|each value|nested property|an unknown value|not exist|valid|allowed)\b/i;

/** Every class exported by a DTO module (and the shared paging query) that carries validation rules. */
async function inputDtoClasses(): Promise<Function[]> {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.dto.ts'))
    .concat('common/pagination.ts');
  const classes = new Set<Function>();
  for (const file of files) {
    const module = (await import(`../../${relative(SRC, join(SRC, file)).replace(/\.ts$/, '.js')}`)) as Record<string, unknown>;
    for (const value of Object.values(module)) {
      if (typeof value === 'function' && rulesOf(value).length > 0) classes.add(value);
    }
  }
  return [...classes];
}

const rulesOf = (cls: Function) => getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
const properties = (cls: Function) => [...new Set(rulesOf(cls).map((m) => m.propertyName))];
const isNullable = (cls: Function, property: string) =>
  rulesOf(cls).some((m) => m.propertyName === property && m.type === 'conditionalValidation' && m.constraints[0] === wasSentNotNull);

describe('WellFormedInputPipe', () => {
  const pipe = new WellFormedInputPipe();
  const run = (value: unknown, metadata: Partial<ArgumentMetadata>) => () => pipe.transform(value, { type: 'body', ...metadata } as ArgumentMetadata);
  const rejection = (value: unknown, metadata: Partial<ArgumentMetadata>) => {
    try {
      run(value, metadata)();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInputError);
      return (error as InvalidInputError).invalidParams;
    }
    throw new Error('not rejected');
  };

  it.each([
    ['a lone high surrogate in a query parameter', 'peil\ud800', { type: 'query', data: 'q' }, 'q'],
    ['a lone low surrogate in a path parameter', '\udc00', { type: 'param', data: 'id' }, 'id'],
    ['a surrogate pair in the wrong order', { title: '\udc00\ud800' }, { type: 'body' }, 'title'],
    ['a lone surrogate deep in a body', { a: [{ b: ['ok', 'x\ud83d'] }] }, { type: 'body' }, 'a[0].b[1]'],
    ['a lone surrogate in a key', { ok: 1, ['\ud800x']: 1 }, { type: 'body' }, '\ufffdx'],
    ['a lone surrogate in a whole query object', { q: 'ok', status: ['a', '\udbff'] }, { type: 'query' }, 'status[1]'],
  ])('rejects %s', (_what, value, metadata, name) => {
    expect(rejection(value, metadata as Partial<ArgumentMetadata>)).toEqual([{ name, reason: 'mag alleen geldige Unicode-tekst bevatten (geen losse surrogaten)' }]);
  });

  it('still rejects NUL bytes, in values and keys', () => {
    expect(rejection({ title: 'a\u0000b' }, { type: 'body' })).toEqual([{ name: 'title', reason: 'mag geen NUL-teken bevatten' }]);
    expect(rejection({ ['a\u0000']: 1 }, { type: 'body' })).toEqual([{ name: 'a\u0000', reason: 'mag geen NUL-teken bevatten' }]);
  });

  it('rejects structures deeper than the limit from any source, and finds problems at the limit', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < MAX_INPUT_DEPTH + 1; i++) deep = { a: deep };
    expect(rejection(deep, { type: 'body' })).toEqual([{ name: 'body', reason: `mag hoogstens ${MAX_INPUT_DEPTH} niveaus diep genest zijn` }]);
    let atLimit: unknown = '\ud800';
    for (let i = 0; i < MAX_INPUT_DEPTH; i++) atLimit = [atLimit];
    expect(rejection(atLimit, { type: 'query', data: 'q' })[0].reason).toContain('Unicode');
  });

  it('rejects a body that is no object where a DTO is declared, but not an absent one', () => {
    class Dto {}
    for (const value of [null, [], 'x', 3, true]) expect(rejection(value, { type: 'body', metatype: Dto })).toEqual([{ name: 'body', reason: 'moet een JSON-object zijn' }]);
    expect(run(undefined, { type: 'body', metatype: Dto })()).toBeUndefined();
    expect(run(['form'], { type: 'body', metatype: Object })()).toEqual(['form']);
  });

  it('passes well-formed text, astral characters included, and leaves custom parameters alone', () => {
    const body = { name: 'Vera 🌊 Vrager', tags: ['ë', '𝄞'], n: 1, nothing: null };
    expect(run(body, { type: 'body' })()).toBe(body);
    expect(run('\ud800', { type: 'custom' })()).toBe('\ud800');
  });
});

describe('nestsDeeperThan', () => {
  it('counts containers, not scalars', () => {
    expect(nestsDeeperThan('x', 0)).toBe(false);
    expect(nestsDeeperThan([], 0)).toBe(true);
    expect(nestsDeeperThan([[]], 2)).toBe(false);
    expect(nestsDeeperThan([[[]]], 2)).toBe(true);
    expect(nestsDeeperThan({ a: { b: 1 } }, 2)).toBe(false);
  });

  it('does not overflow the stack on a structure far deeper than the stack', () => {
    let deep: unknown[] = [];
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(nestsDeeperThan(deep, MAX_INPUT_DEPTH)).toBe(true);
  });
});

describe('validation rules of every DTO', () => {
  let classes: Function[];
  beforeAll(async () => {
    classes = await inputDtoClasses();
  });

  it('finds the input DTOs', () => {
    const names = classes.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['SubmitQuestionDto', 'UpdateArticleDto', 'CreateUserDto', 'UpdateMeDto', 'RateDto', 'PageQuery', 'StatisticsQuery']));
  });

  it("never use class-validator's IsOptional, which lets null through unchecked", () => {
    const offenders = classes.flatMap((cls) => rulesOf(cls).filter((m) => m.name === 'isOptional').map((m) => `${cls.name}.${m.propertyName}`));
    expect(offenders).toEqual([]);
  });

  it('have a Dutch reason for every rule: their own message, or one from the table', () => {
    const missing: string[] = [];
    for (const cls of classes) {
      for (const rule of rulesOf(cls)) {
        if (rule.type === 'conditionalValidation' || rule.type === 'whitelistValidation') continue;
        const name = constraintName(rule);
        const where = `${cls.name}.${rule.propertyName} (${name})`;
        if (ALWAYS_TRANSLATED.has(name)) {
          if (!DUTCH_REASONS[name]) missing.push(`${where}: no Dutch reason for "${name}"`);
        } else if (typeof rule.message === 'function') missing.push(`${where}: a message function cannot be checked`);
        else if (rule.message) {
          if (ENGLISH.test(rule.message)) missing.push(`${where}: English message "${rule.message}"`);
        } else if (!DUTCH_REASONS[name]) missing.push(`${where}: no Dutch reason for "${name}"`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('turn a failure of every rule of every DTO into a Dutch reason', () => {
    // Every property of every DTO set to values that break its rules, validated as the API does.
    const params = classes.flatMap((cls) =>
      properties(cls).flatMap((property) =>
        [null, 'x', -1, 1.5, [], [null, null], {}, 'x'.repeat(100_001), ['x'.repeat(300)]].flatMap((value) => {
          const instance = plainToInstance(cls as new () => object, { [property]: value, unknownField: 1 });
          return toInvalidParams(validateSync(instance, { ...VALIDATION_OPTIONS, forbidUnknownValues: true }));
        }),
      ),
    );
    expect(params.length).toBeGreaterThan(500);
    const english = params.filter((p) => ENGLISH.test(p.reason) || p.reason === '');
    expect(english).toEqual([]);
    expect(params).toContainEqual({ name: 'unknownField', reason: 'is geen bekend veld' });
  });

  it('answer null with a 400 unless the field is nullable, and say so in the OpenAPI document', () => {
    const wrong: string[] = [];
    for (const cls of classes) {
      for (const property of properties(cls)) {
        const instance = plainToInstance(cls as new () => object, { [property]: null });
        const failed = validateSync(instance, VALIDATION_OPTIONS).some((e) => e.property === property);
        const nullable = isNullable(cls, property);
        const documented = (Reflect.getMetadata('swagger/apiModelProperties', (cls as { prototype: object }).prototype, property) as { nullable?: boolean } | undefined)?.nullable === true;
        if (failed === nullable) wrong.push(`${cls.name}.${property}: null ${failed ? 'rejected' : 'accepted'}, ${nullable ? 'NullableField' : 'not NullableField'}`);
        if (documented !== nullable) wrong.push(`${cls.name}.${property}: OpenAPI nullable ${documented}, NullableField ${nullable}`);
      }
    }
    expect(wrong).toEqual([]);
  });

});
