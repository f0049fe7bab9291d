#!/bin/sh
# Guest half of tests/qemu/snd-bench.sh (a benchmark, not a test): marks
# on the console an idle interval, then plays /data/bench.wav on the
# emkit-virtio-snd card and on the intel-hda card in turn; the host
# samples QEMU's CPU time at each mark.
. /tests/lib.sh
card() { # card PATTERN: the first playback card whose aplay -l line matches
    aplay -l 2>/dev/null | grep "$1" | sed -n 's/^card \([0-9]*\):.*/\1/p' | head -n1
}
i=0
while { [ -z "$(card VirtIO)" ] || [ -z "$(card HDA)" ]; } && [ $i -lt 30 ]; do sleep 1; i=$((i + 1)); done
[ -n "$(card HDA)" ] || dmesg | grep -i hda | sed 's/^/EMK-INFO: dmesg: /'
aplay -l | sed 's/^/EMK-INFO:   /'
V=$(card VirtIO)
H=$(card HDA)
check cards test -n "$V" -a -n "$H"
sleep 2
echo "EMK-BENCH: idle start"
sleep 10
echo "EMK-BENCH: idle end"
echo "EMK-BENCH: virtio start"
check play-virtio aplay -q -D "hw:$V,0" /data/bench.wav
echo "EMK-BENCH: virtio end"
sleep 1
echo "EMK-BENCH: hda start"
check play-hda aplay -q -D "hw:$H,0" /data/bench.wav
echo "EMK-BENCH: hda end"
[ "$FAILS" = 0 ]
