// Serial numbers in every form operators paste them reduce to one registry key; garbage is refused.
import t from 'tap';
import { displaySerial, normaliseSerial, serialFromIntegerBytes, serialToIntegerBytes } from '../../src/tls/serial.js';

t.test('accepted forms', async (t) => {
  const table: Array<[string, string]> = [
    ['0a 1b 2c', '0A1B2C'], // Windows certificate dialog
    ['0A:1B:2C', '0A1B2C'], // OpenSSL -text
    ['0a:1b:2c', '0A1B2C'],
    ['0a1b2c', '0A1B2C'], // OpenSSL -serial, Node serialNumber
    ['0A1B2C', '0A1B2C'],
    ['A1B2C', '0A1B2C'], // odd length: a leading zero digit was dropped
    ['000A1B2C', '0A1B2C'], // redundant leading zero byte
    ['00 0a 1b 2c', '0A1B2C'],
    ['00 8f 01', '8F01'], // DER sign byte of a positive serial
    ['0x0a1b', '0A1B'],
    ['0X0A1B', '0A1B'],
    ['0a-1b-2c', '0A1B2C'],
    ['a:1b:2c', '0A1B2C'], // a byte printed without its zero
    ['1b:a:2c', '1B0A2C'],
    ['  0a 1b 2c\n', '0A1B2C'],
    ['\u200e0a 1b 2c', '0A1B2C'], // invisible mark copied from the Windows dialog
    ['０ａ　１ｂ：２ｃ', '0A1B2C'], // full-width input from a Japanese IME
    ['00', '00'],
    ['0', '00'],
    ['0000', '00'],
    ['7f', '7F'],
    ['6993C9511AEAE359B092834AED03FD86', '6993C9511AEAE359B092834AED03FD86'],
  ];
  for (const [input, expected] of table) t.equal(normaliseSerial(input), expected, JSON.stringify(input));
});

t.test('refused forms', async (t) => {
  const bad = ['', '   ', 'xyz', '0a 1g', ':0a', '0a:', '0x', '-', 'serial 0a', '0a,1b', '1'.repeat(82)];
  for (const input of bad) {
    t.throws(() => normaliseSerial(input), { code: 'SERIAL_INVALID' }, JSON.stringify(input));
  }
  t.equal(normaliseSerial('1'.repeat(80)), '1'.repeat(80), '40 bytes is the limit');
});

t.test('display form is what Windows shows', async (t) => {
  t.equal(displaySerial('0A1B2C'), '0a 1b 2c');
  t.equal(displaySerial('8F01'), '8f 01');
  t.equal(displaySerial('00'), '00');
  t.equal(normaliseSerial(displaySerial('6993C9511AEAE359')), '6993C9511AEAE359', 'round trip');
});

t.test('DER INTEGER bytes', async (t) => {
  t.equal(serialFromIntegerBytes(Buffer.from('008f01', 'hex')), '8F01');
  t.equal(serialFromIntegerBytes(Buffer.from('00', 'hex')), '00');
  t.same(serialToIntegerBytes('8F01'), Buffer.from('008f01', 'hex'), 'sign byte added when the high bit is set');
  t.same(serialToIntegerBytes('0A1B'), Buffer.from('0a1b', 'hex'));
});
