/* SerialEcho - echoes every byte received on Serial, upper-cased, after
 * a greeting.  Built by tests/arduino/build-sketches.sh. */
void setup() {
  Serial.begin(9600);
  Serial.println("echo ready");
}

void loop() {
  if (Serial.available() > 0) {
    int c = Serial.read();
    if (c >= 'a' && c <= 'z')
      c -= 'a' - 'A';
    Serial.write((char)c);
  }
}
