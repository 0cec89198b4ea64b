import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { OptionalField } from '../common/validators.js';
import { ReferencePageQuery } from '../common/pagination.js';
import type { Keuze, Maatregel, Theme } from './catalog.entities.js';

export class ThemeDto {
  @ApiProperty({ description: 'Theme number, 1–8 in the order of the policy document.', example: 6 })
  id: number;
  @ApiProperty({ description: 'Dutch title of the theme.', example: 'Laagveengebieden' })
  title: string;

  static from(theme: Theme): ThemeDto {
    return { id: theme.id, title: theme.title };
  }
}

export class KeuzeDto {
  @ApiProperty({ description: 'Keuze number, 1–33.', example: 25 })
  id: number;
  @ApiProperty({ description: 'Dutch title as the policy document states it.', example: 'Grondwaterstand verhogen om bodemdaling en veenoxidatie te voorkomen' })
  title: string;
  @ApiProperty({ description: 'The theme this keuze belongs to.', type: ThemeDto })
  theme: ThemeDto;

  static from(keuze: Keuze): KeuzeDto {
    return { id: keuze.id, title: keuze.title, theme: ThemeDto.from(keuze.theme) };
  }
}

export class MaatregelDto {
  @ApiProperty({ description: 'Code of the measure in the policy document.', example: 'M1.1.1' })
  code: string;
  @ApiProperty({ description: 'Dutch title of the measure.' })
  title: string;
  @ApiProperty({ description: 'The theme whose table lists this measure.', type: ThemeDto })
  theme: ThemeDto;
  @ApiProperty({ description: 'How the measure is secured ("Categorie uit paragraaf 3.2").', nullable: true, type: String })
  borging: string | null;
  @ApiProperty({ description: 'The next step ("Eerst volgende stap").', nullable: true, type: String })
  nextStep: string | null;
  @ApiProperty({ description: 'The follow-up ("Vervolg").', nullable: true, type: String })
  followUp: string | null;
  @ApiProperty({ description: 'The keuze the document names for this measure (e.g. `M99-SK12` → 12), if any.', nullable: true, type: Number, example: 12 })
  keuzeId: number | null;

  static from(m: Maatregel): MaatregelDto {
    return {
      code: m.code,
      title: m.title,
      theme: ThemeDto.from(m.theme),
      borging: m.borging,
      nextStep: m.nextStep,
      followUp: m.followUp,
      keuzeId: m.keuzeId,
    };
  }
}

export class KeuzeQuery extends ReferencePageQuery {
  @ApiPropertyOptional({ description: 'Only keuzes of this theme.', minimum: 1, maximum: 8 })
  @OptionalField() @Type(() => Number) @IsInt() @Min(1) @Max(2_147_483_647)
  themeId?: number;
}

export class MaatregelQuery extends KeuzeQuery {
  @ApiPropertyOptional({ description: 'Only measures the document links to this keuze.', minimum: 1, maximum: 33 })
  @OptionalField() @Type(() => Number) @IsInt() @Min(1) @Max(2_147_483_647)
  keuzeId?: number;
}
