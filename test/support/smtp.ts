import { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface TestSmtp {
  url: string;
  messages: ParsedMail[];
  /** Resolves with the first message matching `predicate` (waits up to `timeoutMs`). */
  waitFor(predicate: (mail: ParsedMail) => boolean, timeoutMs?: number): Promise<ParsedMail>;
  /** Messages sent to one address. */
  to(address: string): ParsedMail[];
  close(): Promise<void>;
}

/** A real SMTP server in the test process (the `smtp-server` package), collecting every message. */
export async function startSmtp(): Promise<TestSmtp> {
  const messages: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  const recipients = (mail: ParsedMail) =>
    [mail.to].flat().flatMap((a) => (a ? a.value.map((v) => v.address?.toLowerCase()) : []));
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    to: (address) => messages.filter((m) => recipients(m).includes(address.toLowerCase())),
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`No matching mail within ${timeoutMs} ms (got ${messages.length}: ${messages.map((m) => m.subject).join(' | ')})`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function sentTo(address: string) {
  return (mail: ParsedMail) => [mail.to].flat().some((a) => a?.value.some((v) => v.address?.toLowerCase() === address.toLowerCase()));
}

/** The sign-in link in a mail's plain text. */
export function linkToken(mail: ParsedMail): string {
  const match = mail.text?.match(/\/auth\/callback\?token=([A-Za-z0-9_%.-]+)/);
  if (!match) throw new Error(`No sign-in link in mail "${mail.subject}"`);
  return decodeURIComponent(match[1]);
}
