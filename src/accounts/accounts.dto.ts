import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDateString,
  IsEmail,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { ROLES, type Role } from '../common/access.js';
import { PageQuery } from '../common/pagination.js';
import { IsCalendarDate, NullableField, OptionalField } from '../common/validators.js';
import type { MailPreference } from './user.entity.js';
import { RETURN_PATH_PATTERN } from '../infra/http/return-path.js';
import { MAILABLE_ADDRESS } from '../notifications/index.js';

/** Why an address isEmail accepts is still refused: mail to it could not be sent (see MAILABLE_ADDRESS). */
const MAILABLE_REASON = 'moet een e-mailadres zijn zonder spaties, aanhalingstekens of < > , ;';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class SignInLinkRequestDto {
  @ApiProperty({ description: 'E-mail address to send the sign-in link to.', example: 'j.jansen@amsterdam.nl', maxLength: 254 })
  @Transform(trim) @IsEmail() @Matches(MAILABLE_ADDRESS, { message: MAILABLE_REASON }) @MaxLength(254)
  email: string;

  @ApiPropertyOptional({ description: 'Page to open after signing in: a question (`/vragen/{id}`) or the evaluation report.', example: '/vragen/019a1577-6f82-7da9-88e0-901e9581cbb1', maxLength: 200 })
  @OptionalField() @IsString() @MaxLength(200) @Matches(RETURN_PATH_PATTERN, { message: 'moet een pagina van Vraagbaak zijn, zoals /vragen/{id} of /kennisbank' })
  returnTo?: string;
}

export class SessionRequestDto {
  @ApiProperty({ description: 'The token from the sign-in link (the `token` query parameter).', maxLength: 200 })
  @IsString() @MinLength(10) @MaxLength(200)
  token: string;

  @ApiPropertyOptional({ description: 'Staff: the current code of the authenticator app, or a recovery code.', example: '123456', maxLength: 20 })
  @OptionalField() @IsString() @MaxLength(20)
  totp?: string;
}

export class SessionDto {
  @ApiProperty({ description: 'Bearer access token; send as `Authorization: Bearer <token>`.' })
  accessToken: string;
  @ApiProperty({ description: 'Always `Bearer`.', example: 'Bearer' })
  tokenType: 'Bearer';
  @ApiProperty({ description: 'When the token stops working.', format: 'date-time' })
  expiresAt: string;
}

export class ExpertiseDto {
  @ApiProperty({ description: 'Keuzes (1–33) the expert covers.', type: [Number], example: [21, 23] })
  keuzeIds: number[];

  @ApiProperty({ description: 'Whole themes (1–8) the expert covers.', type: [Number], example: [6] })
  themeIds: number[];
}

/** Expertise as sent: keuzes, whole themes or both; a list left out counts as empty. */
export class ExpertiseInputDto {
  @ApiPropertyOptional({ description: 'Keuzes (1–33) the expert covers; left out: none.', type: [Number], example: [21, 23] })
  @OptionalField() @IsArray() @ArrayMaxSize(33) @ArrayUnique() @IsInt({ each: true }) @Min(1, { each: true }) @Max(33, { each: true })
  keuzeIds?: number[];

  @ApiPropertyOptional({ description: 'Whole themes (1–8) the expert covers; left out: none.', type: [Number], example: [6] })
  @OptionalField() @IsArray() @ArrayMaxSize(8) @ArrayUnique() @IsInt({ each: true }) @Min(1, { each: true }) @Max(8, { each: true })
  themeIds?: number[];
}

export class AbsenceDto {
  @ApiProperty({ description: 'Absence id.', format: 'uuid' })
  id: string;
  @ApiProperty({ description: 'First day of absence.', format: 'date', example: '2026-12-21' })
  startsOn: string;
  @ApiProperty({ description: 'Last day of absence (inclusive).', format: 'date', example: '2027-01-01' })
  endsOn: string;
  @ApiProperty({ description: 'Optional note.', nullable: true, type: String })
  note: string | null;
}

export class CreateAbsenceDto {
  @ApiProperty({ description: 'First day of absence.', format: 'date' })
  @IsCalendarDate()
  startsOn: string;
  @ApiProperty({ description: 'Last day of absence (inclusive).', format: 'date' })
  @IsCalendarDate()
  endsOn: string;
  @ApiPropertyOptional({ description: 'Optional note (e.g. "vakantie").', maxLength: 200 })
  @OptionalField() @IsString() @MaxLength(200)
  note?: string;
}

