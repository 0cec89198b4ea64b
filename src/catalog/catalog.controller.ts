import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/access.js';
import { ReferencePageQuery } from '../common/pagination.js';
import { ApiPageResponse } from '../infra/http/openapi.decorators.js';
import { PositiveIntPipe } from '../infra/http/validation.js';
import { KeuzeDto, KeuzeQuery, MaatregelDto, MaatregelQuery, ThemeDto } from './catalog.dto.js';
import { CatalogService } from './catalog.service.js';

@ApiTags('catalog')
@Public()
@Controller()
export class CatalogController {
  constructor(private readonly catalog: CatalogService) {}

  @Get('themes')
  @ApiOperation({ summary: 'The 8 WBS themes, in the order of the policy document.' })
  @ApiPageResponse(ThemeDto, 'Themes.')
  listThemes(@Query() query: ReferencePageQuery) {
    return this.catalog.listThemes(query);
  }

  @Get('keuzes')
  @ApiOperation({ summary: 'The 33 structuring choices (structurerende keuzes), optionally of one theme.' })
  @ApiPageResponse(KeuzeDto, 'Keuzes ordered by number.')
  listKeuzes(@Query() query: KeuzeQuery) {
    return this.catalog.listKeuzes(query);
  }

  @Get('keuzes/:id')
  @ApiOperation({ summary: 'One keuze with its theme.' })
  @ApiParam({ name: 'id', description: 'Keuze number, 1–33.', schema: { type: 'integer', minimum: 1 } })
  @ApiOkResponse({ type: KeuzeDto, description: 'The keuze.' })
  getKeuze(@Param('id', PositiveIntPipe) id: number) {
    return this.catalog.getKeuze(id);
  }

  @Get('maatregelen')
  @ApiOperation({ summary: 'The measures (maatregelen) of section 4 of the policy document.' })
  @ApiPageResponse(MaatregelDto, 'Measures in document order.')
  listMaatregelen(@Query() query: MaatregelQuery) {
    return this.catalog.listMaatregelen(query);
  }
}
