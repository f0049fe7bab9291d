# tests/qemu/boot-lib.sh - sourced by guest-test.sh and bench.sh: boots
# Debian's kernel with the test initramfs under QEMU/TCG.
#   boot_guest LOG TESTS APPEND [QEMU ARGS...]   -> QEMU's exit status
# Needs QEMU, KERNEL, INITRD and TIMEOUT set by the caller.
# -L: a QEMU run from its build directory ignores --firmwarepath, so the
# firmware comes from Debian's seabios and qemu-system-data packages.
boot_guest() {
    local out=$1 tests=$2 append=$3
    shift 3
    timeout --foreground -k 10 "$TIMEOUT" "$QEMU" \
        -L /usr/share/seabios -L /usr/share/qemu \
        -M q35 -accel tcg,thread=multi -cpu max -smp 2 -m 1G \
        -nodefaults -display none -serial stdio -no-reboot \
        -kernel "$KERNEL" -initrd "$INITRD" \
        -append "console=ttyS0 panic=-1 quiet loglevel=4 emk.test=$tests $append" \
        "$@" </dev/null >"$out" 2>&1
}

# guest_files: sets KERNEL and INITRD (builds the initramfs if needed);
# returns 1 if that is impossible here
guest_files() {
    local files
    files=$("$REPO/tests/qemu/make-initramfs.sh") || return 1
    read -r KERNEL INITRD <<<"$files"
    [ -f "$KERNEL" ] && [ -f "$INITRD" ]
}
