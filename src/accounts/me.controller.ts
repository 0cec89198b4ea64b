import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles, SignedIn } from '../common/access.js';
import type { AuditActor } from '../audit/index.js';
import { UuidPipe } from '../infra/http/validation.js';
import { AllowDuringMfaEnrolment } from './access.guard.js';
import {
  AbsenceDto,
  ApiTokenDto,
  CreateAbsenceDto,
  CreateApiTokenDto,
  CreatedApiTokenDto,
  MeDto,
  RecoveryCodesDto,
  TotpConfirmDto,
  TotpEnrolmentDto,
  UpdateMeDto,
} from './accounts.dto.js';
import { AuthService } from './auth.service.js';
import { CredentialsService } from './credentials.service.js';
import { CurrentActor, CurrentPrincipal, type Principal } from './principal.js';
import { UsersService } from './users.service.js';

@ApiTags('me')
@Controller('me')
export class MeController {
  constructor(
    private readonly users: UsersService,
    private readonly credentials: CredentialsService,
    private readonly auth: AuthService,
  ) {}

  @Get()
  @SignedIn()
  @AllowDuringMfaEnrolment()
  @ApiOperation({ summary: 'The signed-in user, with roles and (browser sessions) the CSRF token.' })
  @ApiOkResponse({ type: MeDto, description: 'The caller.' })
  async me(@CurrentPrincipal() principal: Principal): Promise<MeDto> {
    const user = await this.users.get(principal.user.id);
    return { ...user, csrfToken: this.auth.csrfTokenFor(principal), mfaSatisfied: principal.mfaSatisfied };
  }

  @Patch()
  @SignedIn()
  @ApiOperation({ summary: 'Change your display name or mail preference.' })
  @ApiOkResponse({ type: MeDto, description: 'The updated caller.' })
  async update(@Body() body: UpdateMeDto, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor): Promise<MeDto> {
    await this.users.updateMe(principal.user.id, body, actor);
    return this.me(principal);
  }

  @Get('tokens')
  @SignedIn()
  @ApiOperation({ summary: 'Your personal API tokens (never the secrets themselves).' })
  @ApiOkResponse({ type: [ApiTokenDto], description: 'Tokens, newest first.' })
  listTokens(@CurrentPrincipal() principal: Principal) {
    return this.credentials.listTokens(principal.user.id);
  }

  @Post('tokens')
  @SignedIn()
  @ApiOperation({ summary: 'Create a personal API token for an integration; the token is shown only in this response.' })
  @ApiCreatedResponse({ type: CreatedApiTokenDto, description: 'The new token.' })
  createToken(@Body() body: CreateApiTokenDto, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor) {
    return this.credentials.createToken(principal.user.id, body.name, body.expiresAt, actor);
  }

  @Delete('tokens/:tokenId')
  @SignedIn()
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke one of your API tokens; it stops working at once.' })
  @ApiNoContentResponse({ description: 'Revoked.' })
  async revokeToken(@Param('tokenId', UuidPipe) tokenId: string, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor) {
    await this.credentials.revokeToken(principal.user.id, tokenId, actor);
  }

  @Post('totp')
  @SignedIn()
  @AllowDuringMfaEnrolment()
  @ApiOperation({ summary: 'Start setting up the second factor: a new secret and its QR code.' })
  @ApiCreatedResponse({ type: TotpEnrolmentDto, description: 'Scan the QR code, then confirm with a code.' })
  startTotp(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor) {
    return this.credentials.startTotpEnrolment(principal, actor);
  }

  @Post('totp/confirm')
  @SignedIn()
  @AllowDuringMfaEnrolment()
  @HttpCode(200)
  @ApiOperation({ summary: 'Confirm the second factor with a code from the app; returns one-time recovery codes.' })
  @ApiOkResponse({ type: RecoveryCodesDto, description: 'Recovery codes, shown once.' })
  confirmTotp(@Body() body: TotpConfirmDto, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor) {
    return this.credentials.confirmTotp(principal, body.code, actor);
  }

  @Post('absences')
  @Roles('expert')
  @ApiOperation({ summary: 'Experts: register a period in which you get no new questions.' })
  @ApiCreatedResponse({ type: AbsenceDto, description: 'The absence.' })
  addAbsence(@Body() body: CreateAbsenceDto, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor) {
    return this.users.addAbsence(principal.user.id, body, actor);
  }

  @Delete('absences/:absenceId')
  @Roles('expert')
  @HttpCode(204)
  @ApiOperation({ summary: 'Experts: remove one of your absences.' })
  @ApiNoContentResponse({ description: 'Removed.' })
  async removeAbsence(@Param('absenceId', UuidPipe) absenceId: string, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor) {
    await this.users.removeAbsence(principal.user.id, absenceId, actor);
  }
}
