/* sensors.c - the micro:bit v1's I2C sensors on TWI0 (reference
 * schematic: U4 MMA8653FC at 7-bit address 0x1D, INT1 to P0.28; U3
 * MAG3110 at 0x0E, INT1 to P0.29).
 *
 * MMA8653FC (NXP data sheet rev 1.1): WHO_AM_I 0x0D = 0x5A; 10-bit
 * samples left-justified in OUT_X/Y/Z_MSB/LSB (0x01-0x06), range from
 * XYZ_DATA_CFG.FS (2/4/8 g); STATUS.ZYXDR rises at the output data rate of
 * CTRL_REG1.DR while ACTIVE and falls when the samples are read; the
 * data-ready interrupt (CTRL_REG4.INT_EN_DRDY, routed by CTRL_REG5 to
 * INT1) drives INT1 with the polarity of CTRL_REG3.IPOL (active low by
 * default).  CTRL_REG1.F_READ makes the pointer skip the LSB registers.
 *
 * MAG3110 (NXP data sheet rev 9.0): WHO_AM_I 0x07 = 0xC4; 16-bit big-
 * endian OUT_X/Y/Z (0x01-0x06); DR_STATUS.ZYXDR and the active-high INT1
 * follow the data rate while CTRL_REG1.AC is set; CTRL_REG1.FR skips the
 * LSBs.  The rate is taken as 80 Hz >> DR (the over-sampling bits are
 * ignored). */
#include "mb_int.h"

enum {
    ACC_ADDR = 0x1D, MAG_ADDR = 0x0E,
    A_STATUS = 0x00, A_OUT = 0x01, A_SYSMOD = 0x0B, A_WHO = 0x0D, A_XYZCFG = 0x0E,
    A_CTRL1 = 0x2A, A_CTRL3 = 0x2C, A_CTRL4 = 0x2D, A_CTRL5 = 0x2E,
    M_STATUS = 0x00, M_OUT = 0x01, M_WHO = 0x07, M_SYSMOD = 0x08, M_CTRL1 = 0x10,
    M_CTRL2 = 0x11,
    PIN_ACC_INT = 28, PIN_MAG_INT = 29
};

static void pins(mb_t *mb)
{
    const uint8_t *a = mb->accel.reg;
    int a_on = (a[A_CTRL4] & 1) && (a[A_CTRL5] & 1) && mb->accel_drdy;
    int a_level = (a[A_CTRL3] & 2) ? a_on : !a_on;
    int m_level = mb->magnet_drdy && (mb->magnet.reg[M_CTRL1] & 1);
    uint32_t bits = 1u << PIN_ACC_INT | 1u << PIN_MAG_INT;

    mb->gpio.ext_driven |= bits;
    mb->gpio.ext = (mb->gpio.ext & ~bits) | (a_level ? 1u << PIN_ACC_INT : 0) |
                   (m_level ? 1u << PIN_MAG_INT : 0);
    mb_gpio_update(mb);
}

static uint64_t accel_period(const mb_t *mb)
{
    /* 800, 400, 200, 100, 50, 12.5, 6.25, 1.5625 Hz */
    static const uint32_t mhz[8] = { 800000, 400000, 200000, 100000, 50000,
                                     12500, 6250, 1563 };

    return (uint64_t)EMK_MICROBIT_HZ * 1000 / mhz[(mb->accel.reg[A_CTRL1] >> 3) & 7];
}

static uint64_t magnet_period(const mb_t *mb)
{
    return (uint64_t)EMK_MICROBIT_HZ / 80 << ((mb->magnet.reg[M_CTRL1] >> 5) & 7);
}

static void accel_tick(mb_t *mb, void *opaque)
{
    (void)opaque;
    if (!(mb->accel.reg[A_CTRL1] & 1))
        return;
    mb->accel_drdy = 1;
    mb->accel.reg[A_STATUS] = 0x0F;
    pins(mb);
    mb_schedule(mb, MB_T_ACCEL, mb_now(mb) + accel_period(mb));
}

static void magnet_tick(mb_t *mb, void *opaque)
{
    (void)opaque;
    if (!(mb->magnet.reg[M_CTRL1] & 1))
        return;
    mb->magnet_drdy = 1;
    mb->magnet.reg[M_STATUS] = 0x0F;
    pins(mb);
    mb_schedule(mb, MB_T_MAGNET, mb_now(mb) + magnet_period(mb));
}

/* 10-bit two's complement counts of the chip's axis at the range.  The
 * board value is in MicroPython's units (1024 per g) and axes; on the v1
 * board the chip's X and Y point the other way (measured against
 * MicroPython v1.9.2, which negates them back), Z agrees. */
static int accel_counts(const mb_t *mb, int axis)
{
    int g = 2 << (mb->accel.reg[A_XYZCFG] & 3);   /* 2, 4, 8 */
    long v = axis < 2 ? -(long)mb->accel_mg[axis] : mb->accel_mg[axis];
    long c = v * 512 / (g * 1024);

    if (c > 511)
        c = 511;
    if (c < -512)
        c = -512;
    return (int)c;
}

