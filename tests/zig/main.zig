// main.zig - a Zig program that @cImports emkit's public headers and drives
// the test machine: a RAM disk behind the simple block device, data moved
// by DMA both ways, and the bus refusing a DMA outside guest RAM.
const std = @import("std");
const c = @cImport({
    @cInclude("emkit/testmachine.h");
    @cInclude("emkit/block.h");
    @cInclude("emkit/sblk.h");
    // every other public header must import too
    @cInclude("emkit/nvme.h");
    @cInclude("emkit/nvme_pci.h");
    @cInclude("emkit/sblk_pci.h");
    @cInclude("emkit/pci.h");
    @cInclude("emkit/trace.h");
    @cInclude("emkit/vcd.h");
    @cInclude("emkit/virtq.h");
    @cInclude("emkit/virtio.h");
    @cInclude("emkit/virtio_pci.h");
    @cInclude("emkit/virtio_rng.h");
    @cInclude("emkit/audio.h");
    @cInclude("emkit/virtio_snd.h");
    @cInclude("emkit/ring.h");
    @cInclude("emkit/img.h");
    @cInclude("emkit/cache.h");
    @cInclude("emkit/cache_sim.h");
    @cInclude("emkit/crypto.h");
    @cInclude("emkit/p256.h");
    @cInclude("emkit/guest/pci_enum.h");
    @cInclude("emkit/guest/nvme_drv.h");
    @cInclude("emkit/guest/sblk_drv.h");
    @cInclude("emkit/guest/virtio_drv.h");
});

fn reg(tm: ?*c.emk_tm, off: u64, size: c_uint, v: u64) void {
    _ = c.emk_tm_mmio_write(tm, 0x10000000 + off, size, v);
}

fn io(tm: ?*c.emk_tm, op: u64, lba: u64, count: u64, gpa: u64) !u64 {
    reg(tm, c.EMK_SBLK_REG_OP, 4, op);
    reg(tm, c.EMK_SBLK_REG_LBA, 8, lba);
    reg(tm, c.EMK_SBLK_REG_COUNT, 4, count);
    reg(tm, c.EMK_SBLK_REG_ADDR, 8, gpa);
    reg(tm, c.EMK_SBLK_REG_DOORBELL, 4, 1);
    _ = c.emk_tm_run_pending(tm, 100);
    var st: u64 = 0;
    _ = c.emk_tm_mmio_read(tm, 0x10000000 + c.EMK_SBLK_REG_STATUS, 4, &st);
    if (st & c.EMK_SBLK_STATUS_DONE == 0) return error.NotDone;
    var res: u64 = 0;
    _ = c.emk_tm_mmio_read(tm, 0x10000000 + c.EMK_SBLK_REG_RESULT, 4, &res);
    reg(tm, c.EMK_SBLK_REG_STATUS, 4, c.EMK_SBLK_STATUS_DONE);
    return res;
}

pub fn main() !void {
    var err: c_int = 0;
    const tm = c.emk_tm_new(null, &err) orelse return error.NoMachine;
    defer c.emk_tm_free(tm);
    const blk = c.emk_blk_open("ram:1M", 0, &err) orelse return error.NoDisk;
    defer c.emk_blk_close(blk);

    var dev: c.emk_sblk = undefined;
    if (c.emk_sblk_init(&dev, c.emk_tm_bus(tm), null, blk, null) != 0) return error.Init;
    defer c.emk_sblk_cleanup(&dev);
    const bus = c.emk_tm_bus(tm);
    if (bus.*.ops.*.map_region.?(bus, &dev.mmio, 0x10000000) != 0) return error.Map;

    const gpa = c.emk_tm_alloc(tm, 4096, 4096);
    const ram: [*]u8 = @ptrCast(c.emk_tm_ram(tm, gpa, 4096).?);
    for (0..4096) |i| ram[i] = @truncate(i *% 31);
    if (try io(tm, c.EMK_SBLK_OP_WRITE, 8, 8, gpa) != 0) return error.WriteFailed;
    @memset(ram[0..4096], 0);
    if (try io(tm, c.EMK_SBLK_OP_READ, 8, 8, gpa) != 0) return error.ReadFailed;
    for (0..4096) |i| if (ram[i] != @as(u8, @truncate(i *% 31))) return error.Mismatch;
    const disk: [*]u8 = @ptrCast(c.emk_blk_ram(blk).?);
    if (disk[8 * 512 + 1] != 31) return error.DiskMismatch;
    // A buffer past the end of guest RAM must be refused with EFAULT.
    const bad = try io(tm, c.EMK_SBLK_OP_READ, 0, 1, 1 << 40);
    if (bad != c.EFAULT) return error.BoundsNotChecked;
    std.debug.print("zig: 4096 bytes through the RAM disk by DMA and back, out-of-RAM DMA refused (errno {d})\n", .{bad});
}
