// Runs threegate case files through the iam-simulate peer (an external npm package, used only
// as a program; none of its code lives in this repository).
//
//   node peer.mjs NODE_MODULES_DIR CASE.json...
//
// Prints one JSON object per case on its own line:
//   {"case": "<file>", "decision": "Allowed|ExplicitlyDenied|ImplicitlyDenied|error", "detail": "..."}
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [modulesDir, ...cases] = process.argv.slice(2);
const entry = join(modulesDir, '@cloud-copilot', 'iam-simulate', 'dist', 'esm', 'index.js');
const { runSimulation } = await import(pathToFileURL(entry).href);

// The keys AWS always sets from the principal. iam-simulate does not derive them itself,
// so the same values threegate derives are passed explicitly (only when the case does not set them).
function implicitContext(principal, action, resourceAccount) {
  const out = {};
  const m = /^arn:aws[a-z-]*:(iam|sts)::(\d{12}):(.*)$/.exec(principal);
  if (m) {
    const [, svc, account, rest] = m;
    out['aws:PrincipalAccount'] = account;
    if (svc === 'sts' && rest.startsWith('assumed-role/')) {
      const role = rest.split('/')[1];
      out['aws:PrincipalArn'] = `arn:aws:iam::${account}:role/${role}`;
      out['aws:PrincipalType'] = 'AssumedRole';
    } else if (svc === 'sts' && rest.startsWith('federated-user/')) {
      out['aws:PrincipalArn'] = principal;
      out['aws:PrincipalType'] = 'FederatedUser';
    } else if (svc === 'iam' && rest.startsWith('user/')) {
      out['aws:PrincipalArn'] = principal;
      out['aws:PrincipalType'] = 'User';
      out['aws:username'] = rest.split('/').pop();
    } else if (svc === 'iam' && rest === 'root') {
      out['aws:PrincipalArn'] = principal;
      out['aws:PrincipalType'] = 'Account';
      out['aws:userid'] = account;
    } else {
      out['aws:PrincipalArn'] = principal;
    }
    out['aws:PrincipalIsAWSService'] = 'false';
    if (action.toLowerCase().startsWith('kms:')) out['kms:CallerAccount'] = account;
  }
  if (resourceAccount) out['aws:ResourceAccount'] = resourceAccount;
  return out;
}

function levels(list, prefix) {
  return (list || []).map((level, i) => ({
    orgIdentifier: `${prefix}-level-${i}`,
    policies: level.map((policy, j) => ({ name: `${prefix}-${i}-${j}`, policy })),
  }));
}

function convert(c) {
  const r = c.request;
  const arnAccount = (r.resource.split(':')[4] || '');
  const resourceAccount = r.resource_account || arnAccount;
  const context = { ...(r.context || {}) };
  const present = new Set(Object.keys(context).map((k) => k.toLowerCase()));
  for (const [k, v] of Object.entries(implicitContext(r.principal, r.action, resourceAccount))) {
    if (!present.has(k.toLowerCase())) context[k] = v;
  }
  for (const [k, v] of Object.entries(context)) {
    context[k] = Array.isArray(v) ? v.map(String) : String(v);
  }
  const sim = {
    request: {
      principal: r.principal,
      action: r.action,
      resource: { resource: r.resource, accountId: resourceAccount },
      contextVariables: context,
    },
    identityPolicies: (c.identity_policies || []).map((policy, i) => ({ name: `identity-${i}`, policy })),
    serviceControlPolicies: levels(c.scps, 'scp'),
    resourceControlPolicies: levels(c.rcps, 'rcp'),
  };
  if (c.resource_policy) sim.resourcePolicy = c.resource_policy;
  if (c.permission_boundary) sim.permissionBoundaryPolicies = [{ name: 'boundary', policy: c.permission_boundary }];
  if (c.session_policy) sim.sessionPolicy = c.session_policy;
  return sim;
}

for (const file of cases) {
  let line;
  try {
    const c = JSON.parse(readFileSync(file, 'utf8'));
    const res = await runSimulation(convert(c), {});
    if (res.resultType === 'error') {
      line = { case: basename(file), decision: 'error', detail: JSON.stringify(res.errors) };
    } else {
      const ignored = res.resultType === 'single' ? res.result.ignoredContextKeys : res.results.flatMap((x) => x.ignoredContextKeys || []);
      line = { case: basename(file), decision: res.overallResult, detail: ignored && ignored.length ? `ignored context keys: ${[...new Set(ignored)].join(',')}` : '' };
    }
  } catch (e) {
    line = { case: basename(file), decision: 'error', detail: String(e && e.stack || e) };
  }
  process.stdout.write(JSON.stringify(line) + '\n');
}
