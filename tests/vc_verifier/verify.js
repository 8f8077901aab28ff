// An independent verifier for CSPO Tracker's signed credentials, built only on Digital
// Bazaar's JavaScript libraries (not on the project's Python code).
//
//   node verify.js --credential FILE --server URL [--contexts DIR] [--now ISO-DATE]
//
// The JSON-LD contexts come from the project's shipped files (contexts/index.json maps
// URL -> file); nothing else is fetched except the issuer's DID document
// (URL/.well-known/did.json) and the status-list credentials named by the credential, both
// from the running app at URL. Prints one JSON line: {"verified": true|false, ...}.
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {gunzipSync} from 'node:zlib';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

const here = path.dirname(fileURLToPath(import.meta.url));

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const credentialFile = option('credential');
const server = option('server');
const contextsDir = option(
  'contexts', path.join(here, '..', '..', 'certifications', 'vc', 'contexts'));
const now = option('now');

const index = JSON.parse(await readFile(path.join(contextsDir, 'index.json'), 'utf8'));
const contexts = new Map();
for(const [url, file] of Object.entries(index)) {
  contexts.set(url, JSON.parse(await readFile(path.join(contextsDir, file), 'utf8')));
}

async function getJson(url) {
  const response = await fetch(url, {headers: {accept: 'application/ld+json'}});
  if(!response.ok) {
    throw new Error(`GET ${url} answered ${response.status}`);
  }
  return response.json();
}

let didDocument;
async function issuerDidDocument() {
  didDocument ??= await getJson(`${server}/.well-known/did.json`);
  return didDocument;
}

async function documentLoader(url) {
  if(contexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
  }
  if(url.startsWith('did:web:')) {
    const doc = await issuerDidDocument();
    const [did, fragment] = url.split('#');
    if(did !== doc.id) {
      throw new Error(`Unknown DID ${did}`);
    }
    if(!fragment) {
      return {contextUrl: null, documentUrl: url, document: doc};
    }
    const method = doc.verificationMethod.find(m => m.id === url);
    if(!method) {
      throw new Error(`No verification method ${url}`);
    }
    return {
      contextUrl: null, documentUrl: url,
      document: {'@context': doc['@context'], ...method}
    };
  }
  throw new Error(`Refusing to load ${url}: not shipped, not the issuer's DID.`);
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});

function bitIsSet(encodedList, index) {
  if(!encodedList.startsWith('u')) {
    throw new Error('encodedList is not multibase base64url');
  }
  const bits = gunzipSync(Buffer.from(encodedList.slice(1), 'base64url'));
  return (bits[Math.floor(index / 8)] & (0x80 >> (index % 8))) !== 0;
}

// W3C Bitstring Status List v1.0, section 3.2 (validate): the list credential must verify,
// be of the same purpose, and the entry's bit must be clear.
async function checkStatus({credential}) {
  const entries = [].concat(credential.credentialStatus);
  const status = {};
  for(const entry of entries) {
    if(entry.type !== 'BitstringStatusListEntry') {
      return {verified: false, error: `Unknown status type ${entry.type}`};
    }
    const list = await getJson(entry.statusListCredential);
    const listResult = await vc.verifyCredential(
      {credential: list, suite, documentLoader, now});
    if(!listResult.verified) {
      return {verified: false, error: 'The status list credential does not verify.'};
    }
    if(list.issuer !== (credential.issuer.id ?? credential.issuer)) {
      return {verified: false, error: 'The status list has another issuer.'};
    }
    const subject = list.credentialSubject;
    if(subject.statusPurpose !== entry.statusPurpose) {
      return {verified: false, error: 'The status list has another purpose.'};
    }
    status[entry.statusPurpose] =
      bitIsSet(subject.encodedList, Number.parseInt(entry.statusListIndex, 10));
  }
  const set = Object.entries(status).filter(([, value]) => value).map(([p]) => p);
  return set.length ?
    {verified: false, status, error: `Status set: ${set.join(', ')}`} :
    {verified: true, status};
}

function firstError(result) {
  const errors = [result.error, ...(result.results ?? []).map(r => r.error)]
    .filter(Boolean);
  const error = errors[0];
  if(!error) {
    return result.statusResult?.error;
  }
  const inner = error.errors?.[0] ?? error;
  return inner.message ?? String(inner);
}

try {
  const credential = JSON.parse(await readFile(credentialFile, 'utf8'));
  const result = await vc.verifyCredential(
    {credential, suite, documentLoader, checkStatus, now});
  process.stdout.write(JSON.stringify({
    verified: result.verified,
    status: result.statusResult?.status ?? null,
    error: result.verified ? null : firstError(result) ?? 'not verified',
  }) + '\n');
} catch(error) {
  process.stdout.write(JSON.stringify({verified: false, error: error.message}) + '\n');
}
