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
#   emkit-buslogic
#                emkit's BusLogic BT-958 (hw/buslogic on src/scsi) under
#                Linux 6.1's BusLogic.ko with three disks
#                (tests/qemu/guest/buslogic.sh): the driver's traced probe
#                reports a BT-958 5.07B with 211 mailboxes; sg_inq, sg_vpd,
#                sg_readcap -l, sg_dd (and --verify, which must also catch
#                a miscompare), sg_reset -d and -b with I/O afterwards,
#                mkfs.ext4 + copy + fsck + compare, fio crc32c verify at
#                QD1 and at QD32 on the three disks at once
#   emkit-fido-usb
#                emkit's FIDO key as a USB device (-device emkit-fido): one
#                on qemu-xhci with a state file, one on usb-ehci; Linux's
#                usbhid + hid-generic + hidraw and fido2-tools
#                (tests/qemu/guest/fido-usb.sh): list, CTAP 2.1 info, PIN,
#                credentials and assertions, a resident credential,
#                hmac-secret, and an unplug/replug of the xhci key over QMP
#                with the same state file
#   emkit-buslogic-boot
#                no -kernel: SeaBIOS runs emkit's BusLogic option ROM
#                (hw/buslogic/rom), boots syslinux, the kernel and an
#                initramfs from the BusLogic disk through its INT 13h, and
#                BusLogic.ko mounts the root on the same disk
#   emkit-fido-mux
#                two guests at once, each with one emkit-fido,mode=passthru
#                on `emkit fido mux`, in front of `emkit fido serve
#                --hid-socket` (touched 500 ms after each test of presence),
#                plus a host libfido2 program on the same mux
#                (tests/fido-mux/mux_client.c, when a meson build has it):
#                every client's makeCredential + getAssertion rounds
#                verify (tests/qemu/guest/fido-mux.sh; EMK_FIDO_MUX_ROUNDS
#                per client, 3 by default)
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

# verdict NAME OK SECONDS LOG: reports a case's outcome (the log's tail on
# a failure); returns 0 if OK is 1
verdict() {
    if [ "$2" = 1 ]; then
        log "$1: PASS in $3 s"
        return 0
    fi
    log "$1: FAIL in $3 s; console log: $4"
    tail -n 30 "$4" | sed "s/^/  | /" >&2
    return 1
}

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
    verdict "$name" "$ok" $((end - start)) "$out"
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

# emkit-buslogic: three disks on one adapter, SCSI ids 0-2: raw files as
# QEMU drives (drive=, drive2=) and an emkit RAM backend (backend3=); the
# guest loads Linux's BusLogic.ko itself (tests/qemu/guest/buslogic.sh)
buslogic_case() {
    local a=$IMGDIR/bl0.raw b=$IMGDIR/bl1.raw size=$((128 << 20)) out
    truncate -s $size "$a" && truncate -s $size "$b" || return 1
    run_guest emkit-buslogic buslogic "emk.bl_blocks=$((size / 512))" \
        -blockdev "driver=file,filename=$a,node-name=bl0" \
        -blockdev "driver=file,filename=$b,node-name=bl1" \
        -device emkit-buslogic,drive=bl0,drive2=bl1,backend3=ram:64M || return 1
    # the host's view: what fio and sg_dd wrote is on the raw file
    out=$(od -An -tx1 -N16 -j $((16 << 20)) "$a" | tr -d ' \n')
    [ "$out" != 00000000000000000000000000000000 ] ||
        { log "emkit-buslogic: FAIL: nothing written to drive= at 16M"; return 1; }
}