export class UserDto {
  @ApiProperty({ description: 'User id.', format: 'uuid' })
  id: string;
  @ApiProperty({ description: 'E-mail address (lower case).' })
  email: string;
  @ApiProperty({ description: 'Name shown to others.' })
  displayName: string;
  @ApiProperty({ description: 'Organisation code.', nullable: true, type: String, example: 'GM0363' })
  organisationCode: string | null;
  @ApiProperty({ description: 'Roles of the user.', enum: ROLES, isArray: true })
  roles: Role[];
  @ApiProperty({ description: 'False once deactivated: sessions and tokens stop working.' })
  active: boolean;
  @ApiProperty({ description: 'Experts: keuzes and themes covered.', type: ExpertiseDto })
  expertise: ExpertiseDto;
  @ApiProperty({ description: 'Experts: maximum open questions.', nullable: true, type: Number })
  capacity: number | null;
  @ApiProperty({ description: 'Mail delivery: each mail at once, or one daily digest (experts).', enum: ['immediate', 'daily'] })
  mailPreference: MailPreference;
  @ApiProperty({ description: 'Whether a second factor (authenticator app) is set up.' })
  totpEnabled: boolean;
  @ApiProperty({ description: 'Absence periods (experts).', type: [AbsenceDto] })
  absences: AbsenceDto[];
  @ApiProperty({ description: 'Last sign-in.', nullable: true, type: String, format: 'date-time' })
  lastSignInAt: string | null;
  @ApiProperty({ description: 'When the user was created.', format: 'date-time' })
  createdAt: string;
}

export class MeDto extends UserDto {
  @ApiPropertyOptional({ description: 'Browser sessions: send this value as header X-CSRF-Token with every POST, PATCH, PUT and DELETE.' })
  csrfToken?: string;
  @ApiProperty({ description: 'False while a staff member still has to set up the second factor.' })
  mfaSatisfied: boolean;
}

export class UpdateMeDto {
  @ApiPropertyOptional({ description: 'Name shown to others.', maxLength: 200 })
  @OptionalField() @Transform(trim) @IsString() @MinLength(1) @MaxLength(200)
  displayName?: string;

  @ApiPropertyOptional({ description: 'Mail delivery preference.', enum: ['immediate', 'daily'] })
  @OptionalField() @IsIn(['immediate', 'daily'])
  mailPreference?: MailPreference;
}

export class CreateUserDto {
  @ApiProperty({ description: 'E-mail address of the new member.', maxLength: 254 })
  @Transform(trim) @IsEmail() @Matches(MAILABLE_ADDRESS, { message: MAILABLE_REASON }) @MaxLength(254)
  email: string;

  @ApiProperty({ description: 'Name shown to others.', maxLength: 200 })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(200)
  displayName: string;

  @ApiProperty({ description: 'Roles.', enum: ROLES, isArray: true })
  @IsArray() @ArrayUnique() @IsIn(ROLES, { each: true }) @ArrayMaxSize(4)
  roles: Role[];

  @ApiPropertyOptional({ description: 'Organisation code (required for requesters).', example: 'MIN-IENW' })
  @OptionalField() @IsString() @Matches(/^[A-Za-z0-9-]{2,20}$/)
  organisationCode?: string;

  @ApiPropertyOptional({ description: 'Experts: keuzes and themes covered.', type: ExpertiseInputDto })
  @OptionalField() @IsObject() @ValidateNested() @Type(() => ExpertiseInputDto)
  expertise?: ExpertiseInputDto;

  @ApiPropertyOptional({ description: 'Experts: maximum open questions.', minimum: 0, maximum: 10000 })
  @OptionalField() @IsInt() @Min(0) @Max(10000)
  capacity?: number;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ description: 'Name shown to others.', maxLength: 200 })
  @OptionalField() @Transform(trim) @IsString() @MinLength(1) @MaxLength(200)
  displayName?: string;

  @ApiPropertyOptional({ description: 'Roles (replaces the current set).', enum: ROLES, isArray: true })
  @OptionalField() @IsArray() @ArrayUnique() @IsIn(ROLES, { each: true }) @ArrayMaxSize(4)
  roles?: Role[];

  @ApiPropertyOptional({ description: 'Organisation code; null removes it (staff only).', nullable: true, type: String })
  @NullableField() @IsString() @Matches(/^[A-Za-z0-9-]{2,20}$/)
  organisationCode?: string | null;

  @ApiPropertyOptional({ description: 'Experts: keuzes and themes covered (replaces the current set).', type: ExpertiseInputDto })
  @OptionalField() @IsObject() @ValidateNested() @Type(() => ExpertiseInputDto)
  expertise?: ExpertiseInputDto;

  @ApiPropertyOptional({ description: 'Experts: maximum open questions; null for no limit.', nullable: true, type: Number, minimum: 0, maximum: 10000 })
  @NullableField() @IsInt() @Min(0) @Max(10000)
  capacity?: number | null;

  @ApiPropertyOptional({ description: 'Mail delivery preference.', enum: ['immediate', 'daily'] })
  @OptionalField() @IsIn(['immediate', 'daily'])
  mailPreference?: MailPreference;
}

