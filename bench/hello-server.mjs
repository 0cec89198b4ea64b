// The ceiling: a NestJS 12 app on Fastify with one route and nothing else, built the way the
// real app is (same adapter, same Nest version), so the gap to a real route is the app's own cost.
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';

class HelloController {
  hello() {
    return { hello: 'world' };
  }
  ready() {
    return { status: 'ok' };
  }
}
Get('hello')(HelloController.prototype, 'hello', Object.getOwnPropertyDescriptor(HelloController.prototype, 'hello'));
Get('health/ready')(HelloController.prototype, 'ready', Object.getOwnPropertyDescriptor(HelloController.prototype, 'ready'));
Controller()(HelloController);
class HelloModule {}
Module({ controllers: [HelloController] })(HelloModule);

const app = await NestFactory.create(HelloModule, new FastifyAdapter(), { logger: false });
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
