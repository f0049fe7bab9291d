#!/bin/bash
# tests/qemu/guest-test.sh - boots Debian's Linux kernel under QEMU (TCG)
# with the test initramfs and checks, from the serial console, that the
# guest drives each NVMe controller correctly.
#
#   tests/qemu/guest-test.sh                 # every case below
#   tests/qemu/guest-test.sh qemu-nvme       # one case
#   EMK_QEMU=/path/to/qemu-system-x86_64 tests/qemu/guest-test.sh
#
# Cases:
#   qemu-nvme    QEMU's own nvme on a RAM-backed raw image: proves the
#                guest, the initramfs and the checks (tests/qemu/guest/nvme.sh)
#   emkit-sblk   emkit's simple block device (hw/sblk) through the adapter,
#                driven with devmem (tests/qemu/guest/sblk.sh): MMIO, the
#                ioeventfd doorbell, DMA, bus-master gating; in the same
#                boot emkit-virtio-rng under Linux's virtio_pci and
#                virtio_rng drivers (tests/qemu/guest/virtio-rng.sh), and
#                the FIDO key: the static emkit serves it through UHID and
#                fido2-tools use it (tests/qemu/guest/fido.sh)
#   emkit-nvme   emkit's NVMe controller through the adapter, its loop in
#                QEMU's main loop (the default) and its I/O queues on 2
#                emkit iothreads, behind emkit's root port (skipped while
#                the binary has no emkit-nvme device)
#   emkit-nvme-ethread
#                the same checks with the controller's loop in an emkit
#                iothread of its own (emkit-iothread=on), no root port
#   emkit-drive  emkit-nvme on QEMU block nodes (drive=): a qcow2 image, a
#                raw file, null-co and a read-only raw file as namespaces
#                1-4, and a second controller whose loop and drive run in
#                a QEMU IOThread (iothread=), in one boot
#                (tests/qemu/guest/drive.sh); then on the host qemu-img
#                check and qemu-io read the guest's patterns
#   emkit-unplug three emkit-nvme behind QEMU pcie-root-ports, one per loop
#                placement (main loop with drive=, QEMU IOThread, emkit
#                iothread), hot-unplugged with QMP device_del while fio has
#                I/O in flight (tests/qemu/guest/unplug.sh); QEMU must
#                then power off cleanly
#   emkit-snd    emkit's virtio sound device under bookworm's 6.12 kernel
#                (6.1 has no virtio_snd) with alsa-utils
#                (tests/qemu/guest/virtio-snd.sh): aplay/arecord list the
#                streams, jack and channel-map controls, a 10 s WAV
#                reaches the host's wav: backend byte for byte, arecord of
#                the sine: backend has the right frequency (sox), jack
#                unplug/replug over QMP, pause/resume, stop/start,
#                unbind/rebind
# Console logs are kept in build/qemu/logs/<case>.log.
# Exit status: 0 all passed, 77 nothing could run, 1 a case failed.
set -uo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
QEMU=${EMK_QEMU:-$REPO/build/qemu/qemu-system-x86_64}
LOGS=$REPO/build/qemu/logs
TIMEOUT=${EMK_GUEST_TIMEOUT:-600}
log() { printf 'guest-test: %s\n' "$*" >&2; }
[ -x "$QEMU" ] || { log "SKIP: no $QEMU (run tests/qemu/build-qemu.sh)"; exit 77; }
mkdir -p "$LOGS"

. "$REPO/tests/qemu/boot-lib.sh"
# the static emkit, for the guest's FIDO test (the guest is the minimal
# host that runs it: tests/qemu/guest/fido.sh)
if command -v musl-gcc >/dev/null &&
    make -s -C "$REPO" -f Makefile.fallback -j "$(nproc)" CC=musl-gcc LDFLAGS=-static \
        O=build/static build/static/emkit >"$LOGS/static-emkit.log" 2>&1; then
    export EMK_GUEST_DATA="$REPO/build/static/emkit${EMK_GUEST_DATA:+ $EMK_GUEST_DATA}"
