import dotenv from 'dotenv';
import { AppConfig } from '../../config/app-config.js';
import { createDataSource } from './data-source.js';

// Entry for the TypeORM CLI (`npm run migration:generate -- migrations/Name`): the app's own DataSource.
dotenv.config({ quiet: true });
export default createDataSource(AppConfig.fromEnv());
