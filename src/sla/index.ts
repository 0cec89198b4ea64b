/* The public entry of sla (README "Architecture", D1). */
export { SlaModule } from './sla.module.js';
export { SlaService, type RunningClock } from './sla.service.js';
export * from './sla.queries.js';
