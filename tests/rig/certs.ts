// The rig's test CA, made at start with openssl: root -> intermediate -> leaves, plus a
// second intermediate that is never served (for "missing intermediate" leaves, so no
// client can have it cached from another handshake).
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isIP } from 'node:net';
import type { CertKind } from './scenarios.ts';

export interface CertRequest {
  kind: CertKind;
  /** SANs: DNS names or IP literals. */
  names: string[];
}

export interface IssuedCert {
  kind: CertKind;
  names: string[];
  /** What nginx/our servers send: leaf (+ intermediate for chained kinds). */
  chainFile: string;
  keyFile: string;
  leafFile: string;
}

export interface TestCa {
  dir: string;
  /** Root certificate, PEM: give it to NODE_EXTRA_CA_CERTS / certutil / `ca:`. */
  rootFile: string;
  intermediateFile: string;
  leafKeyFile: string;
  issue(reqs: CertRequest[]): Promise<IssuedCert[]>;
}

const CNF = `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[leaf_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ca]
default_ca = rigca
[rigca]
dir = .
database = index.txt
new_certs_dir = newcerts
certificate = intermediate.pem
private_key = intermediate.key
default_md = sha256
policy = anything
rand_serial = yes
unique_subject = no
copy_extensions = copy
[anything]
commonName = supplied
`;

