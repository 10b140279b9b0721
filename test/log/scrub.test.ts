import { describe, expect, it } from 'vitest';
import { scrubIdentifiers, scrubValue } from '../../src/log/scrub.js';
import { memoryLogger } from '../helpers/app.js';

describe('scrubIdentifiers: MAC- and IP-shaped text never reaches a log line', () => {
  it.each([
    ['UniFi refused: de:ad:00:11:22:33 unknown', 'UniFi refused: [mac] unknown'],
    ['DE-AD-00-11-22-33', '[mac]'],
    ['Cisco dead.0011.2233 seen', 'Cisco [mac] seen'],
    ['mac=DEAD00112233&x', 'mac=[mac]&x'],
    ['connect ECONNREFUSED 10.0.0.1:8443', 'connect ECONNREFUSED [ip]:8443'],
    ['from 192.0.2.55.', 'from [ip].'],
    ['fe80::1%eth0, 2001:db8::7 and ::1', '[ip], [ip] and [ip]'],
    ['2001:0db8:0000:0000:0000:ff00:0042:8329', '[ip]'],
    ['::ffff:192.0.2.1', '[ip]'],
  ])('%s', (text, scrubbed) => expect(scrubIdentifiers(text)).toBe(scrubbed));

  it.each(['HTTP 502', 'errorCode -41501', 'at 12:30:45 on 2026-12-07T02:06:02Z', 'version 1.2.3', 'api.err.Invalid'])(
    'leaves %s alone',
    (text) => expect(scrubIdentifiers(text)).toBe(text),
  );

  it('scrubs errors and nested values', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:8443'), { code: 'ECONNREFUSED' });
    expect(scrubValue(err)).toEqual({ type: 'Error', message: 'connect ECONNREFUSED [ip]:8443', code: 'ECONNREFUSED' });
    expect(scrubValue({ a: ['aa:bb:cc:dd:ee:ff'], n: 3 })).toEqual({ a: ['[mac]'], n: 3 });
  });

  it('the logger scrubs the fields that carry outside text (err, detail, fix…), wherever they are logged from', () => {
    const { logger, lines } = memoryLogger();
    logger.warn({ err: new Error('station aa:bb:cc:dd:ee:ff at 10.1.2.3'), detail: '10.0.0.9', port: 3000 }, 'x');
    logger.child({ category: 'grant' }).warn({ err: 'rejected aa-bb-cc-dd-ee-ff' }, 'y');
    // Without the timestamp, whose seconds may well read "10.2…".
    const logged = lines.map((line) => line.replace(/"time":"[^"]*"/, ''));
    expect(logged.join('\n')).not.toMatch(/aa[:-]bb|10\.\d/);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      err: { message: 'station [mac] at [ip]' },
      detail: '[ip]',
      port: 3000,
    });
    expect(JSON.parse(lines[1]!)).toMatchObject({ err: 'rejected [mac]' });
  });
});
