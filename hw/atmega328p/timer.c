/* timer.c - TIMER0, TIMER1 and TIMER2: normal, CTC, fast PWM, phase
 * correct and (TIMER1) phase and frequency correct PWM, compare outputs
 * OCnA/OCnB on their pins, overflow/compare/capture flags and interrupts,
 * TIMER1's 16-bit TEMP register and input capture on ICP1 (PB0).
 *
 * Timing.  Timer tick k happens at CPU cycle k * prescaler.  A tick looks
 * at the count V it starts from: V == OCRx is a compare match (flag,
 * output action), V == TOP (or MAX) wraps to BOTTOM (or turns, in the dual
 * slope modes), where TOV and the buffered OCRx updates happen as the
 * datasheet's mode tables say.  The counter is not ticked one by one: the
 * timer computes how many ticks remain until the next tick that does
 * something, arms one core cycle timer for it, and brings TCNT up to date
 * arithmetically whenever the CPU reads or writes a register. */
#include "emkit/atmega328p.h"

enum { TOV = 0x01, OCFA = 0x02, OCFB = 0x04, ICF = 0x20 };
enum { M_NORMAL, M_CTC, M_FAST, M_PC, M_PFC };
enum { TOP_FIXED, TOP_OCRA, TOP_ICR };

typedef struct tcfg {
    const char *name;
    uint16_t base, size, tifr, timsk;
    uint8_t vec_ovf, vec_a, vec_b, vec_capt;
    uint8_t a_port, a_bit, b_port, b_bit;
} tcfg;

static const tcfg cfgs[3] = {
    { "timer0", 0x44, 5, 0x35, 0x6E, 16, 14, 15, 0, EMK_M328P_PORTD, 6, EMK_M328P_PORTD, 5 },
    { "timer1", 0x80, 12, 0x36, 0x6F, 13, 11, 12, 10, EMK_M328P_PORTB, 1, EMK_M328P_PORTB, 2 },
    { "timer2", 0xB0, 7, 0x37, 0x70, 9, 7, 8, 0, EMK_M328P_PORTB, 3, EMK_M328P_PORTD, 3 },
};

typedef struct tmode {
    uint8_t kind, topsrc;
    uint16_t top;
} tmode;

static const tmode modes8[8] = {
    { M_NORMAL, TOP_FIXED, 0xFF }, { M_PC, TOP_FIXED, 0xFF }, { M_CTC, TOP_OCRA, 0 },
    { M_FAST, TOP_FIXED, 0xFF }, { M_NORMAL, TOP_FIXED, 0xFF }, { M_PC, TOP_OCRA, 0 },
    { M_NORMAL, TOP_FIXED, 0xFF }, { M_FAST, TOP_OCRA, 0 },
};

static const tmode modes16[16] = {
    { M_NORMAL, TOP_FIXED, 0xFFFF }, { M_PC, TOP_FIXED, 0xFF }, { M_PC, TOP_FIXED, 0x1FF },
    { M_PC, TOP_FIXED, 0x3FF }, { M_CTC, TOP_OCRA, 0 }, { M_FAST, TOP_FIXED, 0xFF },
    { M_FAST, TOP_FIXED, 0x1FF }, { M_FAST, TOP_FIXED, 0x3FF }, { M_PFC, TOP_ICR, 0 },
    { M_PFC, TOP_OCRA, 0 }, { M_PC, TOP_ICR, 0 }, { M_PC, TOP_OCRA, 0 },
    { M_CTC, TOP_ICR, 0 }, { M_NORMAL, TOP_FIXED, 0xFFFF }, { M_FAST, TOP_ICR, 0 },
    { M_FAST, TOP_OCRA, 0 },
};

static const uint16_t presc01[8] = { 0, 1, 8, 64, 256, 1024, 0, 0 };  /* 6,7: T0/T1 pin */
static const uint16_t presc2[8] = { 0, 1, 8, 32, 64, 128, 256, 1024 };

static const tmode *mode_of(const emk_m328p_timer *t)
{
    if (t->bits16)
        return &modes16[(t->tccra & 3) | ((t->tccrb >> 1) & 0x0C)];
    return &modes8[(t->tccra & 3) | ((t->tccrb >> 1) & 4)];
}

