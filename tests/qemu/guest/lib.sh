# Helpers sourced by the guest tests (not a test itself: no exec bit use).
FAILS=0
check() { # check NAME CMD...: runs CMD, prints EMK-CHECK NAME PASS|FAIL
    name=$1; shift
    if "$@" >/tmp/check.out 2>&1; then
        echo "EMK-CHECK: $name PASS"
    else
        echo "EMK-CHECK: $name FAIL (exit $?)"; sed 's/^/    /' /tmp/check.out | tail -n 20
        FAILS=$((FAILS + 1))
    fi
}
wait_for() { # wait_for PATH [seconds]
    i=0
    while [ ! -e "$1" ] && [ $i -lt "${2:-20}" ]; do sleep 1; i=$((i + 1)); done
    [ -e "$1" ]
}
# fio_verify NAME DEV QD JOBS: random writes then a crc32c verify pass
fio_verify() {
    check "$1" fio --name="$1" --filename="$2" --direct=1 --ioengine=libaio \
        --rw=randwrite --bs=4k --iodepth="$3" --numjobs="$4" --size=8M \
        --offset_increment=8M --verify=crc32c --do_verify=1 --verify_fatal=1 \
        --randrepeat=0 --group_reporting
}
