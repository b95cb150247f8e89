// GitHub reference for the conformance generator: @octokit/webhooks-methods, used as GitHub's
// own Node toolkit uses it. Reads one JSON request on stdin and writes one JSON answer on stdout:
//
//   {"op": "sign",   "items": [{"secret": "...", "payload": "..."}]}
//     -> {"version": "6.0.0", "results": ["sha256=...", ...]}
//   {"op": "verify", "items": [{"secrets": ["..."], "payload": "...", "signature": "..." | null}]}
//     -> {"version": "6.0.0", "results": [{"accepted": true|false, "error": null|"..."}, ...]}
//
// Payloads are strings (octokit hashes their UTF-8 encoding). verify uses verifyWithFallback,
// octokit's rotation helper: the first secret, then the others in order. A thrown error
// (missing signature, empty secret or payload) counts as a refusal and is reported.
import { sign, verify, verifyWithFallback } from "@octokit/webhooks-methods";

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

async function verifyItem({ secrets, payload, signature }) {
  try {
    const accepted = await verifyWithFallback(secrets[0], payload, signature ?? undefined, secrets.slice(1));
    return { accepted: accepted === true, error: null };
  } catch (error) {
    return { accepted: false, error: String(error.message ?? error) };
  }
}

const request = JSON.parse(await readStdin());
const results = [];
for (const item of request.items) {
  if (request.op === "sign") {
    results.push(await sign(item.secret, item.payload));
  } else if (request.op === "verify") {
    results.push(await verifyItem(item));
  } else {
    throw new Error(`unknown op ${request.op}`);
  }
}
process.stdout.write(JSON.stringify({ version: verify.VERSION, results }));
