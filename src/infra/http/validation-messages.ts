import { ValidationError, getMetadataStorage } from 'class-validator';

/**
 * Dutch reasons for class-validator's rules. The validation pipe runs with
 * `dismissDefaultMessages`, so a rule without its own (Dutch) message reports an empty one and
 * gets its reason here, from the rule's name and arguments; class-validator's English default
 * messages never reach anyone. A rule missing from this table gets {@link FALLBACK_REASON};
 * a unit test walks every DTO's rules so that none is missing.
 */
type Reason = (constraints: readonly unknown[], each: boolean) => string;

const list = (values: unknown) => (Array.isArray(values) ? values.map(String).join(', ') : String(values));
const plural = (n: unknown, one: string, many: string) => (n === 1 ? one : many);
/** "moet …" for the value, or for every element with `{ each: true }`. */
const must = (text: string): Reason => (_c, each) => (each ? `elk element moet ${text}` : `moet ${text}`);

export const DUTCH_REASONS: Readonly<Record<string, Reason>> = {
  // Raised by class-validator itself, always in English: translated whatever the message.
  whitelistValidation: () => 'is geen bekend veld',
  unknownValue: () => 'moet een JSON-object zijn',
  nestedValidation: () => 'moet een object zijn',
  isDefined: () => 'ontbreekt',
  // Types
  isString: must('tekst zijn'),
  isBoolean: must('true of false zijn'),
  isInt: must('een geheel getal zijn'),
  isNumber: (c, each) => {
    const decimals = (c[0] as { maxDecimalPlaces?: number } | undefined)?.maxDecimalPlaces;
    return must(`een getal zijn${decimals === undefined ? '' : ` met hoogstens ${decimals} ${plural(decimals, 'decimaal', 'decimalen')}`}`)(c, each);
  },
  isArray: must('een lijst zijn'),
  isObject: must('een object zijn'),
  isEmail: must('een geldig e-mailadres zijn'),
  isUuid: must('een UUID zijn'),
  isDateString: must('een tijdstip zijn (ISO 8601, zoals 2027-01-15T09:00:00Z)'),
  isISO8601: must('een tijdstip zijn (ISO 8601, zoals 2027-01-15T09:00:00Z)'),
  // Values
  isIn: (c, each) => must(`een van deze waarden zijn: ${list(c[0])}`)(c, each),
  isEnum: (c, each) => must(`een van deze waarden zijn: ${list(Object.values((c[0] ?? {}) as object))}`)(c, each),
  min: (c, each) => must(`minstens ${c[0]} zijn`)(c, each),
  max: (c, each) => (each ? `elk element mag hoogstens ${c[0]} zijn` : `mag hoogstens ${c[0]} zijn`),
  matches: (c, each) => must(`de vorm ${c[0] instanceof RegExp ? c[0].source : String(c[0])} hebben`)(c, each),
  isNotEmpty: (_c, each) => (each ? 'elk element mag niet leeg zijn' : 'mag niet leeg zijn'),
  // Lengths and sizes
  minLength: (c, each) =>
    c[0] === 1 ? (each ? 'elk element mag niet leeg zijn' : 'mag niet leeg zijn') : must(`minstens ${c[0]} tekens lang zijn`)(c, each),
  maxLength: (c, each) => `${each ? 'elk element mag' : 'mag'} hoogstens ${c[0]} ${plural(c[0], 'teken', 'tekens')} lang zijn`,
  arrayMinSize: (c) => `moet minstens ${c[0]} ${plural(c[0], 'element', 'elementen')} bevatten`,
  arrayMaxSize: (c) => `mag hoogstens ${c[0]} ${plural(c[0], 'element', 'elementen')} bevatten`,
  arrayUnique: () => 'mag geen waarde twee keer bevatten',
};

/** Names whose message class-validator writes itself, in English, even without defaults. */
export const ALWAYS_TRANSLATED: ReadonlySet<string> = new Set(['whitelistValidation', 'unknownValue', 'nestedValidation']);

export const FALLBACK_REASON = 'heeft een ongeldige waarde';

/** The Dutch reason for one failed rule of a class-validator error. */
export function dutchReason(error: ValidationError, constraint: string, message: string): string {
  if (message && !ALWAYS_TRANSLATED.has(constraint)) return message;
  const reason = DUTCH_REASONS[constraint];
  if (!reason) return FALLBACK_REASON;
  const rule = ruleOf(error.target, error.property, constraint);
  return reason(rule?.constraints ?? [], rule?.each ?? false);
}

interface Rule {
  constraints: readonly unknown[];
  each: boolean;
}

/** The arguments of the rule `constraint` on `property` of the object that failed it. */
function ruleOf(target: object | undefined, property: string, constraint: string): Rule | undefined {
  if (!target || typeof target !== 'object') return undefined;
  const storage = getMetadataStorage();
  const rule = storage
    .getTargetValidationMetadatas(target.constructor, '', true, false)
    .find((m) => m.propertyName === property && constraintName(m) === constraint);
  return rule ? { constraints: rule.constraints ?? [], each: rule.each ?? false } : undefined;
}

type Metadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];

/** The name a rule reports its failures under (the key in `ValidationError.constraints`). */
export function constraintName(m: Metadata): string {
  if (m.type !== 'customValidation') return m.type;
  return m.name ?? getMetadataStorage().getTargetValidatorConstraints(m.constraintCls)[0]?.name ?? m.type;
}
