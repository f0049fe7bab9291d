/* Compute - a compute-heavy sketch for docs/perf/arduino.md: a sieve of
 * primes below 8000 and a CRC-32 over it, repeated, with the pass count
 * and the result printed and pin 13 toggled once per pass. */
static uint8_t sieve[1000];

static uint32_t crc32_update(uint32_t crc, uint8_t b) {
  crc ^= b;
  for (uint8_t k = 0; k < 8; k++)
    crc = (crc >> 1) ^ (0xEDB88320UL & (0 - (crc & 1)));
  return crc;
}

static uint32_t pass(void) {
  uint16_t i, j;
  uint32_t crc = 0xFFFFFFFFUL;
  for (i = 0; i < sizeof(sieve); i++) sieve[i] = 0xFF;
  sieve[0] &= ~3;
  for (i = 2; (uint32_t)i * i < 8000; i++)
    if (sieve[i >> 3] & (1 << (i & 7)))
      for (j = i * i; j < 8000; j += i)
        sieve[j >> 3] &= ~(1 << (j & 7));
  for (i = 0; i < sizeof(sieve); i++) crc = crc32_update(crc, sieve[i]);
  return ~crc;
}

void setup() {
  Serial.begin(115200);
  pinMode(13, OUTPUT);
}

void loop() {
  static uint16_t n;
  uint32_t c = pass();
  digitalWrite(13, n & 1);
  n++;
  Serial.print(n);
  Serial.print(' ');
  Serial.println(c, HEX);
}
