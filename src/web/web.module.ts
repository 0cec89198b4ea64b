import { Module } from '@nestjs/common';
import { StartPageController } from './start-page.controller.js';

/** The pages people open in a browser (templates in templates/pages, see src/infra/http/pages.ts). */
@Module({ controllers: [StartPageController] })
export class WebModule {}