static uint16_t top_of(const emk_m328p_timer *t, const tmode *md)
{
    switch (md->topsrc) {
    case TOP_OCRA: return t->ocra;
    case TOP_ICR: return t->icr;
    default: return md->top;
    }
}

static uint16_t max_of(const emk_m328p_timer *t)
{
    return t->bits16 ? 0xFFFF : 0xFF;
}

static void irq_update(emk_m328p_timer *t)
{
    const tcfg *c = &cfgs[t->index];
    emk_avr *cpu = &t->mcu->cpu;
    uint8_t f = t->flags & t->mask;

    emk_avr_irq(cpu, c->vec_ovf, f & TOV);
    emk_avr_irq(cpu, c->vec_a, f & OCFA);
    emk_avr_irq(cpu, c->vec_b, f & OCFB);
    if (c->vec_capt)
        emk_avr_irq(cpu, c->vec_capt, f & ICF);
}

/* COMnx of channel ch (0 = A, 1 = B) and whether it drives the pin. */
static unsigned com_of(const emk_m328p_timer *t, unsigned ch)
{
    return (t->tccra >> (ch ? 4 : 6)) & 3;
}

static int com_connected(const emk_m328p_timer *t, const tmode *md, unsigned ch)
{
    unsigned com = com_of(t, ch);

    if (com == 0)
        return 0;
    if (com == 1 && md->kind != M_NORMAL && md->kind != M_CTC)
        return ch == 0 && md->topsrc == TOP_OCRA;    /* toggle OCnA on match */
    return 1;
}

static void oc_pins(emk_m328p_timer *t)
{
    const tcfg *c = &cfgs[t->index];
    const tmode *md = mode_of(t);

    emk_m328p_gpio_override(t->mcu, c->a_port, c->a_bit, 0, 0, com_connected(t, md, 0), t->oc[0]);
    emk_m328p_gpio_override(t->mcu, c->b_port, c->b_bit, 0, 0, com_connected(t, md, 1), t->oc[1]);
}

static void oc_set(emk_m328p_timer *t, unsigned ch, int v)
{
    if (t->oc[ch] != (uint8_t)v) {
        t->oc[ch] = (uint8_t)v;
        oc_pins(t);
    }
}

/* Compare match on channel ch; down: dual slope, counting down. */
static void match(emk_m328p_timer *t, const tmode *md, unsigned ch, int down)
{
    unsigned com = com_of(t, ch);

    t->flags |= ch ? OCFB : OCFA;
    if (!com_connected(t, md, ch))
        return;
    if (com == 1) {
        oc_set(t, ch, !t->oc[ch]);
        return;
    }
    switch (md->kind) {
    case M_NORMAL: case M_CTC: case M_FAST:
        oc_set(t, ch, com == 3);
        break;
    default:   /* dual slope: clear up / set down for COM=2 */
        oc_set(t, ch, (com == 3) ^ down);
    }
}

static void update_ocr(emk_m328p_timer *t)
{
    t->ocra = t->ocra_buf;
    t->ocrb = t->ocrb_buf;
}

/* One tick that does something, from count V = t->cnt. */
static void event_tick(emk_m328p_timer *t)
{
    const tmode *md = mode_of(t);
    uint16_t v = t->cnt, top = top_of(t, md), max = max_of(t);

    if (md->kind == M_PC || md->kind == M_PFC) {
        if (v == t->ocra) match(t, md, 0, t->down);
        if (v == t->ocrb) match(t, md, 1, t->down);
        if (!t->down) {
            if (v == top) {
                if (md->kind == M_PC)
                    update_ocr(t);
                if (top == 0) {
                    t->flags |= TOV;
                } else {
                    t->down = 1;
                    t->cnt = (uint16_t)(v - 1);
                }
            } else {
                t->cnt = v == max ? 0 : (uint16_t)(v + 1);
            }
        } else if (v == 0) {
            t->flags |= TOV;
            if (md->kind == M_PFC)
                update_ocr(t);
            t->down = 0;
            t->cnt = top ? 1 : 0;
        } else {
            t->cnt = (uint16_t)(v - 1);
        }
        return;
    }
    if (v == t->ocra && (md->kind != M_FAST || t->ocra <= top)) match(t, md, 0, 0);
    if (v == t->ocrb && (md->kind != M_FAST || t->ocrb <= top)) match(t, md, 1, 0);
    if (v == top || v == max) {
        if (md->kind == M_FAST) {
            t->flags |= TOV;
            update_ocr(t);
            /* BOTTOM: non-inverting sets, inverting clears */
            if (com_of(t, 0) >= 2 && com_connected(t, md, 0)) oc_set(t, 0, com_of(t, 0) == 2);
            if (com_of(t, 1) >= 2 && com_connected(t, md, 1)) oc_set(t, 1, com_of(t, 1) == 2);
            /* OCR == TOP: the match above cleared, BOTTOM set: stays high */
        } else if (v == max) {
            t->flags |= TOV;
        }
        t->cnt = 0;
    } else {
        t->cnt = (uint16_t)(v + 1);
    }
}

