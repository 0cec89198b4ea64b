import { timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { AppSecrets } from '../infra/secrets.js';
import { MailThreading, replyModeOf, type ReplyMode, type TemplateName, type ThreadingHeaders } from '../notifications/index.js';

/** What a valid reply address says: which question, for whom, and what a reply becomes. */
export interface ReplyTarget {
  kind: 'reply';
  questionId: string;
  userId: string;
  mode: ReplyMode;
}

/** What a valid bounce address says: which outbox row bounced. */
export interface BounceTarget {
  kind: 'bounce';
  outboxId: string;
}

const MODE_CODES: Record<ReplyMode, string> = { requester: 'r', answer: 'a', note: 'n' };
const MODES_BY_CODE = new Map(Object.entries(MODE_CODES).map(([mode, code]) => [code, mode as ReplyMode]));
/** 10 base32 characters: 50 bits of MAC, so the local part stays within RFC 5321's 64 octets. */
const MAC_CHARS = 10;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Signed reply and bounce addresses at MAIL_REPLY_DOMAIN. A reply address is
 * `<mode><question><recipient>-<mac>` (ids as 26 lower-case base32 characters, so the address
 * survives relays that fold case; 63 characters); a bounce address (the envelope sender) is
 * `bounce-<outbox row>-<mac>`. The MAC is an HMAC with a key derived from the app secret and is
 * compared in constant time, so an address can be neither guessed nor altered.
 */
@Injectable()
export class ReplyAddresses extends MailThreading {
  readonly domain: string | null;

  constructor(
    config: AppConfig,
    private readonly secrets: AppSecrets,
  ) {
    super();
    this.domain = config.mailReplyDomain?.toLowerCase() ?? null;
  }

  get enabled(): boolean {
    return this.domain !== null;
  }

  replyAddress(questionId: string, userId: string, mode: ReplyMode): string | null {
    if (!this.domain || !UUID.test(questionId) || !UUID.test(userId)) return null;
    const body = `${MODE_CODES[mode]}${encodeUuid(questionId)}${encodeUuid(userId)}`;
    return `${body}-${this.mac(body)}@${this.domain}`;
  }

  bounceAddress(outboxId: string): string | null {
    if (!this.domain || !UUID.test(outboxId)) return null;
    const body = `bounce-${encodeUuid(outboxId)}`;
    return `${body}-${this.mac(body)}@${this.domain}`;
  }

  /** What an address at the reply domain stands for; null when it is not one of ours or its MAC is wrong. */
  parse(address: string): ReplyTarget | BounceTarget | null {
    if (!this.domain) return null;
    const at = address.lastIndexOf('@');
    if (at < 0 || address.slice(at + 1).toLowerCase() !== this.domain) return null;
    const local = address.slice(0, at).toLowerCase();
    const dash = local.lastIndexOf('-');
    if (dash < 0) return null;
    const body = local.slice(0, dash);
    if (!this.verify(body, local.slice(dash + 1))) return null;
    const reply = /^([ran])([a-z2-7]{26})([a-z2-7]{26})$/.exec(body);
    if (reply) return { kind: 'reply', mode: MODES_BY_CODE.get(reply[1])!, questionId: decodeUuid(reply[2]), userId: decodeUuid(reply[3]) };
    const bounce = /^bounce-([a-z2-7]{26})$/.exec(body);
    if (bounce) return { kind: 'bounce', outboxId: decodeUuid(bounce[1]) };
    return null;
  }

  /**
   * The headers of an outgoing mail: a question mail (event key `question:<id>:…`) to a user gets
   * its reply address and joins the question's thread; every mail gets a bounce address.
   */
  headersFor(row: { id: string; eventKey: string; recipientUserId: string | null; template: string; data: Record<string, unknown> }): ThreadingHeaders {
    if (!this.domain) return {};
    const headers: ThreadingHeaders = {};
    const envelopeFrom = this.bounceAddress(row.id);
    if (envelopeFrom) headers.envelopeFrom = envelopeFrom;
    const questionId = /^question:([0-9a-f-]{36}):/i.exec(row.eventKey)?.[1] ?? (typeof row.data.questionId === 'string' ? row.data.questionId : null);
    const mode = replyModeOf(row.template as TemplateName, row.data);
    if (questionId && mode && row.recipientUserId) {
      const replyTo = this.replyAddress(questionId, row.recipientUserId, mode);
      if (replyTo) headers.replyTo = replyTo;
      headers.thread = threadId(questionId, this.domain);
    }
    return headers;
  }

  private mac(body: string): string {
    return toBase32(this.secrets.replyAddressMac(body)).slice(0, MAC_CHARS);
  }

  private verify(body: string, given: string): boolean {
    const expected = Buffer.from(this.mac(body));
    const actual = Buffer.from(given);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}

/** The Message-ID every mail about one question refers to, so mail clients show one conversation. */
export function threadId(questionId: string, domain: string): string {
  return `<question-${questionId}@${domain}>`;
}

function toBase32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

function fromBase32(text: string): Buffer {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of text) {
    value = (value << 5) | BASE32.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

export function encodeUuid(uuid: string): string {
  return toBase32(Buffer.from(uuid.replace(/-/g, ''), 'hex'));
}

export function decodeUuid(encoded: string): string {
  const hex = fromBase32(encoded).subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
