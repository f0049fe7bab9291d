#!/bin/sh
# help.sh EMKIT - every command has help: for each line of `emkit commands`
# (the real table, sub-tables included), `emkit help CMD`, `emkit CMD
# --help` and `emkit CMD -h` exit 0 with the command's own usage text
# ("usage: emkit CMD") on stdout and nothing on stderr.  So a command
# added to src/cli/commands.c without help fails here.  Also the overview
# (`emkit help`, `--help`, `-h`) lists every command, and help on an
# unknown command is a usage error (2) on stderr.
set -u
emkit=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# check WHAT RC-WANTED ARGS...: runs emkit ARGS, wants RC, stdout non-empty
# and stderr empty (for rc 0) or the reverse
check() {
    what=$1 want=$2
    shift 2
    "$emkit" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ "$rc" -eq "$want" ] || { bad "$what: exit $rc, want $want"; cat "$tmp/err"; return 1; }
    if [ "$want" -eq 0 ]; then
        [ -s "$tmp/out" ] || bad "$what: nothing on stdout"
        [ ! -s "$tmp/err" ] || { bad "$what: stderr not empty:"; cat "$tmp/err"; }
    else
        [ ! -s "$tmp/out" ] || bad "$what: stdout not empty"
        [ -s "$tmp/err" ] || bad "$what: no message on stderr"
    fi
}

"$emkit" commands >"$tmp/list" 2>"$tmp/err" || bad "emkit commands failed"
[ ! -s "$tmp/err" ] || bad "emkit commands wrote to stderr"
n=$(wc -l <"$tmp/list")
[ "$n" -ge 4 ] || bad "emkit commands lists only $n commands"
for form in help --help -h; do
    check "emkit $form" 0 $form
done
"$emkit" help >"$tmp/overview"
while IFS= read -r c; do
    grep -q "^  $c  " "$tmp/overview" || bad "emkit help does not list '$c'"
    # shellcheck disable=SC2086
    for form in "help $c" "$c --help" "$c -h"; do
        check "emkit $form" 0 $form || continue
        grep -Eq "^usage: emkit $c( |$)" "$tmp/out" ||
            bad "emkit $form: no 'usage: emkit $c' line (its own usage text)"
    done
done <"$tmp/list"
check "emkit help no-such-command" 2 help no-such-command
check "emkit no-such-command" 2 no-such-command
[ $fail -eq 0 ] && echo "help: $n commands, each with its own help"
exit $fail