/* Ticks from next_tick to the first one that does something. */
static uint64_t ticks_to_event(const emk_m328p_timer *t)
{
    const tmode *md = mode_of(t);
    uint16_t v = t->cnt, top = top_of(t, md), max = max_of(t);
    uint32_t cand[4], best = UINT32_MAX;
    unsigned n = 0, i;

    cand[n++] = t->ocra;
    cand[n++] = t->ocrb;
    if (md->kind == M_PC || md->kind == M_PFC) {
        if (t->down) {
            cand[n++] = 0;
            for (i = 0; i < n; i++)
                if (cand[i] <= v && v - cand[i] < best)
                    best = v - cand[i];
            return best;
        }
        cand[n++] = v <= top ? top : max;
    } else {
        cand[n++] = top;
        cand[n++] = max;
    }
    for (i = 0; i < n; i++)
        if (cand[i] >= v && cand[i] - v < best)
            best = cand[i] - v;
    return best;
}

static void advance_plain(emk_m328p_timer *t, uint64_t n)
{
    t->cnt = (uint16_t)(t->down ? t->cnt - n : t->cnt + n);
    t->next_tick += n;
}

/* Applies every tick up to cycle now. */
void emk_m328p_timer_sync(emk_m328p_timer *t)
{
    uint64_t target;
    uint8_t before = t->flags;

    if (!t->presc || t->frozen)
        return;
    target = t->mcu->cpu.cycle / t->presc;     /* last tick due */
    while (t->next_tick <= target) {
        uint64_t d = ticks_to_event(t);

        if (t->next_tick + d > target) {
            advance_plain(t, target - t->next_tick + 1);
            break;
        }
        advance_plain(t, d);
        event_tick(t);
        t->next_tick++;
    }
    if (t->flags != before)
        irq_update(t);
}

static void schedule(emk_m328p_timer *t)
{
    emk_avr *cpu = &t->mcu->cpu;

    if (!t->presc || t->frozen) {
        emk_avr_timer_cancel(cpu, &t->ev);
        return;
    }
    emk_avr_timer_arm(cpu, &t->ev, (t->next_tick + ticks_to_event(t)) * t->presc);
}

static void timer_fire(emk_avr *cpu, void *opaque, uint64_t now)
{
    emk_m328p_timer *t = opaque;

    (void)cpu;
    (void)now;
    emk_m328p_timer_sync(t);
    schedule(t);
}

static void set_clock(emk_m328p_timer *t)
{
    const uint16_t *p = t->index == 2 ? presc2 : presc01;
    uint32_t np = p[t->tccrb & 7];

    if (np != t->presc) {
        t->presc = np;
        if (np)
            t->next_tick = t->mcu->cpu.cycle / np + 1;
    }
}

void emk_m328p_timer_freeze(emk_m328p_timer *t, int frozen)
{
    emk_m328p_timer_sync(t);
    t->frozen = frozen;
    if (!frozen && t->presc)
        t->next_tick = t->mcu->cpu.cycle / t->presc + 1;
    schedule(t);
}

static int is_pwm(const emk_m328p_timer *t)
{
    unsigned k = mode_of(t)->kind;

    return k != M_NORMAL && k != M_CTC;
}

