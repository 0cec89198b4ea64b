import { Column, ColumnOptions, getMetadataArgsStorage } from 'typeorm';
import type { DatabaseKind } from '../../config/app-config.js';

/**
 * A point in time. Declared as SQLite's `datetime` (stored as UTC text) and switched to
 * `timestamptz` for PostgreSQL by `useDriverColumnTypes`, so entities stay driver-neutral.
 */
export function TimestampColumn(options: ColumnOptions = {}): PropertyDecorator {
  return Column({ ...options, type: 'datetime' });
}

/** JSON value; `simple-json` is text on both drivers, which keeps SQL identical. */
export function JsonColumn(options: ColumnOptions = {}): PropertyDecorator {
  return Column({ ...options, type: 'simple-json' });
}

/** Applies the PostgreSQL column types for the driver-neutral declarations above. */
export function useDriverColumnTypes(kind: DatabaseKind): void {
  if (kind !== 'postgres') return;
  for (const column of getMetadataArgsStorage().columns) {
    if (column.options.type === 'datetime') column.options.type = 'timestamptz';
  }
}
