import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config.js';
import { AppSecrets } from '../infra/secrets.js';
import { ReplyAddresses, decodeUuid, encodeUuid } from './reply-addresses.js';

const config = AppConfig.fromEnv({ MAIL_REPLY_DOMAIN: 'antwoord.example.nl' });
const addresses = new ReplyAddresses(config, new AppSecrets('a'.repeat(40)));

describe('ReplyAddresses', () => {
  const questionId = randomUUID();
  const userId = randomUUID();

  it('round-trips ids through base32', () => {
    for (let i = 0; i < 50; i++) {
      const id = randomUUID();
      expect(decodeUuid(encodeUuid(id))).toBe(id);
      expect(encodeUuid(id)).toMatch(/^[a-z2-7]{26}$/);
    }
  });

  it('makes an address within 64 octets that says question, recipient and mode, also when a relay upper-cases it', () => {
    const address = addresses.replyAddress(questionId, userId, 'answer')!;
    expect(address.split('@')[0].length).toBeLessThanOrEqual(64);
    expect(address.endsWith('@antwoord.example.nl')).toBe(true);
    expect(addresses.parse(address)).toEqual({ kind: 'reply', questionId, userId, mode: 'answer' });
    expect(addresses.parse(address.toUpperCase())).toEqual({ kind: 'reply', questionId, userId, mode: 'answer' });
  });

  it('refuses altered, forged and foreign addresses', () => {
    const address = addresses.replyAddress(questionId, userId, 'requester')!;
    const [local] = address.split('@');
    // Another recipient, another mode, a flipped MAC character, another domain, another key.
    const other = addresses.replyAddress(questionId, randomUUID(), 'requester')!;
    expect(other.slice(27, 53)).not.toBe(local.slice(27, 53));
    expect(addresses.parse(`${local.slice(0, 27)}${other.slice(27, 53)}${local.slice(53)}@antwoord.example.nl`)).toBeNull();
    expect(addresses.parse(`n${local.slice(1)}@antwoord.example.nl`)).toBeNull();
    const last = local.at(-1) === 'a' ? 'b' : 'a';
    expect(addresses.parse(`${local.slice(0, -1)}${last}@antwoord.example.nl`)).toBeNull();
    expect(addresses.parse(`${local}@elders.example.nl`)).toBeNull();
    expect(new ReplyAddresses(config, new AppSecrets('b'.repeat(40))).parse(address)).toBeNull();
    expect(addresses.parse('vraagbaak@antwoord.example.nl')).toBeNull();
  });

  it('makes bounce addresses for outbox rows', () => {
    const outboxId = randomUUID();
    const address = addresses.bounceAddress(outboxId)!;
    expect(addresses.parse(address)).toEqual({ kind: 'bounce', outboxId });
  });

  it('gives a question mail to a user its reply address and thread, and every mail a bounce address', () => {
    const headers = addresses.headersFor({ id: randomUUID(), eventKey: `question:${questionId}:clarification:1`, recipientUserId: userId, template: 'clarification-requested', data: {} });
    expect(addresses.parse(headers.replyTo!)).toEqual({ kind: 'reply', questionId, userId, mode: 'requester' });
    expect(headers.thread).toBe(`<question-${questionId}@antwoord.example.nl>`);
    const signIn = addresses.headersFor({ id: randomUUID(), eventKey: 'sign-in:x', recipientUserId: userId, template: 'sign-in-link', data: {} });
    expect(signIn.replyTo).toBeUndefined();
    expect(signIn.envelopeFrom).toMatch(/^bounce-/);
    expect(new ReplyAddresses(AppConfig.fromEnv({}), new AppSecrets('a'.repeat(40))).headersFor({ id: randomUUID(), eventKey: `question:${questionId}:x`, recipientUserId: userId, template: 'question-received', data: {} })).toEqual({});
  });
});
