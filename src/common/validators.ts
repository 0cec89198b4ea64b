import { ValidateIf, ValidationOptions, registerDecorator } from 'class-validator';

/** A calendar day written as YYYY-MM-DD that exists (no 2026-02-30). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: 'moet een bestaande datum zijn (JJJJ-MM-DD)', ...options },
      validator: { validate: isCalendarDate },
    });
}

/**
 * A finite number with at most `places` decimals, however it is written: class-validator's
 * `IsNumber({ maxDecimalPlaces })` throws on a number JavaScript writes with an exponent (1e-7).
 */
export function IsDecimalNumber(places: number, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isDecimalNumber',
      target: target.constructor,
      propertyName: String(propertyName),
      constraints: [places],
      options: { message: `moet een getal zijn met hoogstens ${places} ${places === 1 ? 'decimaal' : 'decimalen'}`, ...options },
      validator: { validate: (value: unknown) => typeof value === 'number' && Number.isFinite(value) && decimalPlaces(value) <= places },
    });
}

/** The decimals of a number as JavaScript writes it, `1.5e-7` included (8). */
function decimalPlaces(value: number): number {
  const [mantissa, exponent = '0'] = String(value).split('e');
  return Math.max(0, (mantissa.split('.')[1]?.length ?? 0) - Number(exponent));
}

/** Condition of {@link OptionalField}: validate whatever was sent, null included. */
export const wasSent = (_object: object, value: unknown): boolean => value !== undefined;
/** Condition of {@link NullableField}: validate only a value other than null. */
export const wasSentNotNull = (_object: object, value: unknown): boolean => value !== undefined && value !== null;

/**
 * A field that may be left out. Use it instead of class-validator's `IsOptional`, which also
 * skips every rule for `null` — and so let null through to services and database columns
 * that cannot hold it. Here null is checked like any value: a 400 from the field's rules.
 */
export function OptionalField(): PropertyDecorator {
  return ValidateIf(wasSent);
}

/**
 * A field that may be left out, or be null to clear it; the service must treat null as
 * "none", and the OpenAPI property must say `nullable: true` (a unit test checks both ways).
 */
export function NullableField(): PropertyDecorator {
  return ValidateIf(wasSentNotNull);
}
