#!/bin/sh
# hypatia-cache list|clear on a scratch cache holding one entry and one foreign file.
set -eu
tool="$1"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
key=0123456789abcdef0123456789abcdef
printf 'not really a module' > "$dir/$key.so"
printf 'hypatia-module 1\nso_size=19\nso_hash=00000000000000000000000000000000\ncompiler=x\nflags=-O2\ncreated=%s\nend\n' \
  "$(date +%s)" > "$dir/$key.meta"
printf '// a module\nextern "C" void kernel_0(void** args) {}\n' > "$dir/$key.cpp"
printf 'mine' > "$dir/notes.txt"

out=$("$tool" list --dir "$dir")
echo "$out"
echo "$out" | grep -q "^$key .* kernel_0$"
echo "$out" | grep -q "^1 entry, "
out=$("$tool" clear --dir "$dir")
echo "$out"
echo "$out" | grep -q "^removed 1 entry from $dir$"
test ! -e "$dir/$key.so" && test ! -e "$dir/$key.meta" && test ! -e "$dir/$key.cpp"
test -e "$dir/notes.txt"
"$tool" list --dir "$dir" | grep -q "^0 entries, 0 B$"
if "$tool" frobnicate 2>/dev/null; then exit 1; fi
echo "hypatia-cache: ok"