export class UserQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only users with this role.', enum: ROLES })
  @OptionalField() @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ description: 'Part of the name or e-mail address.', maxLength: 100 })
  @OptionalField() @IsString() @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ description: 'Only active (true) or deactivated (false) users.' })
  @OptionalField() @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value)) @IsBoolean()
  active?: boolean;
}

export class ApiTokenDto {
  @ApiProperty({ description: 'Token id.', format: 'uuid' })
  id: string;
  @ApiProperty({ description: 'Name given at creation.' })
  name: string;
  @ApiProperty({ description: 'First characters of the token, to recognise it.', example: 'vbp_3fK9' })
  prefix: string;
  @ApiProperty({ description: 'When it was created.', format: 'date-time' })
  createdAt: string;
  @ApiProperty({ description: 'When it stops working, if ever.', nullable: true, type: String, format: 'date-time' })
  expiresAt: string | null;
  @ApiProperty({ description: 'Last use (to the minute).', nullable: true, type: String, format: 'date-time' })
  lastUsedAt: string | null;
  @ApiProperty({ description: 'When it was revoked.', nullable: true, type: String, format: 'date-time' })
  revokedAt: string | null;
}

export class CreatedApiTokenDto extends ApiTokenDto {
  @ApiProperty({ description: 'The token itself. Shown only in this response; store it safely.' })
  token: string;
}

export class CreateApiTokenDto {
  @ApiProperty({ description: 'What the token is for.', maxLength: 100, example: 'Koppeling zaaksysteem' })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(100)
  name: string;

  @ApiPropertyOptional({ description: 'When the token stops working (in the future).', format: 'date-time' })
  @OptionalField() @IsDateString({ strict: true })
  expiresAt?: string;
}

export class TotpEnrolmentDto {
  @ApiProperty({ description: 'Base32 secret, for manual entry in the authenticator app.' })
  secret: string;
  @ApiProperty({ description: 'otpauth:// URI.' })
  otpauthUri: string;
  @ApiProperty({ description: 'QR code of the URI as a data: URL (PNG).' })
  qrCodeDataUrl: string;
}

export class TotpConfirmDto {
  @ApiProperty({ description: 'Current 6-digit code from the authenticator app.', example: '123456' })
  @IsString() @Matches(/^\d{6}$/, { message: 'moet uit 6 cijfers bestaan' })
  code: string;
}

export class RecoveryCodesDto {
  @ApiProperty({ description: 'One-time recovery codes; shown only now.', type: [String] })
  recoveryCodes: string[];
}

export class SignInDomainDto {
  @ApiProperty({ description: 'E-mail domain.', example: 'amsterdam.nl' })
  domain: string;
  @ApiProperty({ description: 'Organisation its users belong to.', example: 'GM0363' })
  organisationCode: string;
  @ApiProperty({ description: 'When it was added.', format: 'date-time' })
  createdAt: string;
}

export class CreateSignInDomainDto {
  @ApiProperty({ description: 'E-mail domain (lower case, no @).', example: 'amsterdam.nl' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsString() @MaxLength(253) @Matches(/^(?=.{1,253}$)([a-z0-9](-?[a-z0-9])*\.)+[a-z]{2,63}$/, { message: 'moet een domeinnaam zijn, zoals amsterdam.nl' })
  domain: string;

  @ApiProperty({ description: 'Organisation code.', example: 'GM0363' })
  @IsString() @Matches(/^[A-Za-z0-9-]{2,20}$/)
  organisationCode: string;
}

export class AccessRequestDto {
  @ApiProperty({ description: 'Request id.', format: 'uuid' })
  id: string;
  @ApiProperty({ description: 'Address that asked for a sign-in link.' })
  email: string;
  @ApiProperty({ description: 'Its domain.' })
  domain: string;
  @ApiProperty({ description: 'How often it asked.' })
  attempts: number;
  @ApiProperty({ description: 'Decision.', enum: ['pending', 'approved', 'rejected'] })
  status: string;
  @ApiProperty({ description: 'First attempt.', format: 'date-time' })
  firstAttemptAt: string;
  @ApiProperty({ description: 'Last attempt.', format: 'date-time' })
  lastAttemptAt: string;
}

export class AccessRequestQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only requests with this status.', enum: ['pending', 'approved', 'rejected'] })
  @OptionalField() @IsIn(['pending', 'approved', 'rejected'])
  status?: 'pending' | 'approved' | 'rejected';
}

export class ApproveAccessRequestDto {
  @ApiProperty({ description: 'Organisation of the new requester.', example: 'GM0363' })
  @IsString() @Matches(/^[A-Za-z0-9-]{2,20}$/)
  organisationCode: string;

  @ApiPropertyOptional({ description: 'Also allow the whole e-mail domain from now on.' })
  @OptionalField() @IsBoolean()
  allowDomain?: boolean;
}
