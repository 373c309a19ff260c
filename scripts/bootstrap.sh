# Source this file (`. scripts/bootstrap.sh`) to put a Node.js >= 22.18 first on PATH.
# It fetches Node 24 from the npm registry into .tools/node when the system Node is older.
_mc_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
_mc_bin="$(node "$_mc_root/scripts/bootstrap.mjs")" || return 1 2>/dev/null || exit 1
export PATH="$_mc_bin:$PATH"
# Native add-ons must build against the headers of the Node that runs them.
[ -d "$_mc_root/.tools/node/include/node" ] && export npm_config_nodedir="$_mc_root/.tools/node"
unset _mc_root _mc_bin