static uint8_t accel_reg(mb_t *mb, uint8_t r)
{
    if (r >= A_OUT && r <= A_OUT + 5) {
        int c = accel_counts(mb, (r - A_OUT) / 2);
        uint16_t w = (uint16_t)((unsigned)c << 6);

        if (r == ((mb->accel.reg[A_CTRL1] & 2) ? A_OUT + 4 : A_OUT + 5)) {
            mb->accel_drdy = 0;
            mb->accel.reg[A_STATUS] = 0;
            pins(mb);
        }
        return (r - A_OUT) % 2 ? (uint8_t)w : (uint8_t)(w >> 8);
    }
    if (r == A_SYSMOD)
        return mb->accel.reg[A_CTRL1] & 1;
    return mb->accel.reg[r];
}

static uint8_t magnet_reg(mb_t *mb, uint8_t r)
{
    if (r >= M_OUT && r <= M_OUT + 5) {
        uint16_t w = (uint16_t)mb->mag_val[(r - M_OUT) / 2];

        if (r == ((mb->magnet.reg[M_CTRL1] & 4) ? M_OUT + 4 : M_OUT + 5)) {
            mb->magnet_drdy = 0;
            mb->magnet.reg[M_STATUS] = 0;
            pins(mb);
        }
        return (r - M_OUT) % 2 ? (uint8_t)w : (uint8_t)(w >> 8);
    }
    if (r == M_SYSMOD)
        return mb->magnet.reg[M_CTRL1] & 1;
    return mb->magnet.reg[r];
}

uint8_t mb_sensor_read(mb_t *mb, mb_i2c_slave *s)
{
    uint8_t r = s->ptr, v;

    if (s == &mb->accel) {
        v = accel_reg(mb, r);
        if ((s->reg[A_CTRL1] & 2) && r >= A_OUT && r < A_OUT + 5)
            s->ptr = (uint8_t)(r == A_OUT + 4 ? A_STATUS : r + 2);
        else
            s->ptr = (uint8_t)(r == A_OUT + 5 ? A_STATUS : r + 1);
    } else {
        v = magnet_reg(mb, r);
        if ((s->reg[M_CTRL1] & 4) && r >= M_OUT && r < M_OUT + 5)
            s->ptr = (uint8_t)(r + 2);
        else
            s->ptr = (uint8_t)(r + 1);
    }
    return v;
}

void mb_sensor_write(mb_t *mb, mb_i2c_slave *s, uint8_t v)
{
    uint8_t r;

    if (!s->got_ptr) {
        s->ptr = v;
        s->got_ptr = 1;
        return;
    }
    r = s->ptr++;
    if (s == &mb->accel) {
        if (r == A_WHO || r == A_STATUS || (r >= A_OUT && r <= A_OUT + 5))
            return;   /* read-only */
        s->reg[r] = v;
        if (r == A_CTRL1)
            mb_schedule(mb, MB_T_ACCEL, (v & 1) ? mb_now(mb) + accel_period(mb)
                                                : MB_NEVER);
    } else {
        if (r == M_WHO || r == M_STATUS || (r >= M_OUT && r <= M_OUT + 5))
            return;
        if (r == M_CTRL2 && (v & 0x10))
            v &= (uint8_t)~0x10;           /* Mag_RST self-clears */
        s->reg[r] = v;
        if (r == M_CTRL1)
            mb_schedule(mb, MB_T_MAGNET, (v & 1) ? mb_now(mb) + magnet_period(mb)
                                                 : MB_NEVER);
    }
    pins(mb);
}

void mb_sensors_init(mb_t *mb)
{
    mb->accel.addr = ACC_ADDR;
    mb->magnet.addr = MAG_ADDR;
    mb_slot_init(mb, MB_T_ACCEL, accel_tick, NULL);
    mb_slot_init(mb, MB_T_MAGNET, magnet_tick, NULL);
}

void mb_sensors_reset(mb_t *mb)
{
    memset(mb->accel.reg, 0, sizeof(mb->accel.reg));
    memset(mb->magnet.reg, 0, sizeof(mb->magnet.reg));
    mb->accel.reg[A_WHO] = 0x5A;
    mb->magnet.reg[M_WHO] = 0xC4;
    mb->accel.ptr = mb->magnet.ptr = 0;
    mb->accel_drdy = mb->magnet_drdy = 0;
    pins(mb);
}

void emk_microbit_accel(emk_microbit *mb, int x, int y, int z)
{
    mb->accel_mg[0] = x;
    mb->accel_mg[1] = y;
    mb->accel_mg[2] = z;
}

void emk_microbit_magnet(emk_microbit *mb, int x, int y, int z)
{
    mb->mag_val[0] = x;
    mb->mag_val[1] = y;
    mb->mag_val[2] = z;
}
