'use strict';
// Signs and verifies interoperability jobs with the npm package http-message-signatures.
//
// The reqsig-interop tests run this script as `node node_peer.js OP` with OP
// `sign`, `verify` or `version`. For `sign` and `verify` it reads
// `{"jobs": [...]}` as JSON on standard input and writes `{"results": [...]}`
// on standard output, one result per job, in order. The job format is
// documented in tests/interop/src/exchange.rs. A failing job does not stop the
// others: its result carries `"ok": false` and the error as `"error"`.
//
// The package does not handle Content-Digest (RFC 9530), so this script
// computes the sha-256 digest before signing and checks it after verifying,
// with node:crypto.

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { httpbis, createSigner, createVerifier } = require('http-message-signatures');

function readStdin() {
  return fs.readFileSync(0, 'utf8');
}

// Converts header lines to the object the package reads: one key per field,
// an array of values for a field with several lines.
function toHeaderObject(lines) {
  const headers = {};
  for (const [name, value] of lines) {
    const existing = Object.keys(headers).find((key) => key.toLowerCase() === name.toLowerCase());
    if (existing === undefined) {
      headers[name] = value;
    } else if (Array.isArray(headers[existing])) {
      headers[existing].push(value);
    } else {
      headers[existing] = [headers[existing], value];
    }
  }
  return headers;
}

function toHeaderLines(headers) {
  const lines = [];
  for (const [name, value] of Object.entries(headers)) {
    for (const line of Array.isArray(value) ? value : [value]) {
      lines.push([name, String(line)]);
    }
  }
  return lines;
}

function loadMessages(job) {
  const request = {
    method: job.request.method,
    url: job.request.url,
    headers: toHeaderObject(job.request.headers),
    body: Buffer.from(job.request.body, 'base64'),
  };
  let response = null;
  if (job.response) {
    response = {
      status: job.response.status,
      headers: toHeaderObject(job.response.headers),
      body: Buffer.from(job.response.body, 'base64'),
    };
  }
  return { request, response };
}

function messageToJson(message) {
  const json = { headers: toHeaderLines(message.headers), body: message.body.toString('base64') };
  if (message.method !== undefined) {
    json.method = message.method;
    json.url = message.url;
  } else {
    json.status = message.status;
  }
  return json;
}

function headerValue(message, name) {
  const key = Object.keys(message.headers).find((field) => field.toLowerCase() === name);
  if (key === undefined) {
    return undefined;
  }
  const value = message.headers[key];
  return Array.isArray(value) ? value.join(', ') : value;
}

function sha256Digest(body) {
  return `sha-256=:${crypto.createHash('sha256').update(body).digest('base64')}:`;
}

function checkDigest(message) {
  const field = headerValue(message, 'content-digest');
  if (field === undefined) {
    throw new Error('the message has no Content-Digest field');
  }
  const expected = crypto.createHash('sha256').update(message.body).digest('base64');
  const match = /(?:^|,)\s*sha-256=:([A-Za-z0-9+/=]*):/.exec(field);
  if (!match) {
    throw new Error(`Content-Digest ${JSON.stringify(field)} has no sha-256 member`);
  }
  if (match[1] !== expected) {
    throw new Error(`Content-Digest sha-256 is ${match[1]}, but the body hashes to ${expected}`);
  }
}

function signingKey(key) {
  return key.secret !== undefined && key.secret !== null
    ? Buffer.from(key.secret, 'base64')
    : crypto.createPrivateKey(key.private_pem);
}

function verifyingKey(key) {
  return key.secret !== undefined && key.secret !== null
    ? Buffer.from(key.secret, 'base64')
    : crypto.createPublicKey(key.public_pem);
}

async function signJob(job) {
  let { request, response } = loadMessages(job);
  for (const spec of job.signatures) {
    const key = job.keys[spec.keyid];
    const target = spec.target === 'response' ? response : request;
    if (spec.covers_digest && headerValue(target, 'content-digest') === undefined) {
      target.headers['Content-Digest'] = sha256Digest(target.body);
    }
    const params = ['created'];
    const paramValues = { created: new Date(spec.created * 1000), keyid: spec.keyid };
    if (spec.expires !== undefined && spec.expires !== null) {
      params.push('expires');
      paramValues.expires = new Date(spec.expires * 1000);
    }
    params.push('keyid');
    if (spec.nonce !== undefined && spec.nonce !== null) {
      params.push('nonce');
      paramValues.nonce = spec.nonce;
    }
    if (spec.include_alg) {
      params.push('alg');
    }
    if (spec.tag !== undefined && spec.tag !== null) {
      params.push('tag');
      paramValues.tag = spec.tag;
    }
    const config = {
      key: createSigner(signingKey(key), key.alg, spec.keyid),
      name: spec.label,
      params,
      paramValues,
      fields: spec.components,
    };
    // signMessage returns a copy of the message, body included, with the signature fields added.
    if (spec.target === 'response') {
      response = await httpbis.signMessage(config, response, request);
    } else {
      request = await httpbis.signMessage(config, request);
    }
  }
  const result = { request: messageToJson(request) };
  if (response) {
    result.response = messageToJson(response);
  }
  return result;
}

async function verifyJob(job) {
  const { request, response } = loadMessages(job);
  for (const spec of job.signatures) {
    const key = job.keys[spec.keyid];
    const verify = createVerifier(verifyingKey(key), key.alg);
    // The package tries every signature of the message and skips those whose
    // key lookup returns null, so only the expected key id and tag get a key.
    const keyLookup = async (params) => {
      const tagMatches = spec.tag === undefined || spec.tag === null || params.tag === spec.tag;
      return params.keyid === spec.keyid && tagMatches ? { id: spec.keyid, algs: [key.alg], verify } : null;
    };
    const verified = spec.target === 'response'
      ? await httpbis.verifyMessage({ keyLookup }, response, request)
      : await httpbis.verifyMessage({ keyLookup }, request);
    if (verified !== true) {
      throw new Error(`signature ${spec.label} did not verify (verifyMessage returned ${verified})`);
    }
    if (spec.covers_digest) {
      checkDigest(spec.target === 'response' ? response : request);
    }
  }
  return {};
}

async function run(op, jobs) {
  const handler = op === 'sign' ? signJob : verifyJob;
  const results = [];
  for (const job of jobs) {
    try {
      results.push({ id: job.id, ok: true, ...(await handler(job)) });
    } catch (error) {
      results.push({ id: job.id, ok: false, error: `${error.name}: ${error.message}` });
    }
  }
  return results;
}

async function main() {
  const op = process.argv[2];
  if (op === 'version') {
    const manifest = path.join(path.dirname(require.resolve('http-message-signatures')), '..', 'package.json');
    const { name, version } = JSON.parse(fs.readFileSync(manifest, 'utf8'));
    process.stdout.write(JSON.stringify({ package: name, version }));
    return;
  }
  if (op !== 'sign' && op !== 'verify') {
    process.stderr.write('usage: node node_peer.js sign|verify|version < jobs.json\n');
    process.exit(2);
  }
  const { jobs } = JSON.parse(readStdin());
  process.stdout.write(JSON.stringify({ results: await run(op, jobs) }));
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
