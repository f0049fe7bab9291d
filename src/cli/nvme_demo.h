/*
 * nvme_demo.h - the NVMe controller shown doing I/O (for the `emkit` main
 * job) and the `emkit bench nvme` command.  Test code.
 */
#ifndef EMK_NVME_DEMO_H
#define EMK_NVME_DEMO_H

#include <stdio.h>

#include "demos.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Builds a test machine with a PCIe segment and an NVMe controller on
 *  o->disk (NULL: a 4 MiB RAM disk), enumerates it, enables MSI-X, brings
 *  it up with the guest driver (shadow doorbells on; with o->iothread the
 *  I/O queues run in an iothread with notifier doorbells), writes and
 *  reads back a pattern on two queues and prints a short report to out.
 *  0 on success, else -errno (a data mismatch is -EIO). */
int emk_nvme_demo(FILE *out, const emk_demo_opts *o);

/** `emkit bench nvme [--quick] [--ops N] [--disk-size SIZE] [--callgrind]
 *  [--json FILE]`: 4 KiB random read/write at QD1 and QD32 on a RAM disk,
 *  with 0, 1 and 2 iothreads, each optimisation on and off; prints IOPS,
 *  and with --callgrind the instructions per I/O measured under valgrind
 *  next to a bare 4 KiB memcpy; --json writes them (bench_json.h).
 *  argv[0] is "nvme".  Returns a process exit code (opts.h); the usage
 *  text is emk_help_bench_nvme (commands.h). */
int emk_cmd_bench_nvme(int argc, char **argv);

#ifdef __cplusplus
}
#endif

#endif
