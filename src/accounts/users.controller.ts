import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/access.js';
import type { AuditActor } from '../audit/index.js';
import { ApiPageResponse } from '../infra/http/openapi.decorators.js';
import { UuidPipe } from '../infra/http/validation.js';
import { AbsenceDto, CreateAbsenceDto, CreateUserDto, UpdateUserDto, UserDto, UserQuery } from './accounts.dto.js';
import { CredentialsService } from './credentials.service.js';
import { CurrentActor } from './principal.js';
import { UsersService } from './users.service.js';

/** Member management by the secretariat; coordinators may look members up (to assign questions). */
@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly credentials: CredentialsService,
  ) {}

  @Get()
  @Roles('secretariat', 'coordinator')
  @ApiOperation({ summary: 'Members, filtered by role, activity or name.' })
  @ApiPageResponse(UserDto, 'Users by name.')
  list(@Query() query: UserQuery) {
    return this.users.list(query);
  }

  @Get(':id')
  @Roles('secretariat', 'coordinator')
  @ApiOperation({ summary: 'One member.' })
  @ApiOkResponse({ type: UserDto, description: 'The user.' })
  get(@Param('id', UuidPipe) id: string) {
    return this.users.get(id);
  }

  @Post()
  @Roles('secretariat')
  @ApiOperation({ summary: 'Invite a member (expert, coordinator, secretariat or requester): creates the user and mails a sign-in link.' })
  @ApiCreatedResponse({ type: UserDto, description: 'The invited user.' })
  invite(@Body() body: CreateUserDto, @CurrentActor() actor: AuditActor) {
    return this.users.invite(body, actor);
  }

  @Patch(':id')
  @Roles('secretariat')
  @ApiOperation({ summary: 'Change roles, organisation, expertise, capacity or mail preference.' })
  @ApiOkResponse({ type: UserDto, description: 'The updated user.' })
  update(@Param('id', UuidPipe) id: string, @Body() body: UpdateUserDto, @CurrentActor() actor: AuditActor) {
    return this.users.update(id, body, actor);
  }

  @Post(':id/deactivate')
  @Roles('secretariat')
  @HttpCode(200)
  @ApiOperation({ summary: 'Deactivate a member: their sessions and tokens stop working at once.' })
  @ApiOkResponse({ type: UserDto, description: 'The deactivated user.' })
  deactivate(@Param('id', UuidPipe) id: string, @CurrentActor() actor: AuditActor) {
    return this.users.setActive(id, false, actor);
  }

  @Post(':id/activate')
  @Roles('secretariat')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reactivate a member.' })
  @ApiOkResponse({ type: UserDto, description: 'The reactivated user.' })
  activate(@Param('id', UuidPipe) id: string, @CurrentActor() actor: AuditActor) {
    return this.users.setActive(id, true, actor);
  }

  @Post(':id/absences')
  @Roles('secretariat')
  @ApiOperation({ summary: 'Register an absence for a member.' })
  @ApiCreatedResponse({ type: AbsenceDto, description: 'The absence.' })
  addAbsence(@Param('id', UuidPipe) id: string, @Body() body: CreateAbsenceDto, @CurrentActor() actor: AuditActor) {
    return this.users.addAbsence(id, body, actor);
  }

  @Delete(':id/absences/:absenceId')
  @Roles('secretariat')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an absence of a member.' })
  @ApiNoContentResponse({ description: 'Removed.' })
  async removeAbsence(@Param('id', UuidPipe) id: string, @Param('absenceId', UuidPipe) absenceId: string, @CurrentActor() actor: AuditActor) {
    await this.users.removeAbsence(id, absenceId, actor);
  }

  @Post(':id/totp-reset')
  @Roles('secretariat')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a member’s second factor (e.g. a lost phone); they set it up again at the next sign-in.' })
  @ApiNoContentResponse({ description: 'Reset.' })
  async resetTotp(@Param('id', UuidPipe) id: string, @CurrentActor() actor: AuditActor) {
    await this.credentials.resetTotp(id, actor);
  }
}
