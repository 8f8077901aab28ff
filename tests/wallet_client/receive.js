// An independent OpenID4VCI wallet for CSPO Tracker's tests, built on the OpenWallet
// Foundation's @openid4vc/openid4vci client (not on the project's Python code).
//
//   node receive.js --offer 'openid-credential-offer://?credential_offer=...'
//                   [--key ed25519|p256] [--tamper none|wrong-nonce|other-key]
//                   [--now ISO-DATE]
//
// It resolves the offer and the issuer's metadata, redeems the pre-authorized code for
// an access token, asks for a c_nonce, signs a `jwt` proof with a fresh did:key holder
// key, and asks for the credential. The keys are Node's own (node:crypto). Prints one
// JSON line: {"ok": true, "holder": DID, "credential": {...}} or
// {"ok": false, "stage": "...", "error": "...", "error_description": "..."}.
//
// --now is the wallet's clock for the proof's iat (the tests' own time, which may be
// moved ahead of this process's clock). --tamper wrong-nonce signs a nonce the server never gave; --tamper other-key names one
// key in the proof's header and signs with another. The server must refuse both.
import {createHash, generateKeyPairSync, randomBytes, sign} from 'node:crypto';

import {clientAuthenticationAnonymous} from '@openid4vc/oauth2';
import {Openid4vciClient} from '@openid4vc/openid4vci';
import {setGlobalConfig} from '@openid4vc/utils';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const offerUri = option('offer');
const keyType = option('key', 'ed25519');
const tamper = option('tamper', 'none');
const now = option('now');

// The test server is plain http on localhost; a real issuer is https.
setGlobalConfig({allowInsecureUrls: true});

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function base58btc(bytes) {
  let n = BigInt('0x' + (Buffer.from(bytes).toString('hex') || '0'));
  let out = '';
  while(n > 0n) {
    out = BASE58[Number(n % 58n)] + out;
    n /= 58n;
  }
  for(const byte of bytes) {
    if(byte !== 0) {
      break;
    }
    out = '1' + out;
  }
  return out;
}

// A holder key pair and its did:key (multicodec ed25519-pub 0xed01, p256-pub 0x1200).
function holderKey(type) {
  if(type === 'p256') {
    const {publicKey, privateKey} = generateKeyPairSync('ec', {namedCurve: 'P-256'});
    const jwk = publicKey.export({format: 'jwk'});
    const x = Buffer.from(jwk.x, 'base64url');
    const y = Buffer.from(jwk.y, 'base64url');
    const compressed = Buffer.concat([Buffer.from([2 + (y[y.length - 1] & 1)]), x]);
    const did = 'did:key:z' + base58btc(Buffer.concat([Buffer.from([0x80, 0x24]), compressed]));
    return {
      did, jwk, alg: 'ES256',
      sign: data => sign('sha256', data, {key: privateKey, dsaEncoding: 'ieee-p1363'}),
    };
  }
  const {publicKey, privateKey} = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({format: 'jwk'});
  const raw = Buffer.from(jwk.x, 'base64url');
  const did = 'did:key:z' + base58btc(Buffer.concat([Buffer.from([0xed, 0x01]), raw]));
  return {did, jwk, alg: 'EdDSA', sign: data => sign(null, data, privateKey)};
}

const holder = holderKey(keyType);
// With --tamper other-key the proof says it is the holder's but another key signs it.
const signingKey = tamper === 'other-key' ? holderKey(keyType) : holder;

const b64url = value => Buffer.from(JSON.stringify(value)).toString('base64url');
const callbacks = {
  fetch,
  // The issuer announces pre-authorized_grant_anonymous_access_supported: no client_id.
  clientAuthentication: clientAuthenticationAnonymous(),
  hash: (data, alg) => new Uint8Array(
    createHash(alg.toLowerCase().replace('-', '')).update(data).digest()),
  generateRandom: size => new Uint8Array(randomBytes(size)),
  signJwt: async (signer, {header, payload}) => {
    const input = `${b64url(header)}.${b64url(payload)}`;
    const signature = signingKey.sign(Buffer.from(input)).toString('base64url');
    return {jwt: `${input}.${signature}`, signerJwk: holder.jwk};
  },
};

let stage = 'offer';
function fail(error) {
  const answer = error.errorResponse ??
    error.response?.credentialErrorResponseResult?.data ?? {};
  console.log(JSON.stringify({
    ok: false,
    stage,
    error: answer.error ?? null,
    error_description: answer.error_description ?? String(error.message ?? error),
  }));
  process.exit(0);
}

try {
  const client = new Openid4vciClient({callbacks});
  const credentialOffer = await client.resolveCredentialOffer(offerUri);
  stage = 'metadata';
  const issuerMetadata = await client.resolveIssuerMetadata(credentialOffer.credential_issuer);
  stage = 'token';
  const {accessTokenResponse} = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
    credentialOffer, issuerMetadata,
  });
  stage = 'nonce';
  const {c_nonce: nonce} = await client.requestNonce({issuerMetadata});
  stage = 'credential';
  const credentialConfigurationId = credentialOffer.credential_configuration_ids[0];
  const {jwt} = await client.createCredentialRequestJwtProof({
    issuerMetadata,
    credentialConfigurationId,
    signer: {method: 'did', didUrl: `${holder.did}#${holder.did.slice('did:key:'.length)}`,
      alg: holder.alg},
    nonce: tamper === 'wrong-nonce' ? randomBytes(32).toString('base64url') : nonce,
    issuedAt: now ? new Date(now) : new Date(),
  });
  const response = await client.retrieveCredentials({
    issuerMetadata,
    accessToken: accessTokenResponse.access_token,
    credentialConfigurationId,
    proofs: {jwt: [jwt]},
  });
  if(!response.ok) {
    fail({response, message: `credential endpoint answered ${response.response?.status}`});
  }
  const credential = response.credentialResponse.credentials[0].credential;
  console.log(JSON.stringify({ok: true, holder: holder.did, credential}));
} catch(error) {
  fail(error);
}
