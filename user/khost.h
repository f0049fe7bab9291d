/*
 * khost.h - host-side kernel structures emkit-user passes to the host
 * kernel where the C library has no (or a different) type: the kernel's
 * termios, statx, the filesystem, loop, device-mapper and tun ioctl
 * arguments.  Layouts as in the Linux UAPI headers (musl ships none).
 */
#ifndef EMKIT_USER_KHOST_H
#define EMKIT_USER_KHOST_H

#include <stdint.h>

typedef struct emk_k_termios {
    uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
    uint8_t c_line;
    uint8_t c_cc[19];
} emk_k_termios;

typedef struct emk_k_winsize {
    uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
} emk_k_winsize;

typedef struct emk_k_statx_ts {
    int64_t tv_sec;
    uint32_t tv_nsec;
    int32_t reserved;
} emk_k_statx_ts;

typedef struct emk_k_statx {
    uint32_t stx_mask, stx_blksize;
    uint64_t stx_attributes;
    uint32_t stx_nlink, stx_uid, stx_gid;
    uint16_t stx_mode, spare0;
    uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
    emk_k_statx_ts stx_atime, stx_btime, stx_ctime, stx_mtime;
    uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
    uint64_t stx_mnt_id;
    uint32_t stx_dio_mem_align, stx_dio_offset_align;
    uint64_t spare3[12];
} emk_k_statx;

typedef struct emk_k_fsxattr {
    uint32_t fsx_xflags, fsx_extsize, fsx_nextents, fsx_projid, fsx_cowextsize;
    uint8_t fsx_pad[8];
} emk_k_fsxattr;

typedef struct emk_k_fiemap_extent {
    uint64_t fe_logical, fe_physical, fe_length, fe_reserved64[2];
    uint32_t fe_flags, fe_reserved[3];
} emk_k_fiemap_extent;

typedef struct emk_k_fiemap {
    uint64_t fm_start, fm_length;
    uint32_t fm_flags, fm_mapped_extents, fm_extent_count, fm_reserved;
} emk_k_fiemap;

typedef struct emk_k_loop_info64 {
    uint64_t lo_device, lo_inode, lo_rdevice, lo_offset, lo_sizelimit;
    uint32_t lo_number, lo_encrypt_type, lo_encrypt_key_size, lo_flags;
    uint8_t lo_file_name[64], lo_crypt_name[64], lo_encrypt_key[32];
    uint64_t lo_init[2];
} emk_k_loop_info64;

typedef struct emk_k_dm_ioctl {
    uint32_t version[3];
    uint32_t data_size, data_start, target_count;
    int32_t open_count;
    uint32_t flags, event_nr, padding;
    uint64_t dev;
    char name[128], uuid[129];
    char data[7];
} emk_k_dm_ioctl;

typedef struct emk_k_ifreq {
    char ifr_name[16];
    union {
        struct { uint16_t family; uint8_t data[14]; } addr;
        int16_t flags;
        int32_t ivalue;
        uint8_t pad[24];
    } u;
} emk_k_ifreq;

typedef struct emk_k_ifconf {
    int32_t ifc_len;
    int32_t pad;
    uint64_t ifc_buf;   /* host pointer */
} emk_k_ifconf;

typedef struct emk_k_epoll_event {   /* x86-64 packs it: 12 bytes */
    uint8_t b[12];
} emk_k_epoll_event;

#endif
