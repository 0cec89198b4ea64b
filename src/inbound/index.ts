/* The public entry of inbound mail (replies by e-mail): the module, its reply addresses and the replies waiting in triage. */
export { InboundModule } from './inbound.module.js';
export { ReplyAddresses, type ReplyTarget, type BounceTarget } from './reply-addresses.js';
export { InboundStore, type TriageMail } from './inbound-store.js';
