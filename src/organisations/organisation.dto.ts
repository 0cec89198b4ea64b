import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { IsCalendarDate, OptionalField } from '../common/validators.js';
import { PageQuery } from '../common/pagination.js';
import type { Organisation } from './organisation.entity.js';
import { ORGANISATION_TYPES, type OrganisationType } from './organisation-types.js';

export class OrganisationDto {
  @ApiProperty({ description: 'Organisation code: CBS code for municipalities (GM…) and provinces (PV…), WS… for water boards.', example: 'GM0518' })
  code: string;
  @ApiProperty({ enum: ORGANISATION_TYPES, description: 'Kind of organisation.', example: 'municipality' })
  type: OrganisationType;
  @ApiProperty({ description: 'Official name.', example: "'s-Gravenhage" })
  name: string;
  @ApiProperty({ description: 'Common short name, if any.', nullable: true, type: String })
  shortName: string | null;
  @ApiProperty({ description: 'Province a municipality lies in.', nullable: true, type: String, example: 'PV28' })
  provinceCode: string | null;
  @ApiProperty({ description: 'Other names the organisation is known by.', type: [String], example: ['Den Haag'] })
  aliases: string[];
  @ApiProperty({ description: 'First day the organisation exists in this form.', format: 'date', example: '2023-01-01' })
  validFrom: string;
  @ApiProperty({ description: 'Last day it exists (after a merger), if any.', format: 'date', nullable: true, type: String })
  validTo: string | null;

  static from(o: Organisation): OrganisationDto {
    return {
      code: o.code,
      type: o.type,
      name: o.name,
      shortName: o.shortName,
      provinceCode: o.provinceCode,
      aliases: o.aliases,
      validFrom: o.validFrom,
      validTo: o.validTo,
    };
  }
}

export class OrganisationQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ORGANISATION_TYPES, description: 'Only organisations of this kind.' })
  @OptionalField() @IsIn(ORGANISATION_TYPES)
  type?: OrganisationType;

  @ApiPropertyOptional({ description: 'Part of the name or a common name; case and accents are ignored ("sudwest", "Den Haag").', maxLength: 100 })
  @OptionalField() @IsString() @MinLength(1) @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ description: 'Only organisations that exist on this day (default: today).', format: 'date' })
  @OptionalField() @IsCalendarDate()
  validOn?: string;
}
