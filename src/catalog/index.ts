/* The public entry of catalog (README "Architecture", D1). */
export { CatalogModule } from './catalog.module.js';
export { CatalogService } from './catalog.service.js';
export { KeuzeDto, KeuzeQuery, MaatregelQuery, ThemeDto } from './catalog.dto.js';
export * from './catalog.queries.js';
