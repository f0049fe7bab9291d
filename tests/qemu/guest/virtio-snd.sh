#!/bin/sh
# Guest half of the emkit-snd case (tests/qemu/guest-test.sh): two
# emkit-virtio-snd devices, one playing into a host WAV file (wav:
# backend, one output stream, one jack), one capturing the host's sine
# source (one input stream).  Checks ALSA's view of them (aplay -l,
# arecord -l, /proc/asound, the jack and channel-map controls), plays
# /data/play.wav (the host compares its WAV byte for byte), records 1 s
# of the sine (sent to the host as base64 for sox), follows a jack
# unplug and replug made by the host over QMP, pauses and resumes
# (aplay -i), stops and starts again, and unbinds and rebinds the
# driver.
. /tests/lib.sh

card_of() { # card_of aplay|arecord: the first card listed
    "$1" -l 2>/dev/null | sed -n 's/^card \([0-9]*\):.*/\1/p' | head -n1
}
uptime_ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }
jack_state() { amixer -c "$1" cget iface=CARD,name='Headphone Jack' | sed -n 's/.*: values=//p'; }
wait_jack() { # wait_jack CARD on|off SECONDS
    i=0
    while [ "$(jack_state "$1")" != "$2" ] && [ $i -lt "$3" ]; do sleep 1; i=$((i + 1)); done
    [ "$(jack_state "$1")" = "$2" ]
}

i=0
while [ -z "$(card_of aplay)" ] && [ $i -lt 20 ]; do sleep 1; i=$((i + 1)); done
PC=$(card_of aplay)
CC=$(card_of arecord)
echo "EMK-INFO: playback card $PC, capture card $CC"
aplay -l | sed 's/^/EMK-INFO:   /'
arecord -l | sed 's/^/EMK-INFO:   /'
check aplay-lists test -n "$PC"
check arecord-lists test -n "$CC"
check cards-differ test "$PC" != "$CC"
check proc-asound sh -c "grep -q VirtIO /proc/asound/cards &&
    grep -q 'stream: PLAYBACK' /proc/asound/card$PC/pcm0p/info &&
    grep -q 'stream: CAPTURE' /proc/asound/card$CC/pcm0c/info"
amixer -c "$PC" contents | sed 's/^/EMK-INFO:   /'
check jack-control sh -c "[ \"\$(amixer -c $PC cget iface=CARD,name='Headphone Jack' | sed -n 's/.*: values=//p')\" = on ]"
check chmap-playback sh -c "amixer -c $PC contents | grep -A5 'Playback Channel Map' | grep -q 'FL,FR'"
check chmap-capture sh -c "amixer -c $CC contents | grep -A5 'Capture Channel Map' | grep -q 'FL,FR'"

# 10 s of stereo S16 at 48 kHz, exactly as the file holds it
t0=$(uptime_ms)
check play-wav aplay -q -D "hw:$PC,0" /data/play.wav
t1=$(uptime_ms)
echo "EMK-INFO: aplay of 10 s took $((t1 - t0)) ms"
check play-paced test $((t1 - t0)) -ge 9900

# 1 s of the sine source, mono S16 48 kHz, to the host for sox
check record arecord -q -D "hw:$CC,0" -f S16_LE -r 48000 -c 1 -d 1 /tmp/rec.wav
echo "EMK-B64-BEGIN rec.wav"
base64 /tmp/rec.wav
echo "EMK-B64-END"

# jacks: the host unplugs and replugs the headphone jack over QMP
echo "EMK-SND: jack-unplug"
check jack-unplugged wait_jack "$PC" off 60
echo "EMK-SND: jack-replug"
check jack-replugged wait_jack "$PC" on 60

# pause and resume: aplay -i on the second serial port (a tty), where the
# host types a space 1.5 s in (pause) and another 2 s later (resume); 3 s
# of audio with the 2 s pause take at least 4.8 s
stty -F /dev/ttyS1 raw -echo 2>/dev/null
echo "EMK-SND: pause-keys"
t0=$(uptime_ms)
check pause-resume sh -c "aplay -i -q -d 3 -D hw:$PC,0 /data/play.wav </dev/ttyS1"
t1=$(uptime_ms)
echo "EMK-INFO: paused playback of 3 s took $((t1 - t0)) ms"
check pause-took-longer test $((t1 - t0)) -ge 4800

# stop and start: two short runs in a row, and a capture between
check stop-start-1 aplay -q -d 1 -D "hw:$PC,0" /data/play.wav
check stop-start-rec arecord -q -D "hw:$CC,0" -f S32_LE -r 44100 -c 2 -d 1 /tmp/rec2.wav
check stop-start-2 aplay -q -d 1 -D "hw:$PC,0" /data/play.wav

# unbind and rebind the driver of the playback device
dev=$(basename "$(readlink -f /sys/class/sound/card$PC/device)")
echo "EMK-INFO: playback device $dev"
check unbind sh -c "echo $dev >/sys/bus/virtio/drivers/virtio_snd/unbind && ! aplay -l 2>/dev/null | grep -q \"^card $PC:\""
check rebind sh -c "echo $dev >/sys/bus/virtio/drivers/virtio_snd/bind"
i=0
while [ -z "$(card_of aplay)" ] && [ $i -lt 20 ]; do sleep 1; i=$((i + 1)); done
PC=$(card_of aplay)
check rebind-lists test -n "$PC"
check rebind-play aplay -q -d 1 -D "hw:$PC,0" /data/play.wav
# another rate on the same output: the host's wav file holds 48 kHz, so
# the device converts 44.1 kHz to it (hw: means no resampling in ALSA)
check play-44k1 sh -c "dd if=/dev/zero bs=17640 count=10 2>/dev/null |
    aplay -q -D hw:$PC,0 -t raw -f S16_LE -r 44100 -c 2"
dmesg | grep -i 'virtio_snd\|virtio-snd\|snd' | tail -n 20 | sed 's/^/EMK-INFO: dmesg: /'
[ "$FAILS" = 0 ]