static void force(emk_m328p_timer *t, uint8_t foc)
{
    const tmode *md = mode_of(t);
    unsigned ch;

    if (is_pwm(t))
        return;
    for (ch = 0; ch < 2; ch++) {
        unsigned com = com_of(t, ch);

        if (!(foc & (ch ? 0x40 : 0x80)) || !com)
            continue;
        oc_set(t, ch, com == 1 ? !t->oc[ch] : com == 3);
        (void)md;
    }
}

static int tm_read(void *opaque, uint64_t off, unsigned size, uint64_t *v)
{
    emk_m328p_timer *t = opaque;

    (void)size;
    emk_m328p_timer_sync(t);
    if (!t->bits16) {
        switch (off) {
        case 0: *v = t->tccra; break;
        case 1: *v = t->tccrb & 0x0F; break;
        case 2: *v = t->cnt; break;
        case 3: *v = t->ocra_buf; break;
        case 4: *v = t->ocrb_buf; break;
        default: *v = 0;
        }
        return 0;
    }
    switch (off) {
    case 0: *v = t->tccra; break;
    case 1: *v = t->tccrb; break;
    case 2: *v = 0; break;   /* TCCR1C reads 0 */
    case 4: *v = t->cnt & 0xFF; t->temp = (uint8_t)(t->cnt >> 8); break;
    case 6: *v = t->icr & 0xFF; t->temp = (uint8_t)(t->icr >> 8); break;
    case 8: *v = t->ocra_buf & 0xFF; break;
    case 9: *v = t->ocra_buf >> 8; break;
    case 10: *v = t->ocrb_buf & 0xFF; break;
    case 11: *v = t->ocrb_buf >> 8; break;
    case 5: case 7: *v = t->temp; break;
    default: *v = 0;
    }
    return 0;
}

static void set_ocr(emk_m328p_timer *t, unsigned ch, uint16_t v)
{
    if (ch) t->ocrb_buf = v; else t->ocra_buf = v;
    if (!is_pwm(t))
        update_ocr(t);
}

static int tm_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
    emk_m328p_timer *t = opaque;
    uint8_t v = (uint8_t)val;

    (void)size;
    emk_m328p_timer_sync(t);
    if (!t->bits16) {
        switch (off) {
        case 0: t->tccra = v & 0xF3; break;
        case 1: t->tccrb = v & 0x0F; force(t, v); break;
        case 2: t->cnt = v; break;
        case 3: set_ocr(t, 0, v); break;
        case 4: set_ocr(t, 1, v); break;
        default: break;    /* ASSR (TIMER2): asynchronous clock not modelled */
        }
    } else {
        switch (off) {
        case 0: t->tccra = v & 0xF3; break;
        case 1: t->tccrb = v & 0xDF; break;
        case 2: force(t, v); break;
        case 4: t->cnt = (uint16_t)(t->temp << 8 | v); break;
        case 6: t->icr = (uint16_t)(t->temp << 8 | v); break;
        case 8: set_ocr(t, 0, (uint16_t)(t->temp << 8 | v)); break;
        case 10: set_ocr(t, 1, (uint16_t)(t->temp << 8 | v)); break;
        case 5: case 7: case 9: case 11: t->temp = v; break;
        default: break;
        }
    }
    set_clock(t);
    oc_pins(t);
    schedule(t);
    return 0;
}

static int flag_read(void *opaque, uint64_t off, unsigned size, uint64_t *v)
{
    emk_m328p_timer *t = opaque;

    (void)off;
    (void)size;
    emk_m328p_timer_sync(t);
    *v = t->flags;
    return 0;
}

static int flag_write(void *opaque, uint64_t off, unsigned size, uint64_t v)
{
    emk_m328p_timer *t = opaque;

    (void)off;
    (void)size;
    emk_m328p_timer_sync(t);
    t->flags &= (uint8_t)~(v & emk_avr_write_mask(&t->mcu->cpu));
    irq_update(t);
    return 0;
}

static int mask_read(void *opaque, uint64_t off, unsigned size, uint64_t *v)
{
    emk_m328p_timer *t = opaque;

    (void)off;
    (void)size;
    *v = t->mask;
    return 0;
}

static int mask_write(void *opaque, uint64_t off, unsigned size, uint64_t v)
{
    emk_m328p_timer *t = opaque;

    (void)off;
    (void)size;
    emk_m328p_timer_sync(t);
    t->mask = (uint8_t)(v & (t->bits16 ? 0x27 : 0x07));
    irq_update(t);
    return 0;
}

