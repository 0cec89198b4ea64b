// Builds the pages' static files into dist/public: the stylesheet bundled with the NL Design
// System's Utrecht component CSS and minified (lightningcss), each script copied, every file
// named by its content hash (so it can be cached forever) and precompressed (brotli + gzip,
// which @fastify/static serves to clients that accept them). The manifest maps the names the
// templates use ("vraagbaak.css") to the hashed file names.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { bundle } from 'lightningcss';

const root = join(import.meta.dirname, '..');
const source = join(root, 'public');
const out = join(root, 'dist', 'public');
const manifestFile = join(root, 'dist', 'assets-manifest.json');

/** Browsers the stylesheet is lowered for: the last two years of evergreen browsers. */
const targets = { chrome: 109 << 16, firefox: 115 << 16, safari: (15 << 16) | (6 << 8) };

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const manifest = {};
function emit(name, content) {
  const hash = createHash('sha256').update(content).digest('base64url').slice(0, 10);
  const hashed = `${basename(name, extname(name))}.${hash}${extname(name)}`;
  writeFileSync(join(out, hashed), content);
  writeFileSync(join(out, `${hashed}.br`), brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  writeFileSync(join(out, `${hashed}.gz`), gzipSync(content, { level: 9 }));
  manifest[name] = hashed;
}

// Only the entry stylesheet is emitted; the files it @imports are bundled into it.
const css = bundle({ filename: join(source, 'vraagbaak.css'), minify: true, targets });
emit('vraagbaak.css', Buffer.from(css.code));

// Scripts only enhance pages; each is its own file, loaded by the pages that use it.
const scripts = join(source, 'scripts');
for (const name of existsSync(scripts) ? readdirSync(scripts) : []) {
  if (name.endsWith('.js')) emit(name, readFileSync(join(scripts, name)));
}

writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
