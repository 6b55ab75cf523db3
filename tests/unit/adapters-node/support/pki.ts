// Throw-away certificates made with openssl in a temp dir: a root CA, an intermediate,
// and leaves that are valid, expired, for the wrong name, or self-signed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Issued {
  key: string;
  cert: string;
  /** The leaf followed by the intermediate, as a well-configured server sends it. */
  chain: string;
}

export interface LeafOptions {
  sans: string[];
  days?: number;
  /** Signed by itself instead of the intermediate. */
  selfSigned?: boolean;
}

export interface Pki {
  rootPem: string;
  issue(commonName: string, options: LeafOptions): Issued;
  dispose(): void;
}

export function createPki(): Pki {
  const dir = mkdtempSync(path.join(tmpdir(), 'fedcheck-pki-'));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  const caExt = 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n';

  openssl('req', '-x509', ...ec, '-keyout', 'root.key', '-out', 'root.pem', '-subj', '/O=fedcheck tests/CN=fedcheck Test Root', '-days', '30', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  openssl('req', ...ec, '-keyout', 'int.key', '-out', 'int.csr', '-subj', '/O=fedcheck tests/CN=fedcheck Test Intermediate');
  writeFileSync(file('int.ext'), caExt);
  openssl('x509', '-req', '-in', 'int.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-CAcreateserial', '-days', '30', '-extfile', 'int.ext', '-out', 'int.pem');
  const intermediate = readFileSync(file('int.pem'), 'utf8');
  let serial = 0;

  return {
    rootPem: readFileSync(file('root.pem'), 'utf8'),
    issue(commonName, { sans, days = 30, selfSigned = false }) {
      const id = `leaf${++serial}`;
      writeFileSync(file(`${id}.ext`), `subjectAltName=${sans.join(',')}\nextendedKeyUsage=serverAuth\n`);
      openssl('req', ...ec, '-keyout', `${id}.key`, '-out', `${id}.csr`, '-subj', `/CN=${commonName}`);
      const signer = selfSigned ? ['-signkey', `${id}.key`] : ['-CA', 'int.pem', '-CAkey', 'int.key', '-CAcreateserial'];
      openssl('x509', '-req', '-in', `${id}.csr`, ...signer, '-days', String(days), '-extfile', `${id}.ext`, '-out', `${id}.pem`);
      const cert = readFileSync(file(`${id}.pem`), 'utf8');
      return { key: readFileSync(file(`${id}.key`), 'utf8'), cert, chain: selfSigned ? cert : cert + intermediate };
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
