// Shared helpers for the benchmarks: start the built app in a child process and wait for it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A TCP port nobody listens on right now, so benchmarks can run beside other servers. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Requests to the app on 127.0.0.1:`port` over `sockets` keep-alive connections, with node:http rather
 * than fetch: the clients share the two cores with the server, and fetch (undici) spent 2–3 times the CPU
 * per request of node:http here (0.33–0.53 against 0.09–0.19 ms). `request` resolves with the status and
 * the body as text.
 */
export function httpClient(port, sockets) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const request = (method, path, { headers = {}, body } = {}) =>
    new Promise((resolve, reject) => {
      const sent = body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) };
      const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers: sent }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  return { request, close: () => agent.destroy() };
}

export function freshDataDir(prefix = 'vraagbaak-bench-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Starts `node <script>` and resolves with the ms from spawn to the first 200 of `readyPath`. */
export async function startServer(script, { port, env = {}, readyPath = '/health/ready', timeoutMs = 30000, nodeArgs = [] } = {}) {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, script)], {
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`${script} was not ready within ${timeoutMs} ms`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${port}${readyPath}`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const readyMs = Number(process.hrtime.bigint() - started) / 1e6;
  return {
    readyMs,
    pid: child.pid,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(); // already ended
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

/** Runs autocannon against one URL and returns requests/s and latency percentiles. */
export async function load(url, { connections = 16, duration = 10 } = {}) {
  const result = await autocannon({ url, connections, duration, pipelining: 1 });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return {
    requestsPerSecond: Math.round(result.requests.average),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
  };
}

/**
 * Signs `email` in as a person does, on the app at `baseUrl` that writes its mail to `mailDir`
 * (MAIL_DIR, no SMTP_URL): asks for a link, reads the mailed link, opens it and presses the
 * button. Resolves with the session's cookies ({ name, value }), for a browser context or a
 * Cookie header (cookieHeader). Staff need STAFF_MFA=false on that app.
 */
export async function signInByMail(baseUrl, email, mailDir, { timeoutMs = 30_000 } = {}) {
  const { readdirSync, readFileSync } = await import('node:fs');
  const { simpleParser } = await import('mailparser');
  const mailsBefore = new Set(existingMails(readdirSync, mailDir));
  const asked = await fetch(`${baseUrl}/auth/sign-in-link`, { method: 'POST', body: new URLSearchParams({ email }), redirect: 'manual' });
  if (asked.status !== 200) throw new Error(`asking a sign-in link for ${email}: ${asked.status}`);
  const deadline = Date.now() + timeoutMs;
  let link;
  while (!link) {
    if (Date.now() > deadline) throw new Error(`no sign-in mail for ${email} in ${mailDir} within ${timeoutMs} ms`);
    for (const file of existingMails(readdirSync, mailDir).filter((f) => !mailsBefore.has(f))) {
      const mail = await simpleParser(readFileSync(join(mailDir, file)));
      mailsBefore.add(file);
      if (mail.to?.text?.toLowerCase().includes(email.toLowerCase())) link = mail.text?.match(/https?:\/\/\S+\/auth\/callback\?\S+/)?.[0];
    }
    if (!link) await new Promise((r) => setTimeout(r, 50));
  }
  const mailed = new URL(link);
  const linkPage = await fetch(`${baseUrl}${mailed.pathname}${mailed.search}`);
  const html = await linkPage.text();
  const fields = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], decodeEntities(m[2])]));
  const loginCookies = cookiesOf(linkPage);
  const signedIn = await fetch(`${baseUrl}/auth/callback`, {
    method: 'POST',
    body: new URLSearchParams(fields),
    headers: { cookie: cookieHeader(loginCookies) },
    redirect: 'manual',
  });
  const cookies = cookiesOf(signedIn).filter((c) => c.value);
  if (signedIn.status !== 303 || !cookies.some((c) => c.name === 'vraagbaak_session')) throw new Error(`signing in ${email}: ${signedIn.status} ${await signedIn.text()}`);
  return cookies;
}

const existingMails = (readdirSync, dir) => {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.eml'));
  } catch {
    return []; // the app creates the folder with its first mail
  }
};
const decodeEntities = (text) => text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const cookiesOf = (res) => res.headers.getSetCookie().map((line) => {
  const [pair] = line.split(';');
  const at = pair.indexOf('=');
  return { name: pair.slice(0, at).trim(), value: pair.slice(at + 1) };
});

/** Cookies ({ name, value }) as a Cookie header value. */
export const cookieHeader = (cookies) => cookies.map((c) => `${c.name}=${c.value}`).join('; ');

/** Replaces (or appends) the `## <title>` section of docs/benchmarks.md, keeping the others; returns the file's path. */
export function writeDocsSection(title, lines) {
  const docs = join(ROOT, 'docs', 'benchmarks.md');
  const current = existsSync(docs) ? readFileSync(docs, 'utf8') : '# Benchmarks\n';
  const section = lines.join('\n');
  const pattern = new RegExp(`## ${title}\\n[\\s\\S]*?(?=\\n## |$)`);
  const updated = pattern.test(current) ? current.replace(pattern, () => section.trimEnd() + '\n') : `${current.trimEnd()}\n\n${section}`;
  writeFileSync(docs, updated.endsWith('\n') ? updated : `${updated}\n`);
  return docs;
}
