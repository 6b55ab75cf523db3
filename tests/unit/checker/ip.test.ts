import { describe, expect, it } from 'vitest';
import { classifyAddress } from '../../../src/checker/ip.ts';

describe('classifyAddress', () => {
  it.each([
    ['93.184.215.10', { public: true, family: 4 }],
    ['2a01:4f8::10', { public: true, family: 6 }],
    ['127.0.0.1', { public: false, family: 4, range: 'loopback' }],
    ['10.1.2.3', { public: false, family: 4, range: 'private' }],
    ['192.168.0.1', { public: false, family: 4, range: 'private' }],
    ['169.254.1.1', { public: false, family: 4, range: 'linkLocal' }],
    ['100.64.0.1', { public: false, family: 4, range: 'carrierGradeNat' }],
    ['192.0.2.1', { public: false, family: 4, range: 'reserved' }],
    ['224.0.0.1', { public: false, family: 4, range: 'multicast' }],
    ['0.0.0.0', { public: false, family: 4, range: 'unspecified' }],
    ['::1', { public: false, family: 6, range: 'loopback' }],
    ['fe80::1', { public: false, family: 6, range: 'linkLocal' }],
    ['fd00::1', { public: false, family: 6, range: 'uniqueLocal' }],
    ['2001:db8::1', { public: false, family: 6, range: 'reserved' }],
    ['::ffff:10.0.0.1', { public: false, family: 4, range: 'private' }],
    ['::ffff:93.184.215.10', { public: true, family: 4 }],
    ['not an address', { public: false, family: null, range: 'invalid' }],
  ])('%s', (address, expected) => {
    expect(classifyAddress(address)).toEqual(expected);
  });
});
