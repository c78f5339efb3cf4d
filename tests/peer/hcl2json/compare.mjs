// Compares threegate's rendering of each .tf file (hcl_dump) with hcl2json's (peer.mjs).
//
//   node compare.mjs OURS.jsonl PEER.jsonl known-differences.tsv
//
// A file agrees when both parsers reject it, or both accept it and the two JSON documents are
// equal (numbers compared as numbers, object members in any order). A difference listed in
// known-differences.tsv (file, JSON pointer) is expected at exactly that place: the values
// there are left out of the comparison, and the entry fails when the values no longer differ,
// so that the list stays honest. Prints one line per file, then the totals; exits 1 on any
// failure.
import { readFileSync } from 'node:fs';

const [oursPath, peerPath, knownPath] = process.argv.slice(2);
const load = (p) => new Map(readFileSync(p, 'utf8').split('\n').filter(Boolean)
  .map((l) => JSON.parse(l)).map((j) => [j.file, j]));
const ours = load(oursPath);
const peer = load(peerPath);

const known = new Map();  // file -> Map(pointer -> note)
for (const raw of readFileSync(knownPath, 'utf8').split('\n')) {
  if (!raw.trim() || raw.startsWith('#')) continue;
  const [file, pointer, note] = raw.split('\t');
  if (!known.has(file)) known.set(file, new Map());
  known.get(file).set(pointer, note || '');
}

const esc = (k) => String(k).replace(/~/g, '~0').replace(/\//g, '~1');
let leaves = 0;
let leavesAgree = 0;

// Returns a list of differing JSON pointers; counts compared leaves.
function diff(a, b, path, skip, hits, out) {
  if (skip.has(path)) {
    hits.add(path);
    if (JSON.stringify(a) === JSON.stringify(b)) out.push(`${path}: listed as a known difference but both give ${JSON.stringify(a)}`);
    return;
  }
  const kind = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (kind(a) !== kind(b)) {
    leaves++;
    out.push(`${path}: threegate ${JSON.stringify(a)}, hcl2json ${JSON.stringify(b)}`);
    return;
  }
  if (kind(a) === 'array') {
    if (a.length !== b.length) out.push(`${path}: threegate has ${a.length} items, hcl2json ${b.length}`);
    for (let i = 0; i < Math.min(a.length, b.length); i++) diff(a[i], b[i], `${path}/${i}`, skip, hits, out);
    return;
  }
  if (kind(a) === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of [...keys].sort()) {
      const p = `${path}/${esc(k)}`;
      if (!(k in a)) out.push(`${p}: only hcl2json has it: ${JSON.stringify(b[k]).slice(0, 200)}`);
      else if (!(k in b)) out.push(`${p}: only threegate has it: ${JSON.stringify(a[k]).slice(0, 200)}`);
      else diff(a[k], b[k], p, skip, hits, out);
    }
    return;
  }
  leaves++;
  if (a === b) leavesAgree++;
  else out.push(`${path}: threegate ${JSON.stringify(a)}, hcl2json ${JSON.stringify(b)}`);
}

let passed = 0;
let failed = 0;
let bothRejected = 0;
for (const [file, p] of [...peer].sort()) {
  const o = ours.get(file);
  const skip = known.get(file) || new Map();
  const problems = [];
  if (!o) {
    problems.push('threegate produced no output');
  } else if (!o.ok && !p.ok) {
    bothRejected++;
  } else if (!o.ok) {
    problems.push(`threegate rejects it (${(o.errors || []).join('; ')}), hcl2json accepts it`);
  } else if (!p.ok) {
    problems.push(`hcl2json rejects it (${p.error}), threegate accepts it`);
  } else {
    const hits = new Set();
    diff(o.json, p.json, '', skip, hits, problems);
    for (const pointer of skip.keys()) {
      if (!hits.has(pointer)) problems.push(`${pointer}: listed in known-differences.tsv but not found`);
    }
  }
  if (problems.length === 0) {
    passed++;
    const note = skip.size ? ` (${skip.size} known difference${skip.size > 1 ? 's' : ''})` : '';
    console.log(`ok    ${file}${!o.ok ? ' (both reject it)' : ''}${note}`);
  } else {
    failed++;
    console.log(`FAIL  ${file}`);
    for (const pr of problems.slice(0, 20)) console.log(`        ${pr}`);
  }
}
for (const file of known.keys()) {
  if (!peer.has(file)) {
    failed++;
    console.log(`FAIL  ${file}: listed in known-differences.tsv but not among the inputs`);
  }
}
console.log(`${leavesAgree} of ${leaves} compared values agree`);
console.log(`${passed} passed (${bothRejected} rejected by both), ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
