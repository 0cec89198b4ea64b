import { Keuze, Maatregel, Theme } from '../../catalog/catalog.entities.js';
import { Organisation } from '../../organisations/organisation.entity.js';

/** Every entity of the app; the DataSource (app, CLI, migrations) uses this one list. */
export const ENTITIES = [Theme, Keuze, Maatregel, Organisation];
