/* The public entry of organisations (README "Architecture", D1). */
export { OrganisationsModule } from './organisations.module.js';
export { OrganisationsService } from './organisations.service.js';
export { ORGANISATION_TYPES, type OrganisationType } from './organisation-types.js';
export * from './organisation.queries.js';
