import { Controller, Get, Header, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Roles } from '../common/access.js';
import { EXPORT_COLUMNS, exportObjects, exportRows, toCsv } from './csv.js';
import { BacklogDto, BreakdownDto, BreakdownQuery, ExportQuery, OverviewDto, StatisticsQuery } from './statistics.dto.js';
import { StatisticsService } from './statistics.service.js';

@ApiTags('statistics')
@Controller('statistics')
export class StatisticsController {
  constructor(private readonly statistics: StatisticsService) {}

  @Get('overview')
  @Roles('secretariat')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Secretariat: key figures of the questions submitted in the period (working days, nearest-rank median and p90).' })
  @ApiOkResponse({ type: OverviewDto, description: 'The figures.' })
  overview(@Query() query: StatisticsQuery) {
    return this.statistics.overview(query);
  }

  @Get('breakdown')
  @Roles('secretariat')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Secretariat: the same figures per keuze, theme, organisation type, province, month, quarter or expert; groups without questions included.' })
  @ApiOkResponse({ type: BreakdownDto, description: 'Figures per group, and the totals.' })
  breakdown(@Query() query: BreakdownQuery) {
    return this.statistics.breakdown(query);
  }

  @Get('backlog')
  @Roles('secretariat')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Secretariat: open questions by status and age in working days (0–2, 3–5, 6–10, more than 10).' })
  @ApiOkResponse({ type: BacklogDto, description: 'The backlog now.' })
  backlog(@Query() query: StatisticsQuery) {
    return this.statistics.backlog(query);
  }

  @Get('export')
  @Roles('secretariat')
  @ApiProduces('text/csv', 'application/json')
  @ApiOperation({ summary: 'Secretariat: the figures as a download — CSV for Dutch Excel (UTF-8 BOM, `;`, decimal comma, CRLF) or JSON.' })
  @ApiOkResponse({ description: 'The file.', schema: { type: 'string', format: 'binary' } })
  async export(@Query() query: ExportQuery, @Res() reply: FastifyReply): Promise<void> {
    const groups = query.by
      ? (await this.statistics.breakdown({ ...query, by: query.by })).groups
      : [{ key: 'totaal', label: 'Alle vragen', ...(await this.statistics.overview(query)) }];
    const name = `vraagbaak-statistiek-${query.by ?? 'totaal'}-${query.from ?? 'begin'}-${query.to ?? 'nu'}`;
    reply.header('Cache-Control', 'no-store').header('X-Content-Type-Options', 'nosniff');
    if (query.format === 'json') {
      reply
        .type('application/json; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="${name}.json"`)
        .send({ by: query.by ?? null, from: query.from ?? null, to: query.to ?? null, rows: exportObjects(groups) });
      return;
    }
    const header = [query.by ? 'Groep' : 'Sleutel', 'Omschrijving', ...EXPORT_COLUMNS.map(([title]) => title)];
    reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${name}.csv"`)
      .send(toCsv(header, exportRows(groups)));
  }
}
