import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface TestDovecot {
  /** `imap://user:pass@127.0.0.1:<port>` for INBOUND_IMAP_URL. */
  url: string;
  port: number;
  user: string;
  pass: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`dovecot exited (${child.exitCode}): ${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => (socket.end(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`dovecot did not listen on ${port}: ${log()}`);
}

/**
 * Our own dovecot (Debian's dovecot-imapd) in a temporary folder on a free loopback port, with
 * one passwd-file user and plain-text login, running in the foreground as a child of the test:
 * no system service, no change to /etc. Run as root (CI containers), dovecot insists on its
 * unprivileged `dovenull`/`dovecot` users for login and mail processes; otherwise everything
 * runs as the current user.
 */
export async function startDovecot(): Promise<TestDovecot> {
  const dir = mkdtempSync(join(tmpdir(), 'vraagbaak-dovecot-'));
  const port = await freePort();
  const user = 'antwoorden';
  const pass = 'geheim-wachtwoord';
  const me = userInfo();
  const root = me.uid === 0;
  const mailUser = root ? 'dovecot' : me.username;
  const uid = root ? Number(execFileSync('id', ['-u', mailUser]).toString().trim()) : me.uid;
  const gid = root ? Number(execFileSync('id', ['-g', mailUser]).toString().trim()) : me.gid;
  for (const sub of ['run', 'state', 'home']) mkdirSync(join(dir, sub));
  if (root) chownSync(join(dir, 'home'), uid, gid);
  // dovecot's auth process runs as its internal user: it must read the (throw-away) passwd file.
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'passwd'), `${user}:{PLAIN}${pass}\n`, { mode: 0o644 });
  const config = `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = ${mailUser}
default_internal_group = ${root ? 'dovecot' : (execFileSync('id', ['-gn']).toString().trim())}
default_login_user = ${root ? 'dovenull' : me.username}
first_valid_uid = 1
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${dir}/home/%u
}
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  separator = /
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
  chroot =
}
service anvil {
  chroot =
}
`;
  writeFileSync(join(dir, 'dovecot.conf'), config);
  const child = spawn('/usr/sbin/dovecot', ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: 'ignore' });
  const log = () => {
    try {
      return execFileSync('tail', ['-n', '20', join(dir, 'dovecot.log')]).toString();
    } catch {
      return '(no log)';
    }
  };
  await waitForPort(port, child, log);
  return {
    url: `imap://${user}:${pass}@127.0.0.1:${port}`,
    port,
    user,
    pass,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
