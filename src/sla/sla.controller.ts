import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/access.js';
import { InvalidInputError, NotFoundError } from '../common/domain-errors.js';
import { isCalendarDate } from '../common/validators.js';
import type { AuditActor } from '../audit/index.js';
import { CurrentActor, CurrentPrincipal, type Principal } from '../accounts/index.js';
import { ApiPageResponse } from '../infra/http/openapi.decorators.js';
import { UuidPipe } from '../infra/http/validation.js';
import { PRIORITIES } from '../questions/index.js';
import { ClosuresService } from './closures.service.js';
import { ClosureDto, ClosureQuery, CreateClosureDto, QuestionSlaDto, SlaPolicyDto, UpdateSlaPolicyDto } from './sla.dto.js';
import { SlaService } from './sla.service.js';

function priorityParam(value: string): string {
  if (!(PRIORITIES as readonly string[]).includes(value)) throw new NotFoundError('SLA-norm', value);
  return value;
}

@ApiTags('service levels')
@Controller('sla-policies')
export class SlaPoliciesController {
  constructor(private readonly sla: SlaService) {}

  @Get()
  @Roles('secretariat', 'coordinator')
  @ApiOperation({ summary: 'Service-level targets per priority, in working days.' })
  @ApiPageResponse(SlaPolicyDto, 'The policies (normal, urgent).')
  async list() {
    const data = await this.sla.listPolicies();
    return { data, page: { number: 1, size: data.length, total: data.length } };
  }

  @Get(':priority')
  @Roles('secretariat', 'coordinator')
  @ApiParam({ name: 'priority', enum: PRIORITIES })
  @ApiOperation({ summary: 'The targets of one priority.' })
  @ApiOkResponse({ type: SlaPolicyDto, description: 'The policy.' })
  get(@Param('priority') priority: string) {
    return this.sla.getPolicy(priorityParam(priority));
  }

  @Put(':priority')
  @Roles('secretariat')
  @ApiParam({ name: 'priority', enum: PRIORITIES })
  @ApiOperation({ summary: 'Secretariat: change the targets of a priority. Running clocks move their due times; stopped clocks keep their verdict.' })
  @ApiOkResponse({ type: SlaPolicyDto, description: 'The changed policy.' })
  update(@Param('priority') priority: string, @Body() body: UpdateSlaPolicyDto, @CurrentActor() actor: AuditActor) {
    return this.sla.updatePolicy(priorityParam(priority), body, actor);
  }
}

@ApiTags('service levels')
@Controller('calendar/closures')
export class ClosuresController {
  constructor(private readonly closures: ClosuresService) {}

  @Get()
  @Roles('secretariat')
  @ApiOperation({ summary: 'Secretariat: closure days (extra non-working days on top of weekends and Dutch holidays).' })
  @ApiPageResponse(ClosureDto, 'Closure days, earliest first.')
  list(@Query() query: ClosureQuery) {
    return this.closures.list(query);
  }

  @Post()
  @Roles('secretariat')
  @ApiOperation({ summary: 'Secretariat: close the office on a day. Questions whose clocks ran on it are recomputed in the background.' })
  @ApiCreatedResponse({ type: ClosureDto, description: 'The closure day.' })
  add(@Body() body: CreateClosureDto, @CurrentActor() actor: AuditActor) {
    return this.closures.add(body, actor);
  }

  @Delete(':day')
  @Roles('secretariat')
  @HttpCode(204)
  @ApiParam({ name: 'day', format: 'date', example: '2026-12-24' })
  @ApiOperation({ summary: 'Secretariat: reopen a closed day; affected questions are recomputed in the background.' })
  @ApiNoContentResponse({ description: 'Removed.' })
  async remove(@Param('day') day: string, @CurrentActor() actor: AuditActor): Promise<void> {
    if (!isCalendarDate(day)) throw new InvalidInputError([{ name: 'day', reason: 'moet een bestaande datum zijn (JJJJ-MM-DD)' }]);
    await this.closures.remove(day, actor);
  }
}

@ApiTags('service levels')
@Controller('questions')
export class QuestionSlaController {
  constructor(private readonly sla: SlaService) {}

  @Get(':id/sla')
  @Roles('expert', 'coordinator', 'secretariat')
  @ApiOperation({ summary: 'Staff: the SLA clocks of a question (due times, pauses, measured working days, verdicts) and their events.' })
  @ApiOkResponse({ type: QuestionSlaDto, description: 'Clocks and SLA events.' })
  view(@Param('id', UuidPipe) id: string, @CurrentPrincipal() principal: Principal) {
    return this.sla.questionView(principal, id);
  }
}
