import { Controller, Get, Header, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Roles } from '../common/access.js';
import { StatisticsQuery } from '../statistics/index.js';
import { EvaluationReportService } from './evaluation-report.service.js';
import { QuarterlyQuery, QuarterlyReportService } from './quarterly-report.service.js';

/**
 * Printable reports for the secretariat: HTML outside the API (`/reports/…`, excluded from the
 * /api/v1 prefix), signed in by session cookie or bearer token.
 */
@ApiExcludeController()
@Controller('reports')
export class ReportsController {
  constructor(
    private readonly reports: EvaluationReportService,
    private readonly quarterly: QuarterlyReportService,
  ) {}

  /** The evaluation report; without dates the last 12 months. Print it to PDF from the browser (A4). */
  @Get('evaluation')
  @Roles('secretariat')
  @Header('Cache-Control', 'no-store')
  async evaluation(@Query() query: StatisticsQuery, @Res() reply: FastifyReply): Promise<void> {
    const data = await this.reports.gather(query);
    reply.type('text/html; charset=utf-8').send(this.reports.render(data));
  }

  /** The quarterly overview (B6); without year and quarter the last complete quarter. Printable to A4. */
  @Get('quarterly')
  @Roles('secretariat')
  @Header('Cache-Control', 'no-store')
  async quarterlyReport(@Query() query: QuarterlyQuery, @Res() reply: FastifyReply): Promise<void> {
    const data = await this.quarterly.gather(query);
    reply.type('text/html; charset=utf-8').send(this.quarterly.render(data));
  }
}
