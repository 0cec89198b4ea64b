/* The public entry of inbound mail (replies by e-mail): the module and its reply addresses. */
export { InboundModule } from './inbound.module.js';
export { ReplyAddresses, type ReplyTarget, type BounceTarget } from './reply-addresses.js';
