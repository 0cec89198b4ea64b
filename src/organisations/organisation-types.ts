/** The kinds of organisation the taskforce serves (stored in organisations.type). */
export const ORGANISATION_TYPES = ['municipality', 'province', 'water_board', 'central_government', 'other'] as const;
export type OrganisationType = (typeof ORGANISATION_TYPES)[number];
