// Validates SARIF files against the SARIF 2.1.0 JSON schema with Ajv, then checks what threegate
// promises beyond the schema (rule indexes, fingerprints, relative URIs, 1-based regions).
//
//   node validate.mjs NODE_MODULES SCHEMA FILE...
//
// Prints one line per file and closes with "N passed, N failed"; exits 1 on a failure.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const [modules, schemaPath, ...files] = process.argv.slice(2);
const require = createRequire(modules.replace(/\/?$/, "/"));
const AjvDraft04 = require("ajv-draft-04");
const addFormats = require("ajv-formats");
const Ajv = AjvDraft04.default || AjvDraft04;
// unicodeRegExp off: the schema's pattern for `language` has a stray ']' ("^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$")
// that JavaScript rejects with the 'u' flag but accepts, as the schema's authors meant, without it.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
(addFormats.default || addFormats)(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, "utf8")));

function threegateChecks(log) {
  const problems = [];
  const check = (ok, what) => { if (!ok) problems.push(what); };
  check(log.version === "2.1.0", "version is not 2.1.0");
  check(Array.isArray(log.runs) && log.runs.length === 1, "not exactly one run");
  const run = log.runs?.[0] ?? {};
  const driver = run.tool?.driver ?? {};
  check(driver.name === "threegate" && typeof driver.version === "string", "tool.driver name/version");
  // Links exist only when the build knows threegate's home page (THREEGATE_HOMEPAGE_URL).
  check(driver.informationUri === undefined || typeof driver.informationUri === "string", "tool.driver.informationUri");
  check(run.columnKind === "utf16CodeUnits", "columnKind is not utf16CodeUnits");
  const rules = driver.rules ?? [];
  const ids = new Set();
  for (const r of rules) {
    check(!ids.has(r.id), `rule ${r.id} listed twice`);
    ids.add(r.id);
    const sev = Number(r.properties?.["security-severity"]);
    check(typeof r.properties?.["security-severity"] === "string" && sev > 0 && sev <= 10,
          `rule ${r.id}: security-severity is not a numeric string in (0, 10]`);
    check((r.properties?.tags ?? []).includes("security"), `rule ${r.id}: no "security" tag`);
    check(["error", "warning", "note"].includes(r.defaultConfiguration?.level), `rule ${r.id}: defaultConfiguration.level`);
    if (r.help !== undefined) {  // a catalog rule (an id outside the catalog has only a summary)
      check(r.helpUri === undefined || (typeof r.helpUri === "string" && r.helpUri.includes("#" + r.id.toLowerCase() + "-")),
            `rule ${r.id}: helpUri without its anchor`);
      check(typeof r.help?.text === "string" && typeof r.help?.markdown === "string", `rule ${r.id}: help text/markdown`);
    }
  }
  const bases = run.originalUriBaseIds ?? {};
  const fingerprints = new Set();
  const checkLocation = (loc, where) => {
    const p = loc.physicalLocation;
    if (!p) return;
    const a = p.artifactLocation ?? {};
    check(typeof a.uri === "string" && !a.uri.includes("\\"), `${where}: uri with a backslash`);
    if (a.uriBaseId !== undefined) {
      check(!/^[a-z][a-z0-9+.-]*:/i.test(a.uri) && !a.uri.startsWith("/"), `${where}: uri under a base id is not relative`);
      check(typeof bases[a.uriBaseId]?.uri === "string" && bases[a.uriBaseId].uri.endsWith("/"),
            `${where}: base id ${a.uriBaseId} not in originalUriBaseIds`);
    } else {
      check(/^file:\/\//.test(a.uri), `${where}: uri without base id is not an absolute file URI`);
    }
    const r = p.region;
    if (r) {
      check(r.startLine >= 1 && r.startColumn >= 1 && r.endLine >= r.startLine && r.endColumn >= 1, `${where}: region`);
      if (r.endLine === r.startLine) check(r.endColumn >= r.startColumn, `${where}: endColumn before startColumn`);
    }
  };
  (run.results ?? []).forEach((res, i) => {
    const where = `result ${i} (${res.ruleId})`;
    check(rules[res.ruleIndex]?.id === res.ruleId, `${where}: ruleIndex does not name ruleId`);
    check(["error", "warning", "note"].includes(res.level), `${where}: level`);
    const fp = res.partialFingerprints?.["threegate/v1"];
    check(/^[0-9a-f]{16}:[1-9][0-9]*$/.test(fp ?? ""), `${where}: partialFingerprints["threegate/v1"]`);
    check(!fingerprints.has(fp), `${where}: fingerprint ${fp} not unique`);
    fingerprints.add(fp);
    (res.locations ?? []).forEach((l) => checkLocation(l, where));
    (res.relatedLocations ?? []).forEach((l) => checkLocation(l, where + " related"));
  });
  return problems;
}

let passed = 0;
let failed = 0;
for (const file of files) {
  let problems;
  try {
    const log = JSON.parse(readFileSync(file, "utf8"));
    problems = validate(log)
      ? threegateChecks(log)
      : validate.errors.slice(0, 10).map((e) => `schema: ${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
  } catch (e) {
    problems = [String(e)];
  }
  if (problems.length === 0) {
    passed++;
    console.log(`ok    ${file}`);
  } else {
    failed++;
    console.log(`FAIL  ${file}`);
    for (const p of problems) console.log(`      ${p}`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
