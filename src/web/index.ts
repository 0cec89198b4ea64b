/* The public entry of web (README "Architecture", D1): the server-rendered pages; no other module uses it. */
export { WebModule } from './web.module.js';
