// Words the island shows for the report's codes.
import type { CheckStatus, ResolutionStep, Verdict } from '../checker/report.ts';

export const VERDICT_TEXT: Record<Verdict, string> = {
  pass: 'Federation works',
  warn: 'Federation works, with problems',
  fail: 'Federation fails',
};

export const STATUS_TEXT: Record<CheckStatus, string> = {
  fail: 'Error',
  warn: 'Warning',
  info: 'Note',
  pass: 'OK',
  skip: 'Not tested',
};

/** Most severe first: the order findings are listed in (not-tested ones go on one line). */
export const STATUS_ORDER: CheckStatus[] = ['fail', 'warn', 'info', 'pass'];

export const STEP_TEXT: Record<ResolutionStep, string> = {
  'ip-literal': 'Step 1: the server name is an IP address',
  'explicit-port': 'Step 2: the server name has an explicit port',
  'well-known-ip': 'Step 3.1: .well-known delegates to an IP address',
  'well-known-port': 'Step 3.2: .well-known delegates to a host with a port',
  'well-known-srv': 'Step 3.3: .well-known delegation, then a _matrix-fed._tcp SRV record',
  'well-known-srv-legacy': 'Step 3.4: .well-known delegation, then a deprecated _matrix._tcp SRV record',
  'well-known-default': 'Step 3.5: .well-known delegates to a host, port 8448',
  srv: 'Step 4: a _matrix-fed._tcp SRV record',
  'srv-legacy': 'Step 5: a deprecated _matrix._tcp SRV record',
  default: 'Step 6: the server name itself, port 8448',
};

/** Areas in the order a connection is made; names as the docs use them. */
export const AREA_TEXT: Record<string, string> = {
  name: 'Server name',
  'well-known': '.well-known delegation',
  dns: 'DNS',
  connection: 'Connection',
  tls: 'TLS certificate',
  federation: 'Federation API',
  keys: 'Signing keys',
  outgoing: 'Outgoing federation',
  client: 'Client discovery',
  auth: 'Sign-in',
  rtc: 'Calls',
  support: 'Support contact',
};
