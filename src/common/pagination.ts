import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { OptionalField } from './validators.js';

export const MAX_PAGE_SIZE = 100;

/** `page`/`pageSize` query parameters shared by every collection. */
export class PageQuery {
  @ApiPropertyOptional({ description: 'Page number, starting at 1.', minimum: 1, maximum: 100000, default: 1 })
  @OptionalField() @Type(() => Number) @IsInt() @Min(1) @Max(100000)
  page: number = 1;

  @ApiPropertyOptional({ description: 'Items per page.', minimum: 1, maximum: MAX_PAGE_SIZE, default: 20 })
  @OptionalField() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE_SIZE)
  pageSize: number = 20;

  get offset(): number {
    return (this.page - 1) * this.pageSize;
  }
}

/** Small reference lists (themes, keuzes, measures) fit in one page by default. */
export class ReferencePageQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Items per page.', minimum: 1, maximum: MAX_PAGE_SIZE, default: MAX_PAGE_SIZE })
  @OptionalField() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE_SIZE)
  override pageSize: number = MAX_PAGE_SIZE;
}

export class PageInfo {
  @ApiProperty({ description: 'The page returned, starting at 1.', example: 1 })
  number: number;
  @ApiProperty({ description: 'The requested page size.', example: 20 })
  size: number;
  @ApiProperty({ description: 'Total number of items over all pages (a search counts up to 1,000 matches: see totalExact).', example: 33 })
  total: number;
  @ApiPropertyOptional({ description: 'Searches only: false when there are more matches than `total` (more than 1,000); counting stops there.', example: true })
  totalExact?: boolean;
}

export interface Page<T> {
  data: T[];
  page: PageInfo;
}

/** A page of `data`; `totalExact` for searches, whose totals stop counting at a limit. */
export function pageOf<T>(data: T[], total: number, query: PageQuery, totalExact?: boolean): Page<T> {
  return { data, page: { number: query.page, size: query.pageSize, total, ...(totalExact === undefined ? {} : { totalExact }) } };
}
