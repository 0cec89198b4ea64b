import dotenv from 'dotenv';
import { AppConfig, ConfigError } from './app-config.js';

/** Reads `.env` and the environment; on invalid config prints which variable is wrong and exits. */
export function loadConfigOrExit(processName: string): AppConfig {
  dotenv.config({ quiet: true });
  try {
    return AppConfig.fromEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${processName} cannot start. ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
