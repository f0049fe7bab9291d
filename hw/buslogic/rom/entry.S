/*
 * entry.S - the header and the real-mode entry points of emkit's BusLogic
 * option ROM (see bios.c): the 0x55AA header, the PCI data structure
 * (104B:1040, mass storage / SCSI), the PnP expansion header with its boot
 * connection vector, and the stubs that enter bios.c's C code with
 * CS = DS = ES = SS.
 *
 * The BIOS far-calls the initialisation entry (offset 3) with AX = the
 * function's bus/devfn.  It takes conventional memory for the image, its
 * data and its stack from the top of base memory (the BDA's size drops by
 * that much), copies the image there and calls bl_init in that copy.
 * (SeaBIOS's POST Memory Manager cannot serve: while an option ROM runs
 * it does not grow its low zone, and a 7 KiB permanent request fails.)  The BCV (boot connection vector,
 * far-called before boot) enters bl_bcv in the copy, which hooks INT 13h;
 * the INT 13h entry copies the caller's registers to the copy's own
 * memory, runs bl_int13 on the private stack and copies them back.
 * Patched after linking (romfix.py): the size byte, the PCI image
 * length, the PnP header checksum and the image checksum.
 */
    .code16
    .section .header, "ax"
    .globl _start
_start:
    .byte 0x55, 0xaa
rom_blocks:
    .byte 0                         /* patched: image size / 512 */
    jmp rom_init                    /* offset 3: initialisation entry */
    .org 0x18
    .word pcir                      /* PCI data structure */
    .word pnp                       /* PnP expansion header */

    .balign 16
pcir:
    .ascii "PCIR"
    .word 0x104b, 0x1040            /* vendor, device */
    .word 0                         /* device list */
    .word 0x18                      /* structure length */
    .byte 0                         /* structure revision */
    .byte 0x00, 0x00, 0x01          /* class: interface, SCSI, mass storage */
    .word 0                         /* patched: image length / 512 */
    .word 0x0100                    /* code revision */
    .byte 0                         /* code type: x86 */
    .byte 0x80                      /* last image */
    .word 0

    .balign 16
pnp:
    .ascii "$PnP"
    .byte 1                         /* revision */
    .byte 2                         /* length in 16-byte units */
    .word 0                         /* next header */
    .byte 0
    .byte 0                         /* patched: checksum */
    .long 0                         /* device id */
    .word str_maker
    .word str_product
    .byte 0x01, 0x00, 0x00          /* device type: mass storage, SCSI */
    .byte 0x14                      /* indicators: shadowable, cacheable */
    .word rom_bcv                   /* boot connection vector */
    .word 0                         /* disconnect vector */
    .word 0                         /* bootstrap entry vector */
    .word 0
    .word 0                         /* static resource information */

    .globl bl_str_product
str_maker:
    .asciz "emkit"
str_product:
bl_str_product:
    .asciz "BusLogic BT-958 SCSI BIOS (emkit)"

/* far pointer into the RAM copy, patched by rom_init while the ROM is
 * still writable (POST; ram_fix compensates in the checksum, which the
 * BIOS checks again after the initialisation); segment 0: no copy,
 * nothing to do */
    .balign 4
ram_entry_ptr:
    .word ram_entry
ram_seg:
    .word 0
ram_fix:
    .byte 0                         /* keeps the image's checksum at 0 */

/* ---- initialisation (ROM segment) ----------------------------------- */
rom_init:
    pushfl
    pushal
    push %ds
    push %es
    cld
    mov %ax, %bp                    /* bus/devfn */
    cli
    /* conventional memory for the copy: the top of base memory, taken
     * from the BDA's size (0x40:0x13, in KiB; INT 12h).  The EBDA stays
     * where it is, above; SeaBIOS marks everything from the new size up
     * as reserved in its E820 map and no longer moves its EBDA. */
    mov $0x40, %ax
    mov %ax, %es
    movzwl %es:0x13, %eax
    sub $__ram_kib, %ax
    jbe 9f
    cmp $64, %ax                    /* leave at least 64 KiB */
    jb 9f
    mov %ax, %es:0x13
    shl $10, %eax
    shr $4, %eax
    mov %ax, %es
    mov %ax, %cs:ram_seg
    mov %al, %dl
    add %ah, %dl
    neg %dl
    mov %dl, %cs:ram_fix
    /* copy the image */
    push %cs
    pop %ds
    xor %si, %si
    xor %di, %di
    mov $__image_end, %cx
    rep movsb
    /* bl_init(bus/devfn) in the copy */
    mov %bp, %ax
    xor %bx, %bx
    lcall *%cs:ram_entry_ptr
9:  pop %es
    pop %ds
    popal
    popfl
    lret

/* ---- boot connection vector (ROM segment) --------------------------- */
rom_bcv:
    cmpw $0, %cs:ram_seg
    je 1f
    pushal
    push %ds
    push %es
    mov $1, %bx
    lcall *%cs:ram_entry_ptr
    pop %es
    pop %ds
    popal
1:  lret

/* ---- the RAM copy: C entry (far-called; AX argument, BX which) ------- */
ram_entry:
    mov %ss, %cs:saved_ss
    mov %esp, %cs:saved_esp
    mov %cs, %cx
    mov %cx, %ss
    movl $__stack_top, %esp
    mov %cx, %ds
    mov %cx, %es
    movzwl %ax, %eax
    pushl %eax
    test %bx, %bx
    jnz 1f
    calll bl_init
    jmp 2f
1:  calll bl_bcv
2:  mov %cs:saved_ss, %ss
    mov %cs:saved_esp, %esp
    lret

/* ---- INT 13h (RAM copy) --------------------------------------------- */
    .globl bl_int13_entry
bl_int13_entry:
    cmp %cs:bl_drive, %dl
    je 1f
    ljmp *%cs:bl_old_int13          /* not our drive */
1:  pushal
    push %ds
    push %es
    mov %ss, %cs:saved_ss
    mov %esp, %cs:saved_esp
    /* the caller's frame (es, ds, pushal, ip, cs, flags) to bl_regs */
    cld
    push %cs
    pop %es
    mov %ss, %ax
    mov %ax, %ds
    mov %sp, %si
    mov $bl_regs, %di
    mov $21, %cx
    rep movsw
    mov %cs, %ax
    mov %ax, %ss
    mov %ax, %ds
    movl $__stack_top, %esp
    pushl $bl_regs
    calll bl_int13
    /* and back */
    cld
    mov %cs:saved_ss, %es
    mov %cs:saved_esp, %di
    mov $bl_regs, %si
    mov $21, %cx
    rep movsw
    mov %cs:saved_ss, %ss
    mov %cs:saved_esp, %esp
    pop %es
    pop %ds
    popal
    iret

    /* in the image, not .bss: bl_init clears .bss while these hold the
     * caller's stack */
    .section .data
    .balign 4
saved_esp:
    .long 0
saved_ss:
    .word 0

    .section .note.GNU-stack, "", @progbits
