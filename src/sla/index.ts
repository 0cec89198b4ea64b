/* The public entry of sla (README "Architecture", D1). */
export { SlaModule } from './sla.module.js';
export { SlaService, type RunningClock } from './sla.service.js';
export * from './sla.queries.js';
export { ClosuresService } from './closures.service.js';
export { ClosureQuery, CreateClosureDto, UpdateSlaPolicyDto, type ClosureDto, type SlaPolicyDto } from './sla.dto.js';