# emkit-fido-mux: two guests and a host program share one key through the mux
fido_mux_case() {
    local far=$IMGDIR/mkey.sock msock=$IMGDIR/mmux.sock n=${EMK_FIDO_MUX_ROUNDS:-3}
    local serve mux g pids="" client="" host="" hrc=0 rc=0 out
    local emkit=$REPO/build/static/emkit
    [ -x "$emkit" ] || { log "emkit-fido-mux: FAIL: no static emkit"; return 1; }
    for client in ${EMK_MUX_CLIENT:-} "$REPO"/build/{gcc,clang,.}/tests/fido-mux/test-fido-mux-client ""; do
        [ -x "$client" ] && break
    done
    rm -f "$far" "$msock"
    "$emkit" fido serve --hid-socket "$far" --presence after:500 >"$LOGS/emkit-fido-mux.serve" 2>&1 &
    serve=$!
    for _ in $(seq 1 50); do [ -S "$far" ] && break; sleep 0.1; done
    "$emkit" fido mux --listen "$msock" --key-socket "$far" >"$LOGS/emkit-fido-mux.mux" 2>&1 &
    mux=$!
    for _ in $(seq 1 50); do [ -S "$msock" ] && break; sleep 0.1; done
    log "emkit-fido-mux: booting two guests (fido-mux, $n rounds each)"
    for g in 1 2; do
        boot_guest "$LOGS/emkit-fido-mux$g.log" fido-mux "emk.fido_guest=$g emk.fido_rounds=$n" \
            -device qemu-xhci,id=xhci \
            -device "emkit-fido,bus=xhci.0,mode=passthru,mux=$msock,stats=on" &
        pids="$pids $!"
    done
    # the host program starts once both guests have found their key
    if [ -n "$client" ]; then
        for _ in $(seq 1 "$TIMEOUT"); do
            [ "$(grep -l "pass-through key" "$LOGS"/emkit-fido-mux[12].log 2>/dev/null | wc -l)" = 2 ] &&
                break
            sleep 1
        done
        "$client" "$msock" 7 "$n" >"$LOGS/emkit-fido-mux.host" 2>&1 & host=$!
    else
        log "emkit-fido-mux: no test-fido-mux-client built (meson): guests only"
    fi
    for g in $pids; do wait "$g" || rc=1; done
    [ -z "$host" ] || { wait "$host"; hrc=$?; }
    kill "$mux" "$serve" 2>/dev/null
    wait "$mux" "$serve" 2>/dev/null
    for g in 1 2; do
        out=$LOGS/emkit-fido-mux$g.log
        grep -E '^EMK-(CHECK|RESULT|INFO)|^emkit-fido stats' "$out" | sed "s/^/  [emkit-fido-mux$g] /" >&2
        grep -q '^EMK-RESULT: fido-mux PASS' "$out" || { log "emkit-fido-mux: guest $g FAIL; see $out"; rc=1; }
    done
    if [ -n "$host" ]; then
        sed 's/^/  [emkit-fido-mux] host: /' "$LOGS/emkit-fido-mux.host" >&2
        [ "$hrc" = 0 ] || { log "emkit-fido-mux: FAIL: the host client exited $hrc"; rc=1; }
    fi
    [ "$rc" = 0 ] && log "emkit-fido-mux: PASS"
    return "$rc"
}