else
    log "no static emkit (musl-gcc; see $LOGS/static-emkit.log): the fido checks will fail"
fi
guest_files || { log "SKIP: make-initramfs.sh failed"; exit 77; }

IMGBASE=${EMK_IMGDIR:-/dev/shm}
[ -d "$IMGBASE" ] && [ -w "$IMGBASE" ] || IMGBASE=${TMPDIR:-/tmp}
IMGDIR=$(mktemp -d "$IMGBASE/emkit-guest.XXXXXX")
trap 'rm -rf "$IMGDIR"' EXIT

has_device() { "$QEMU" -device help 2>/dev/null | grep -q "name \"$1\""; }

# run_guest NAME TESTS APPEND DEVICE-ARGS...: boots, returns 0 if every
# test named in TESTS printed PASS
run_guest() {
    local name=$1 tests=$2 append=$3; shift 3
    local out=$LOGS/$name.log start end
    start=$(date +%s)
    log "$name: booting ($tests)"
    boot_guest "$out" "$tests" "$append" "$@"
    local qrc=$?
    end=$(date +%s)
    grep -E '^EMK-(CHECK|RESULT|INFO)' "$out" | sed "s/^/  [$name] /" >&2
    local t ok=1
    for t in ${tests//,/ }; do
        grep -q "^EMK-RESULT: $t PASS" "$out" || ok=0
    done
    if [ "$qrc" -ne 0 ]; then
        log "$name: QEMU exited with $qrc (124: timeout after ${TIMEOUT}s); see $out"
        ok=0
    fi
    if [ "$ok" = 1 ]; then
        log "$name: PASS in $((end - start)) s"
        return 0
    fi
    log "$name: FAIL in $((end - start)) s; console log: $out"
    tail -n 30 "$out" | sed "s/^/  | /" >&2
    return 1
}

# emkit-drive: the host half around the guest's drive.sh
drive_case() {
    local q=$IMGDIR/ns1.qcow2 r=$IMGDIR/ns2.raw ro=$IMGDIR/ns4.raw ri=$IMGDIR/ns5.raw
    local null_size=$((1 << 30)) out err rc
    if ! command -v qemu-img >/dev/null || ! command -v qemu-io >/dev/null; then
        log "emkit-drive: SKIP (qemu-img/qemu-io not installed: qemu-utils)"
        return 77
    fi
    qemu-img create -q -f qcow2 "$q" 256M || return 1
    truncate -s 128M "$r" && truncate -s 16M "$ro" && truncate -s 64M "$ri" || return 1
    # the controller refuses a namespace given as both drive= and backend=;
    # slot 1's drive is open (and moved into the IOThread that runs the
    # controller's loop) by then, so this also tears an opened drive and
    # an IOThread-driven loop down again (exit 1, not a crash)
    err=$(timeout 20 "$QEMU" -L /usr/share/seabios -L /usr/share/qemu -M q35 \
        -accel tcg -nodefaults -display none -S -object iothread,id=t0 \
        -blockdev "driver=null-co,node-name=nx,size=1048576" \
        -blockdev "driver=null-co,node-name=ny,size=1048576" \
        -device emkit-nvme,drive=nx,iothread=t0,drive2=ny,backend2=ram:1M \
        </dev/null 2>&1)
    rc=$?
    if [ "$rc" != 1 ] || ! echo "$err" | grep -q "drive2= and backend2= both given"; then
        log "emkit-drive: FAIL: drive2= plus backend2= not refused cleanly (exit $rc): $err"
        return 1
    fi
    log "emkit-drive: drive2= plus backend2= refused: $(echo "$err" | grep -m1 'both given' | sed 's/.*emkit-nvme: //')"
    run_guest emkit-drive drive "emk.null_lbas=$((null_size / 512))" \
        -blockdev "driver=file,filename=$q,node-name=q1f,cache.direct=off" \
        -blockdev "driver=qcow2,file=q1f,node-name=q1" \
        -blockdev "driver=file,filename=$r,node-name=r2f" \
        -blockdev "driver=raw,file=r2f,node-name=r2" \
        -blockdev "driver=null-co,node-name=n3,size=$null_size" \
        -drive "if=none,id=ro4,format=raw,file=$ro,readonly=on" \
        -device emkit-nvme,drive=q1,drive2=r2,drive3=n3,drive4=ro4,serial=emkdrv,stats=on \
        -object iothread,id=qio0 -blockdev "driver=file,filename=$ri,node-name=i5" \
        -device emkit-nvme,drive=i5,iothread=qio0,serial=emkdrviot,stats=on ||
        return 1
    out=$(grep '^emkit-nvme stats:' "$LOGS/emkit-drive.log")
    log "emkit-drive: $out"
    [ "$(echo "$out" | grep -Ec 'drive_reqs=[1-9]')" = 2 ] ||
        { log "emkit-drive: FAIL: a controller's requests did not reach QEMU's block layer"; return 1; }
    # the real peer: QEMU's own tools on what the guest wrote
    out=$(qemu-img check "$q" 2>&1) ||
        { log "emkit-drive: FAIL: qemu-img check: $out"; return 1; }
    log "emkit-drive: qemu-img check: $(echo "$out" | tr '\n' ' ')"
    out=$(qemu-io -f qcow2 -r -c 'read -P 0xa5 1M 64k' "$q" 2>&1) &&
        ! echo "$out" | grep -qi 'fail\|error' ||
        { log "emkit-drive: FAIL: qemu-io qcow2 pattern: $out"; return 1; }
    log "emkit-drive: qemu-io qcow2: $(echo "$out" | head -n1)"
    out=$(qemu-io -f raw -r -c 'read -P 0 1M 8k' -c 'read -P 0x5a 1032k 56k' "$r" 2>&1) &&
        ! echo "$out" | grep -qi 'fail\|error' ||
        { log "emkit-drive: FAIL: qemu-io raw pattern: $out"; return 1; }
    log "emkit-drive: qemu-io raw: $(echo "$out" | head -n1)"
    out=$(qemu-io -f raw -r -c 'read -P 0xe7 1M 64k' "$ri" 2>&1) &&
        ! echo "$out" | grep -qi 'fail\|error' ||
        { log "emkit-drive: FAIL: qemu-io pattern (IOThread drive): $out"; return 1; }
    # and the read-only drive stayed untouched (all zeros)
    out=$(qemu-io -f raw -r -c 'read -P 0 0 16M' "$ro" 2>&1) &&
        ! echo "$out" | grep -qi 'fail\|error' ||
        { log "emkit-drive: FAIL: read-only drive was written: $out"; return 1; }
    return 0
}

# nvme_case NAME TESTS APPEND DEVICE-ARGS...: run_guest, then the
# controller's own counters (stats=on) must show Doorbell Buffer Config in
# use by Linux (tails read from the shadow buffer) and doorbells delivered
# through the ioeventfds
nvme_case() {
    local name=$1 stats
    run_guest "$@" || return 1
    stats=$(grep '^emkit-nvme stats:' "$LOGS/$name.log")
    log "$name: $stats"
    if ! echo "$stats" | grep -Eq 'shadow_reads=[1-9]' ||
       ! echo "$stats" | grep -Eq 'notifier_kicks=[1-9]'; then
        log "$name: FAIL: no shadow-doorbell reads or no ioeventfd kicks"
        return 1
    fi
}

# emkit-unplug: when the guest prints "EMK-UNPLUG: now", device_del each
# controller over QMP; QEMU's answers go to the console log's side file
unplug_case() {
    local sock=$IMGDIR/qmp.sock out=$LOGS/emkit-unplug.log u=$IMGDIR/unplug.raw
    local watcher rc
    truncate -s 64M "$u" || return 1
    rm -f "$out" "$out.qmp"
    (
        for _ in $(seq 1 1200); do
            grep -q '^EMK-UNPLUG: now' "$out" 2>/dev/null && break
            sleep 0.5
        done
        python3 - "$sock" n0 n1 n2 >"$out.qmp" 2>&1 <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rw")
def cmd(c, **a):
    f.write(json.dumps({"execute": c, "arguments": a}) + "\n")
    f.flush()
    while True:
        r = json.loads(f.readline())
        if "return" in r or "error" in r:
            return r
json.loads(f.readline())                      # greeting
cmd("qmp_capabilities")
for dev in sys.argv[2:]:
    r = cmd("device_del", id=dev)
    print("device_del %s: %s" % (dev, "ok" if "return" in r else r["error"]["desc"]))
PY
    ) &
    watcher=$!
    run_guest emkit-unplug unplug "" \
        -qmp "unix:$sock,server=on,wait=off" -object iothread,id=uio0 \
        -blockdev "driver=file,filename=$u,node-name=uf" \
        -blockdev "driver=raw,file=uf,node-name=u0" \
        -device pcie-root-port,id=p1,port=1,chassis=1,slot=1 \
        -device pcie-root-port,id=p2,port=2,chassis=2,slot=2 \
        -device pcie-root-port,id=p3,port=3,chassis=3,slot=3 \
        -device emkit-nvme,id=n0,bus=p1,drive=u0,serial=unp0 \
        -device emkit-nvme,id=n1,bus=p2,backend=ram:64M,iothread=uio0,serial=unp1 \
        -device emkit-nvme,id=n2,bus=p3,backend=ram:64M,emkit-iothread=on,iothreads=1,serial=unp2
    rc=$?
    kill "$watcher" 2>/dev/null
    wait "$watcher" 2>/dev/null
    sed 's/^/  [emkit-unplug] qmp: /' "$out.qmp" >&2
    [ "$rc" = 0 ] || return 1
    [ "$(grep -c ': ok$' "$out.qmp")" = 3 ] ||
        { log "emkit-unplug: FAIL: device_del not accepted for all three"; return 1; }
    return 0
}

# emkit-snd: two emkit-virtio-snd (wav: output, sine: input) under the 6.12
# kernel (EMK_GUEST=sound); the host plugs the jack over QMP and types
# aplay -i's pause key on the guest's second serial port (ttyS1) while the
# guest waits, then checks the played WAV byte for byte, the recording's
# frequency with sox, and the pause/resume in the device's trace
snd_case() {
    local dir=$IMGDIR/snd out=$LOGS/emkit-snd.log files k i rc=0 f watcher
    local saved_k=$KERNEL saved_i=$INITRD
    command -v sox >/dev/null || { log "emkit-snd: SKIP (sox not installed)"; return 77; }
    mkdir -p "$dir"
    # 10 s of stereo S16 at 48 kHz: two tones with a little noise
    sox -q -n -r 48000 -c 2 -b 16 -e signed-integer "$dir/play.wav" \
        synth 10 sine 440 sine 661 gain -6 dither || return 1
    files=$(EMK_GUEST=sound EMK_GUEST_DATA="$dir/play.wav" \
            "$REPO/tests/qemu/make-initramfs.sh") ||
        { log "emkit-snd: SKIP (no sound guest: make-initramfs.sh failed)"; return 77; }
    read -r k i <<<"$files"
    # EMK_SND_AUDIODEV=1: the output device on QEMU's audio subsystem
    # (audiodev=, QEMU's wav audiodev at the stream's format) instead of
    # emkit's wav: backend
    local sndout=(-device "emkit-virtio-snd,id=snd0,backend=wav:$dir/out.wav,streams=o,jacks=1") sndlast=
    [ "${EMK_SND_AUDIODEV:-0}" = 1 ] && sndlast=192000
    [ "${EMK_SND_AUDIODEV:-0}" = 1 ] && sndout=(
        -audiodev "wav,id=a0,path=$dir/out.wav,out.frequency=48000,out.channels=2,out.format=s16"
        -device emkit-virtio-snd,id=snd0,audiodev=a0,streams=o,jacks=1)
    rm -f "$out" "$out.qmp"
    python3 "$REPO/tests/qemu/snd_host.py" drive "$out" "$dir/qmp.sock" \
        /machine/peripheral/snd0 "$dir/keys.sock" >"$out.qmp" 2>&1 &
    watcher=$!
    KERNEL=$k INITRD=$i
    EMKIT_TRACE=virtio_snd_pcm_state \
    run_guest emkit-snd virtio-snd "" \
        -qmp "unix:$dir/qmp.sock,server=on,wait=off" \
        -chardev "socket,id=keys,path=$dir/keys.sock,server=on,wait=off" \
        -device isa-serial,chardev=keys \
        "${sndout[@]}" \
        -device emkit-virtio-snd,id=snd1,backend=sine:1000,streams=i,jacks=1 || rc=1
    KERNEL=$saved_k INITRD=$saved_i
    wait "$watcher" || { log "emkit-snd: FAIL: jack changes over QMP"; rc=1; }
    sed 's/^/  [emkit-snd] qmp: /' "$out.qmp" >&2
    cp "$dir/out.wav" "$LOGS/emkit-snd.out.wav" 2>/dev/null
    # QEMU's wav audiodev rewrites its file for each voice: it then holds
    # the last playback (aplay -d 1 after the rebind: 192000 bytes)
    f=$(python3 "$REPO/tests/qemu/snd_host.py" wav "$dir/play.wav" "$dir/out.wav" \
        ${sndlast:+"$sndlast"} 2>&1) || rc=1
    log "emkit-snd: host WAV: $f"
    if f=$(python3 "$REPO/tests/qemu/snd_host.py" b64 "$out" rec.wav "$dir/rec.wav" 2>&1); then
        f=$(sox "$dir/rec.wav" -n stat 2>&1 | sed -n 's/^Rough   frequency: *//p')
        log "emkit-snd: recording of the 1000 Hz source: sox says ${f:-?} Hz"
        [ -n "$f" ] && [ "$f" -ge 990 ] && [ "$f" -le 1010 ] ||
            { log "emkit-snd: FAIL: wrong frequency"; rc=1; }
    else
        log "emkit-snd: FAIL: $f"; rc=1
    fi
    # pause (STOP) and resume (START) reached the device (its trace is on
    # QEMU's stderr, in the console log)
    f=$(grep -c 'virtio_snd_pcm_state stream 0 running -> stopped' "$out")
    log "emkit-snd: device trace: $f STOPs, $(grep -c 'virtio_snd_pcm_state stream 0 stopped -> running' "$out") resumes (STOP then START)"
    grep -q 'virtio_snd_pcm_state stream 0 stopped -> running' "$out" ||
        { log "emkit-snd: FAIL: no resume (STOP then START) in the device trace"; rc=1; }
    return $rc
}

CASES=${*:-qemu-nvme emkit-sblk emkit-nvme emkit-nvme-ethread emkit-drive emkit-unplug emkit-snd}
ran=0 failed=0
for c in $CASES; do
    case $c in
    qemu-nvme)
        truncate -s 256M "$IMGDIR/qemu-nvme.img"
        run_guest qemu-nvme nvme "" \
            -drive "if=none,id=d0,format=raw,file=$IMGDIR/qemu-nvme.img,cache=writeback" \
            -device nvme,drive=d0,serial=emkqemu0,ioeventfd=on ||
            failed=$((failed + 1))
        ran=$((ran + 1))
        rm -f "$IMGDIR/qemu-nvme.img"
        ;;
    emkit-sblk)
        if ! has_device emkit-sblk; then
            log "emkit-sblk: SKIP (this QEMU has no emkit-sblk device)"
            continue
        fi
        # the same boot carries emkit-virtio-rng (one guest, both checks)
        tests=sblk,fido extra=
        if has_device emkit-virtio-rng; then
            tests=sblk,virtio-rng,fido
            extra="-device emkit-virtio-rng,stats=on"
        else
            log "emkit-sblk: this QEMU has no emkit-virtio-rng device: its checks skipped"
        fi
        # shellcheck disable=SC2086
        if run_guest emkit-sblk "$tests" 'memmap=1M$0x30000000 iomem=relaxed' \
            -device emkit-sblk,backend=ram:16M,ioeventfd=on $extra; then
            if [ -n "$extra" ]; then
                stats=$(grep '^emkit-virtio-rng stats:' "$LOGS/emkit-sblk.log")
                log "emkit-sblk: $stats"
                # the guest's reads went through the queue and its kicks
                # through the ioeventfds; no register access was refused
                echo "$stats" | grep -Eq 'requests=[1-9]' &&
                    echo "$stats" | grep -Eq 'kicks=[1-9]' &&
                    echo "$stats" | grep -q 'bad_access=0 *$' ||
                    { log "emkit-sblk: FAIL: virtio-rng counters"; failed=$((failed + 1)); }
            fi
        else
            failed=$((failed + 1))
        fi
        ran=$((ran + 1))
        ;;
    emkit-nvme)
        if ! has_device emkit-nvme; then
            log "emkit-nvme: SKIP (this QEMU has no emkit-nvme device yet)"
            continue
        fi
        # emkit's RAM backend (drive= has its own case), behind emkit's
        # root port, I/O queues on 2 emkit iothreads; stats=on prints the
        # controller's counters when QEMU exits
        nvme_case emkit-nvme rootport,nvme "emk.nvme_dbbuf=1 emk.rp_speed=16GT/s emk.rp_width=16" \
            -device emkit-pcie-root-port,id=rp0,port=1,chassis=1,speed=16,width=16 \
            -device emkit-nvme,bus=rp0,backend=ram:256M,serial=emkit0,iothreads=2,stats=on ||
            failed=$((failed + 1))
        ran=$((ran + 1))
        ;;
    emkit-nvme-ethread)
        if ! has_device emkit-nvme; then
            log "$c: SKIP (this QEMU has no emkit-nvme device)"
            continue
        fi
        nvme_case "$c" nvme "emk.nvme_dbbuf=1" \
            -device emkit-nvme,backend=ram:256M,serial=emkit0,emkit-iothread=on,stats=on ||
            failed=$((failed + 1))
        ran=$((ran + 1))
        ;;
    emkit-unplug)
        if ! has_device emkit-nvme || ! has_device pcie-root-port; then
            log "$c: SKIP (this QEMU has no emkit-nvme or pcie-root-port)"
            continue
        fi
        unplug_case || failed=$((failed + 1))
        ran=$((ran + 1))
        ;;
    emkit-drive)
        if ! has_device emkit-nvme; then
            log "emkit-drive: SKIP (this QEMU has no emkit-nvme device)"
            continue
        fi
        drive_case
        case $? in
        0) ran=$((ran + 1)) ;;
        77) ;;
        *) ran=$((ran + 1)); failed=$((failed + 1)) ;;
        esac
        rm -f "$IMGDIR"/ns*.qcow2 "$IMGDIR"/ns*.raw
        ;;
    emkit-snd)
        if ! has_device emkit-virtio-snd; then
            log "emkit-snd: SKIP (this QEMU has no emkit-virtio-snd device)"
            continue
        fi
        snd_case
        case $? in
            0) ;;
            77) continue ;;
            *) failed=$((failed + 1)) ;;
        esac
        ran=$((ran + 1))
        ;;
    *) log "unknown case $c"; exit 2 ;;
    esac
done
[ "$ran" -gt 0 ] || { log "SKIP: no case could run"; exit 77; }
[ "$failed" -eq 0 ] || exit 1
log "all $ran case(s) passed"
