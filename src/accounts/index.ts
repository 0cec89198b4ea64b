/*
 * The public entry of accounts (README "Architecture", D1): what other modules may use. Entities
 * and persistence helpers stay inside; other modules compose user.queries.ts instead.
 */
export { AccountsModule } from './accounts.module.js';
export { AuthService } from './auth.service.js';
export { UsersService } from './users.service.js';
export { CredentialsService } from './credentials.service.js';
export { ApiTokenDto, CreateAbsenceDto, CreatedApiTokenDto, TotpConfirmDto, TotpEnrolmentDto, UpdateMeDto, UserDto } from './accounts.dto.js';
export { AccountEvents } from './account-events.js';
export { CurrentActor, CurrentPrincipal, hasAnyRole, isStaff, type Principal } from './principal.js';
export * from './user.queries.js';
export { ExpertDirectory, expertiseKeuzesSql, expertiseThemesSql, routingCandidatesSql, unavailableOnSql, type Person } from './experts.js';
// HTTP wiring (rate limits, no-store answers) the composition root hands to createApp.
export { installAccountsHttp } from './accounts-http.js';
export { CreateUserDto, UpdateUserDto, UserQuery } from './accounts.dto.js';
// The secretariat's access pages (web) use the same service and DTOs as the API.
export { AccessRequestsService } from './access-requests.service.js';
export { AccessRequestQuery, ApproveAccessRequestDto, CreateSignInDomainDto } from './accounts.dto.js';
export { ROLE_NAMES } from './page-viewer.js';