# emkit-fido-usb: when the guest prints "EMK-UNPLUG-FIDO: now", device_del
# the xhci key, wait for DEVICE_DELETED, check the state file, device_add
# it again with the same state file
fido_usb_case() {
    local sock=$IMGDIR/fqmp.sock out=$LOGS/emkit-fido-usb.log st=$IMGDIR/fido-usb.state
    local watcher rc
    rm -f "$out" "$out.qmp" "$st"
    (
        for _ in $(seq 1 1200); do
            grep -q '^EMK-UNPLUG-FIDO: now' "$out" 2>/dev/null && break
            sleep 0.5
        done
        python3 - "$sock" "$st" >"$out.qmp" 2>&1 <<'PY'
import json, os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rw")
events = []
def cmd(c, **a):
    f.write(json.dumps({"execute": c, "arguments": a}) + "\n")
    f.flush()
    while True:
        r = json.loads(f.readline())
        if "event" in r:
            events.append(r)
        elif "return" in r or "error" in r:
            return r
def wait_event(name, dev):
    while True:
        for e in events:
            if e["event"] == name and e.get("data", {}).get("device") == dev:
                return
        events.append(json.loads(f.readline()))
json.loads(f.readline())                      # greeting
cmd("qmp_capabilities")
st = sys.argv[2]
print("state file before unplug: %d bytes" % os.path.getsize(st))
r = cmd("device_del", id="fido0")
print("device_del fido0: %s" % ("ok" if "return" in r else r["error"]["desc"]))
wait_event("DEVICE_DELETED", "fido0")
print("DEVICE_DELETED fido0")
print("state file after unplug: %d bytes" % os.path.getsize(st))
r = cmd("device_add", driver="emkit-fido", id="fido0", bus="xhci.0", state=st,
        presence="always", stats=True)
print("device_add fido0: %s" % ("ok" if "return" in r else r["error"]["desc"]))
PY
    ) &
    watcher=$!
    # two mode=passthru keys (xhci, ehci) on `emkit fido mux`, in front of
    # `emkit fido serve --hid-socket` (touched after 1.5 s), when the
    # static emkit was built
    local far=$IMGDIR/far.sock msock=$IMGDIR/mux.sock serve="" mux="" append="" pt=()
    if [ -x "$REPO/build/static/emkit" ]; then
        rm -f "$far" "$msock"
        "$REPO/build/static/emkit" fido serve --hid-socket "$far" --presence after:1500 \
            >"$out.serve" 2>&1 &
        serve=$!
        for _ in $(seq 1 50); do [ -S "$far" ] && break; sleep 0.1; done
        "$REPO/build/static/emkit" fido mux --socket "$msock" --key-socket "$far" \
            >"$out.mux" 2>&1 &
        mux=$!
        for _ in $(seq 1 50); do [ -S "$msock" ] && break; sleep 0.1; done
        append="emk.fido_passthru=1"
        pt=(-device "emkit-fido,id=fido2,bus=xhci.0,mode=passthru,mux=$msock,stats=on"
            -device "emkit-fido,id=fido3,bus=ehci.0,mode=passthru,mux=$msock,stats=on")
    else
        log "emkit-fido-usb: no static emkit: the mode=passthru checks are skipped"
    fi
    run_guest emkit-fido-usb fido-usb "$append" \
        -qmp "unix:$sock,server=on,wait=off" \
        -device qemu-xhci,id=xhci -device usb-ehci,id=ehci \
        -device emkit-fido,id=fido0,bus=xhci.0,state="$st",presence=always,stats=on \
        -device emkit-fido,id=fido1,bus=ehci.0,presence=delay:100,stats=on "${pt[@]}"
    rc=$?
    kill "$watcher" 2>/dev/null
    wait "$watcher" 2>/dev/null
    if [ -n "$serve" ]; then
        kill "$mux" "$serve" 2>/dev/null
        wait "$mux" "$serve" 2>/dev/null
        sed 's/^/  [emkit-fido-usb] mux: /' "$out.mux" >&2
        if ! grep '^emkit-fido stats: mode=passthru' "$out" | grep -Eq 'link_out=[1-9].* link_errors=0 '; then
            log "emkit-fido-usb: FAIL: no reports through the pass-through link"
            rc=1
        fi
    fi
    sed 's/^/  [emkit-fido-usb] qmp: /' "$out.qmp" >&2
    grep '^emkit-fido stats:' "$out" | sed 's/^/  [emkit-fido-usb] /' >&2
    [ "$rc" = 0 ] || return 1
    grep -q '^device_del fido0: ok$' "$out.qmp" && grep -q '^DEVICE_DELETED fido0$' "$out.qmp" &&
        grep -q '^device_add fido0: ok$' "$out.qmp" ||
        { log "emkit-fido-usb: FAIL: unplug/replug over QMP"; return 1; }
    # the keys lost no report and never failed to persist
    ! grep '^emkit-fido stats:' "$out" | grep -Ev 'in_dropped=0 .*key_error=0$' | grep -q . ||
        { log "emkit-fido-usb: FAIL: a key dropped reports or failed to persist"; return 1; }
    [ -s "$st" ] || { log "emkit-fido-usb: FAIL: no state file"; return 1; }
    return 0
}