static const emk_region_ops tm_ops = { .read = tm_read, .write = tm_write,
                                       .valid_sizes = EMK_SIZE_1 };
static const emk_region_ops flag_ops = { .read = flag_read, .write = flag_write,
                                         .valid_sizes = EMK_SIZE_1 };
static const emk_region_ops mask_ops = { .read = mask_read, .write = mask_write,
                                         .valid_sizes = EMK_SIZE_1 };

static void ack(emk_avr *cpu, void *opaque, unsigned vec)
{
    emk_m328p_timer *t = opaque;
    const tcfg *c = &cfgs[t->index];

    (void)cpu;
    emk_m328p_timer_sync(t);
    if (vec == c->vec_ovf) t->flags &= (uint8_t)~TOV;
    else if (vec == c->vec_a) t->flags &= (uint8_t)~OCFA;
    else if (vec == c->vec_b) t->flags &= (uint8_t)~OCFB;
    else if (vec == c->vec_capt) t->flags &= (uint8_t)~ICF;
    irq_update(t);
}

static void region(emk_region *r, const char *name, const emk_region_ops *ops, void *o,
                   uint64_t size)
{
    r->name = name;
    r->ops = ops;
    r->opaque = o;
    r->size = size;
}

int emk_m328p_timer_init(emk_m328p *m)
{
    unsigned i;
    int r;

    for (i = 0; i < 3; i++) {
        emk_m328p_timer *t = &m->timer[i];
        const tcfg *c = &cfgs[i];

        emk_dev_init(&t->dev, c->name, &m->cpu.bus, NULL);
        t->mcu = m;
        t->index = i;
        t->bits16 = i == 1;
        region(&t->regs, c->name, &tm_ops, t, c->size);
        region(&t->tifr, "tifr", &flag_ops, t, 1);
        region(&t->timsk, "timsk", &mask_ops, t, 1);
        if ((r = emk_dev_add_region(&t->dev, &t->regs)) < 0 ||
            (r = emk_dev_add_region(&t->dev, &t->tifr)) < 0 ||
            (r = emk_dev_add_region(&t->dev, &t->timsk)) < 0 ||
            (r = emk_bus_map_region(&m->cpu.bus, &t->regs, c->base)) < 0 ||
            (r = emk_bus_map_region(&m->cpu.bus, &t->tifr, c->tifr)) < 0 ||
            (r = emk_bus_map_region(&m->cpu.bus, &t->timsk, c->timsk)) < 0 ||
            (r = emk_avr_timer_add(&m->cpu, &t->ev, timer_fire, t)) < 0)
            return r;
        emk_avr_set_ack(&m->cpu, c->vec_ovf, ack, t);
        emk_avr_set_ack(&m->cpu, c->vec_a, ack, t);
        emk_avr_set_ack(&m->cpu, c->vec_b, ack, t);
        if (c->vec_capt)
            emk_avr_set_ack(&m->cpu, c->vec_capt, ack, t);
    }
    return 0;
}

void emk_m328p_timer_reset(emk_m328p *m)
{
    unsigned i;

    for (i = 0; i < 3; i++) {
        emk_m328p_timer *t = &m->timer[i];

        t->tccra = t->tccrb = t->tccrc = t->flags = t->mask = t->temp = 0;
        t->cnt = t->ocra = t->ocrb = t->ocra_buf = t->ocrb_buf = t->icr = 0;
        t->down = t->frozen = 0;
        t->presc = 0;
        t->next_tick = 0;
        t->oc[0] = t->oc[1] = 0;
        oc_pins(t);
        irq_update(t);
    }
}

void emk_m328p_timer_icp(emk_m328p *m, int level)
{
    emk_m328p_timer *t = &m->timer[1];
    int rising = (t->tccrb & 0x40) != 0;

    if (level == t->icp_level)
        return;
    t->icp_level = (uint8_t)level;
    if ((level != 0) != rising)
        return;
    emk_m328p_timer_sync(t);
    if (mode_of(t)->topsrc == TOP_ICR)
        return;        /* ICR1 is TOP: the capture function is off */
    t->icr = t->cnt;
    t->flags |= ICF;
    irq_update(t);
    schedule(t);
}