function run(cmd: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${stderr || err.message}`));
      else resolve(stdout);
    });
  });
}

async function pool<T, R>(items: T[], n: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

const san = (names: string[]) => 'subjectAltName=' + names.map((n) => (isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
const cn = (names: string[]) => `/CN=${names[0]!.slice(0, 64)}`;

export async function createTestCa(dir: string, label: string): Promise<TestCa> {
  await mkdir(join(dir, 'newcerts'), { recursive: true });
  await writeFile(join(dir, 'rig.cnf'), CNF);
  await writeFile(join(dir, 'index.txt'), '');
  const ossl = (args: string[]) => run('openssl', args, dir);
  const ec = (out: string) => ossl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', out]);
  await Promise.all([ec('root.key'), ec('intermediate.key'), ec('intermediate2.key'), ec('leaf.key')]);
  const base = ['-config', 'rig.cnf', '-sha256'];
  await ossl(['req', '-x509', '-new', ...base, '-key', 'root.key', '-subj', `/O=fedcheck test/CN=fedcheck test root ${label}`, '-days', '60', '-extensions', 'ca_ext', '-out', 'root.pem']);
  await Promise.all(
    [['intermediate', 'fedcheck test intermediate'], ['intermediate2', 'fedcheck test unserved intermediate']].map(([f, name]) =>
      ossl(['req', '-x509', '-new', ...base, '-key', `${f}.key`, '-CA', 'root.pem', '-CAkey', 'root.key', '-subj', `/O=fedcheck test/CN=${name} ${label}`, '-days', '45', '-extensions', 'ca_ext', '-out', `${f}.pem`]),
    ),
  );
  const intermediate = await readFile(join(dir, 'intermediate.pem'), 'utf8');

  let counter = 0;
  const issueOne = async (req: CertRequest): Promise<IssuedCert> => {
    const id = `leaf-${++counter}-${req.kind}`;
    const leafFile = join(dir, `${id}.pem`);
    const chainFile = join(dir, `${id}.chain.pem`);
    const names = req.names;
    const common = [...base, '-key', 'leaf.key', '-subj', cn(names), '-addext', san(names), '-extensions', 'leaf_ext', '-out', `${id}.pem`];
    switch (req.kind) {
      case 'good':
      case 'wrong-name':
      case 'leaf-only':
        await ossl(['req', '-x509', '-new', ...common, '-CA', 'intermediate.pem', '-CAkey', 'intermediate.key', '-days', '30']);
        break;
      case 'no-intermediate':
        await ossl(['req', '-x509', '-new', ...common, '-CA', 'intermediate2.pem', '-CAkey', 'intermediate2.key', '-days', '30']);
        break;
      case 'self-signed':
        await ossl(['req', '-x509', '-new', ...common, '-days', '30']);
        break;
      case 'expired': {
        await ossl(['req', '-new', ...base, '-key', 'leaf.key', '-subj', cn(names), '-addext', san(names), '-out', `${id}.csr`]);
        await ossl(['ca', '-batch', '-config', 'rig.cnf', '-notext', '-extensions', 'leaf_ext', '-startdate', '20240101000000Z', '-enddate', '20240301000000Z', '-in', `${id}.csr`, '-out', `${id}.pem`]);
        break;
      }
    }
    const leaf = await readFile(leafFile, 'utf8');
    const chained = req.kind === 'good' || req.kind === 'wrong-name' || req.kind === 'expired';
    await writeFile(chainFile, chained ? leaf + intermediate : leaf);
    return { kind: req.kind, names, chainFile, keyFile: join(dir, 'leaf.key'), leafFile };
  };

  return {
    dir,
    rootFile: join(dir, 'root.pem'),
    intermediateFile: join(dir, 'intermediate.pem'),
    leafKeyFile: join(dir, 'leaf.key'),
    issue: async (reqs) => {
      // `openssl ca` appends to index.txt: keep expired ones sequential, others parallel.
      const expired = reqs.map((r, i) => [r, i] as const).filter(([r]) => r.kind === 'expired');
      const others = reqs.map((r, i) => [r, i] as const).filter(([r]) => r.kind !== 'expired');
      const out: IssuedCert[] = new Array(reqs.length);
      await Promise.all([
        pool(others, 6, async ([r, i]) => { out[i] = await issueOne(r); }),
        pool(expired, 1, async ([r, i]) => { out[i] = await issueOne(r); }),
      ]);
      return out;
    },
  };
}

/** An NSS db trusting the root, in `<home>/.pki/nssdb` (Chromium reads $HOME/.pki/nssdb). */
export async function createNssDb(home: string, rootFile: string): Promise<string> {
  const db = join(home, '.pki', 'nssdb');
  await mkdir(db, { recursive: true });
  await run('certutil', ['-N', '-d', `sql:${db}`, '--empty-password'], home);
  await run('certutil', ['-A', '-d', `sql:${db}`, '-t', 'C,,', '-n', 'fedcheck-test', '-i', rootFile], home);
  return db;
}

export interface CertSet {
  dir: string;
  rootFile: string;
  intermediateFile: string;
  nssHome: string;
  nssDb: string;
  issued: IssuedCert[];
  /** True when an earlier run's CA and leaves were reused. */
  cached: boolean;
}

const CERTS_VERSION = 1;
const MAX_CACHE_AGE_MS = 14 * 24 * 3600 * 1000; // leaves live 30 days, the root 60

/**
 * The CA, the leaves for `reqs` and the NSS db, in `dir`. Reused from an earlier start
 * when the requests are identical and the set is younger than 14 days (openssl costs
 * ~10 ms of CPU per leaf); `fresh` forces new ones.
 */
export async function obtainCertificates(dir: string, label: string, reqs: CertRequest[], fresh = false): Promise<CertSet> {
  const { createHash } = await import('node:crypto');
  const { rm, stat } = await import('node:fs/promises');
  const key = createHash('sha256').update(JSON.stringify({ CERTS_VERSION, label, reqs, CNF })).digest('hex');
  const manifestFile = join(dir, 'manifest.json');
  if (!fresh) {
    try {
      const m = JSON.parse(await readFile(manifestFile, 'utf8')) as { key: string; createdAt: number; set: CertSet };
      if (m.key === key && Date.now() - m.createdAt < MAX_CACHE_AGE_MS) {
        await Promise.all([m.set.rootFile, m.set.nssDb, ...m.set.issued.flatMap((c) => [c.chainFile, c.keyFile])].map((f) => stat(f)));
        return { ...m.set, cached: true };
      }
    } catch {
      /* no usable cache */
    }
  }
  await rm(dir, { recursive: true, force: true });
  const ca = await createTestCa(join(dir, 'ca'), label);
  const nssHome = join(dir, 'home');
  const [issued, nssDb] = await Promise.all([ca.issue(reqs), createNssDb(nssHome, ca.rootFile)]);
  const set: CertSet = { dir, rootFile: ca.rootFile, intermediateFile: ca.intermediateFile, nssHome, nssDb, issued, cached: false };
  await writeFile(manifestFile, JSON.stringify({ key, createdAt: Date.now(), set }));
  return set;
}