# emkit-buslogic-boot: no -kernel: SeaBIOS runs emkit's BusLogic option
# ROM (emkit-buslogic.rom, found through -L as the adapter's default
# romfile), boots the disk through its INT 13h (syslinux's MBR and
# ldlinux, which load the kernel and a small initramfs from FAT), and
# Linux's BusLogic.ko then mounts the root on the same disk
# (tests/qemu/make-bootdisk.sh, tests/qemu/guest/buslogic-boot.sh).
# SeaBIOS's serial console (etc/sercon-port) puts the ROM's INT 10h
# banner on the console too.
buslogic_boot_case() {
    local out=$LOGS/emkit-buslogic-boot.log img=$IMGDIR/blboot.img files k i
    local romdir=$REPO/build/qemu token start qrc ok=1 want
    token=emk$RANDOM$RANDOM
    files=$(EMK_GUEST=boot "$REPO/tests/qemu/make-initramfs.sh") ||
        { log "emkit-buslogic-boot: SKIP (make-initramfs.sh EMK_GUEST=boot failed)"; return 77; }
    read -r k i <<<"$files"
    if [ ! -f "$romdir/emkit-buslogic.rom" ]; then
        romdir=$IMGDIR
        "$REPO/hw/buslogic/rom/build-rom.sh" "$romdir/emkit-buslogic.rom" "$IMGDIR/rom" ||
            { log "emkit-buslogic-boot: SKIP (no option ROM: gcc -m16 and GNU ld needed)"; return 77; }
    fi
    "$REPO/tests/qemu/make-bootdisk.sh" "$img" "$k" "$i" "$token" \
        "console=ttyS0 panic=-1 quiet loglevel=4 emk.test=buslogic-boot emk.boot=syslinux emk.root_token=$token" ||
        { [ $? = 77 ] && { log "emkit-buslogic-boot: SKIP (tools for the boot disk missing)"; return 77; }; return 1; }
    printf '\370\003' >"$IMGDIR/sercon"          # 0x3f8, little-endian
    log "emkit-buslogic-boot: booting from the BusLogic disk"
    start=$(date +%s)
    timeout --foreground -k 10 "$TIMEOUT" "$QEMU" \
        -L "$romdir" -L /usr/share/seabios -L /usr/share/qemu \
        -M q35 -accel tcg,thread=multi -cpu max -smp 2 -m 1G \
        -nodefaults -display none -serial stdio -no-reboot \
        -fw_cfg "name=etc/sercon-port,file=$IMGDIR/sercon" \
        -drive "if=none,id=bd,format=raw,file=$img" \
        -device emkit-buslogic,drive=bd </dev/null 2>&1 | tr -d '\033' >"$out"
    qrc=${PIPESTATUS[0]}
    grep -E '^EMK-(CHECK|RESULT|INFO)|BusLogic BT-958|target 0 LUN 0|SYSLINUX 6|emkit-bootdisk|Booting from' "$out" |
        sort -u | sed 's/^/  [emkit-buslogic-boot] /' >&2
    for want in "emkit BusLogic BT-958 BIOS at port" "target 0 LUN 0: EMKIT" \
                "(emkit): drive 0x80 on INT 13h" "Booting from Hard Disk" \
                "SYSLINUX 6" "emkit-bootdisk: syslinux on the BusLogic disk" \
                "EMK-RESULT: buslogic-boot PASS"; do
        grep -qF "$want" "$out" || { log "emkit-buslogic-boot: missing on the console: $want"; ok=0; }
    done
    [ "$qrc" = 0 ] || { log "emkit-buslogic-boot: QEMU exited with $qrc"; ok=0; }
    verdict emkit-buslogic-boot "$ok" $(( $(date +%s) - start )) "$out"
}

CASES=${*:-qemu-nvme emkit-sblk emkit-nvme emkit-nvme-ethread emkit-drive emkit-unplug emkit-snd emkit-buslogic emkit-fido-usb emkit-fido-mux emkit-buslogic-boot}
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
    emkit-buslogic)
        if ! has_device emkit-buslogic; then
            log "emkit-buslogic: SKIP (this QEMU has no emkit-buslogic device)"
            continue
        fi
        buslogic_case || failed=$((failed + 1))
        ran=$((ran + 1))
        rm -f "$IMGDIR"/bl*.raw
        ;;
    emkit-fido-usb)
        if ! has_device emkit-fido || ! has_device qemu-xhci || ! has_device usb-ehci; then
            log "$c: SKIP (this QEMU has no emkit-fido, qemu-xhci or usb-ehci)"
            continue
        fi
        fido_usb_case || failed=$((failed + 1))
        ran=$((ran + 1))
        ;;
    emkit-buslogic-boot)
        if ! has_device emkit-buslogic; then
            log "emkit-buslogic-boot: SKIP (this QEMU has no emkit-buslogic device)"
            continue
        fi
        buslogic_boot_case
        case $? in
        0) ;;
        77) continue ;;
        *) failed=$((failed + 1)) ;;
        esac
        ran=$((ran + 1))
        ;;
    emkit-fido-mux)
        if ! has_device emkit-fido || ! has_device qemu-xhci; then
            log "$c: SKIP (this QEMU has no emkit-fido or qemu-xhci)"
            continue
        fi
        fido_mux_case || failed=$((failed + 1))
        ran=$((ran + 1))
        ;;
    *) log "unknown case $c"; exit 2 ;;
    esac
done
[ "$ran" -gt 0 ] || { log "SKIP: no case could run"; exit 77; }
[ "$failed" -eq 0 ] || exit 1
log "all $ran case(s) passed"
