#!/bin/bash
# tests/qemu/snd-bench.sh - benchmark (not a timed test) of emkit's
# virtio sound device against QEMU 7.2's intel-hda + hda-output, in one
# boot of the sound guest (make-initramfs.sh EMK_GUEST=sound) under TCG:
# the same 48 kHz stereo S16 file is played with aplay on each, into a
# WAV file on the host (emkit's wav: backend; QEMU's wav audiodev).  The
# host samples QEMU's CPU time (whole process and main thread, where both
# devices do their work) at the guest's marks and prints CPU seconds per
# second of playback over an idle baseline, their ratio, and, from the
# device's trace, completion lateness against each message's due time,
# dry spells (the guest refilled late) and xruns.
#
#   tests/qemu/snd-bench.sh [SECONDS]      # default 60 s of audio
# Results go to build/qemu/logs/snd-bench.log; docs/perf/virtio-snd.md has
# figures.
set -uo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
QEMU=${EMK_QEMU:-$REPO/build/qemu/qemu-system-x86_64}
LOGS=$REPO/build/qemu/logs
SECS=${1:-60}
TIMEOUT=$((SECS * 3 + 300))
log() { printf 'snd-bench: %s\n' "$*" >&2; }
[ -x "$QEMU" ] || { log "SKIP: no $QEMU"; exit 77; }
command -v sox >/dev/null || { log "SKIP: sox not installed"; exit 77; }
"$QEMU" -device help 2>/dev/null | grep -q '"intel-hda"' ||
    { log "SKIP: this QEMU has no intel-hda (CONFIG_HDA)"; exit 77; }
. "$REPO/tests/qemu/boot-lib.sh"
mkdir -p "$LOGS"
dir=$(mktemp -d "${TMPDIR:-/tmp}/emkit-snd-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
sox -q -n -r 48000 -c 2 -b 16 -e signed-integer "$dir/bench.wav" \
    synth "$SECS" sine 440 sine 661 gain -6 dither || exit 1
files=$(EMK_GUEST=sound EMK_GUEST_DATA="$dir/bench.wav" \
        "$REPO/tests/qemu/make-initramfs.sh") || { log "SKIP: no sound guest"; exit 77; }
read -r KERNEL INITRD <<<"$files"
out=$LOGS/snd-bench.log
rm -f "$out"
python3 "$REPO/tests/qemu/snd_host.py" bench "$out" "$dir/qemu.pid" \
    >"$out.cpu" 2>&1 &
watcher=$!
EMKIT_TRACE=virtio_snd_io,virtio_snd_xrun,virtio_snd_dry \
boot_guest "$out" virtio-snd-bench "" -pidfile "$dir/qemu.pid" \
    -device "emkit-virtio-snd,backend=wav:$dir/virtio.wav,streams=o" \
    -audiodev "wav,id=hda0,path=$dir/hda.wav" \
    -device "${EMK_HDA:-ich9-intel-hda}" -device hda-output,audiodev=hda0
rc=$?
wait "$watcher"
grep -E '^EMK-(CHECK|RESULT)' "$out" | sed 's/^/  /' >&2
cat "$out.cpu"
python3 "$REPO/tests/qemu/snd_host.py" jitter "$out"
grep -q '^EMK-RESULT: virtio-snd-bench PASS' "$out" && [ "$rc" = 0 ]
