// Opens saml-doctor's HTML reports in headless Debian chromium (playwright-core drives it over
// the DevTools protocol) and checks what a reader would get:
//   - every example capture (examples/ and examples/identity-center/): no console error, no page error, no request other than the file
//     itself (every other one is aborted and counted), the verdict, the timeline and the
//     findings in the rendered DOM, the expected codes; a screenshot per report in
//     target/browser/ (light theme, plus dark for the README's case);
//   - a hostile capture (values holding <script>, "><img onerror=…> and javascript: URLs):
//     no dialog, no script ran, no element but the page's own, and the values present as text;
//   - the planted-secrets capture: none of its cookies, tokens or passwords in the page;
//   - the `trail` page of the example organization trail (examples/cloudtrail): clean as above,
//     the outcome, the chart (its bars add up to the failures), every cause with its fix and
//     every user of the JSON report, in light and dark (target/browser/readme-trail.png is the
//     README's picture, docs/images/trail-report.png); and a trail whose user names, roles and
//     messages hold <script>, "><img onerror=…> and javascript: renders them as text;
//   - the account audit's page (tests/aws/audit.rs leaves it in target/browser/): the same
//     checks, the verdict and every error code on the first screen, a hostile trust-policy value
//     shown as text.
//
// Usage: node check.mjs [path/to/saml-doctor]   (default: ../../target/debug/saml-doctor)
// Fails loudly (exit 1) when chromium is missing: CI must install it.

import { chromium } from 'playwright-core';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const binary = resolve(process.argv[2] ?? join(root, 'target', 'debug', 'saml-doctor'));
const out = join(root, 'target', 'browser');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
mkdirSync(out, { recursive: true });

if (!existsSync(chromiumPath)) {
  console.error(`FAIL: ${chromiumPath} is missing: install the Debian package chromium (apt-get install chromium)`);
  process.exit(1);
}
if (!existsSync(binary)) {
  console.error(`FAIL: ${binary} is missing: build saml-doctor first (cargo build -p saml-doctor)`);
  process.exit(1);
}

let failures = 0;
const fail = (what) => { failures++; console.error(`FAIL: ${what}`); };

/** Runs `saml-doctor diagnose FILE --format html -o OUT`; exit status 0 or 1 is a report. */
function report(input, name) {
  const html = join(out, `${name}.html`);
  // Run from the repository's root with a relative path, as the README does.
  const r = spawnSync(binary, ['diagnose', relative(root, input), '--format', 'html', '-o', html], { encoding: 'utf8', cwd: root });
  if (r.status !== 0 && r.status !== 1) {
    fail(`${name}: saml-doctor exited ${r.status}: ${r.stderr}`);
    return null;
  }
  return html;
}

const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

/** Opens a report; returns what the page did, its rendered DOM facts, and what `more` (a
 * function run in the page) found. */
async function open(htmlPath, { colorScheme = 'light', screenshot, firstScreen, more } = {}) {
  const context = await browser.newContext({ colorScheme, viewport: { width: 1200, height: 900 }, javaScriptEnabled: true });
  const page = await context.newPage();
  const seen = { console: [], pageErrors: [], requests: [], dialogs: [] };
  const self = pathToFileURL(htmlPath).href;
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') seen.console.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => seen.pageErrors.push(String(e)));
  page.on('dialog', async (d) => { seen.dialogs.push(d.message()); await d.dismiss(); });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url === self) return route.continue();
    seen.requests.push(url);
    return route.abort();
  });
  await page.goto(self, { waitUntil: 'load' });
  await page.waitForTimeout(300);
  const dom = await page.evaluate(() => ({
    verdict: document.querySelector('header.verdict h1')?.innerText ?? '',
    fix: document.querySelector('header.verdict .fix')?.innerText ?? '',
    headerCodes: [...document.querySelectorAll('header.verdict .codes code')].map((c) => c.innerText),
    steps: [...document.querySelectorAll('ol.timeline > li.step')].map((li) => li.innerText),
    broken: [...document.querySelectorAll('ol.timeline > li.broken')].map((li) => li.innerText),
    findingCodes: [...document.querySelectorAll('#findings article.finding h4 code')].map((c) => c.innerText),
    svg: document.querySelectorAll('#timing svg').length,
    marks: [...document.querySelectorAll('mark.bad-char')].map((m) => m.innerText),
    scripts: document.querySelectorAll('script').length,
    images: document.querySelectorAll('img, iframe, object, embed, link, base, form, input').length,
    handlers: [...document.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on'))).length,
    externalLinks: [...document.querySelectorAll('[href], [src], [xlink\\:href]')]
      .map((e) => e.getAttribute('href') ?? e.getAttribute('src') ?? e.getAttribute('xlink:href'))
      .filter((h) => !h.startsWith('#')),
    pwned: window.__pwned ?? null,
    text: document.body.innerText,
    firstScreen: (() => {
      const h = document.querySelector('header.verdict');
      return h ? h.getBoundingClientRect().bottom <= window.innerHeight : false;
    })(),
  }));
  const extra = more ? await page.evaluate(more) : null;
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  if (firstScreen) await page.screenshot({ path: firstScreen, clip: { x: 0, y: 0, width: 1200, height: 1400 } });
  await context.close();
  return { seen, dom, more: extra };
}

function checkClean(name, { seen, dom }) {
  if (seen.console.length) fail(`${name}: console messages: ${seen.console.join(' | ')}`);
  if (seen.pageErrors.length) fail(`${name}: page errors: ${seen.pageErrors.join(' | ')}`);
  if (seen.requests.length) fail(`${name}: requests attempted: ${seen.requests.join(', ')}`);
  if (seen.dialogs.length) fail(`${name}: dialogs opened: ${seen.dialogs.join(', ')}`);
  if (dom.scripts || dom.images || dom.handlers) fail(`${name}: active elements: ${dom.scripts} scripts, ${dom.images} embeds, ${dom.handlers} handlers`);
  if (dom.externalLinks.length) fail(`${name}: links out of the page: ${dom.externalLinks.join(', ')}`);
  if (!dom.firstScreen) fail(`${name}: the verdict does not fit the first screenful`);
}

/** The error and warning codes of the JSON report: the page must show the same ones. */
function problemCodes(input) {
  const r = spawnSync(binary, ['diagnose', relative(root, input), '--format', 'json'], { encoding: 'utf8', cwd: root, maxBuffer: 64 << 20 });
  return JSON.parse(r.stdout).findings.filter((f) => f.severity !== 'info').map((f) => f.code);
}

// 1. Every example capture, and where its sign-in broke.
const examples = {
  'guest-user-role-session-name-chrome': { broken: 'signin.aws.amazon.com', marks: ['#', '#'] },
  'session-expired-okta-firefox': { broken: 'signin.aws.amazon.com' },
  'idp-error-status-adfs-safari': { broken: 'signin.aws.amazon.com' },
  'no-saml-response-chrome': { broken: 'End of the capture' },
  'direct-connect-login-edge': { broken: 'my.connect.aws' },
  'healthy-azure-chrome': { broken: null },
};
for (const [name, want] of Object.entries(examples)) {
  const input = join(root, 'examples', `${name}.har`);
  const html = report(input, name);
  if (!html) continue;
  want.codes = problemCodes(input);
  if ((want.broken === null) !== (want.codes.length === 0)) fail(`${name}: the JSON report's codes changed: ${want.codes}`);
  // The README's picture (docs/images/html-report-guest-user.png) is the top of this page.
  const top = name === 'guest-user-role-session-name-chrome' ? join(out, 'readme-guest-user.png') : undefined;
  const result = await open(html, { screenshot: join(out, `${name}.png`), firstScreen: top });
  checkClean(name, result);
  const { dom } = result;
  if (!dom.verdict) fail(`${name}: no verdict in the DOM`);
  if (want.codes.length === 0 && !/No problem found/.test(dom.verdict)) fail(`${name}: verdict "${dom.verdict}"`);
  if (want.codes.length > 0 && !/The sign-in fails/.test(dom.verdict)) fail(`${name}: verdict "${dom.verdict}"`);
  if (want.codes.length > 0 && !dom.fix.startsWith('Fix:')) fail(`${name}: no fix under the verdict`);
  for (const code of want.codes) {
    if (!dom.headerCodes.includes(code)) fail(`${name}: ${code} not in the verdict's codes (${dom.headerCodes})`);
    if (!dom.findingCodes.includes(code)) fail(`${name}: ${code} not among the findings (${dom.findingCodes})`);
  }
  if (dom.steps.length < 2) fail(`${name}: timeline has ${dom.steps.length} steps`);
  if (want.broken === null && dom.broken.length) fail(`${name}: a healthy sign-in has a broken step`);
  if (want.broken && !(dom.broken.length === 1 && dom.broken[0].includes(want.broken) && dom.broken[0].includes('broke here'))) {
    fail(`${name}: the broken step should be the one on ${want.broken}: ${JSON.stringify(dom.broken)}`);
  }
  if (want.marks && JSON.stringify(dom.marks) !== JSON.stringify(want.marks)) fail(`${name}: highlighted ${JSON.stringify(dom.marks)}`);
  if (name !== 'no-saml-response-chrome' && name !== 'direct-connect-login-edge' && dom.svg !== 1) fail(`${name}: ${dom.svg} timing pictures`);
  console.log(`ok   ${name}: "${dom.verdict}", ${dom.steps.length} steps, codes ${dom.headerCodes.join(' ') || '(none)'}`);
}
// Every other capture under examples/ (IAM Identity Center's among them): the same checks,
// with exactly one step marked broken when the report has an error.
for (const dir of [join(root, 'examples'), join(root, 'examples', 'identity-center')]) {
  if (!existsSync(dir)) continue;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.har')).sort()) {
    const name = file.replace(/\.har$/, '');
    if (name in examples) continue;
    const input = join(dir, file);
    const html = report(input, name);
    if (!html) continue;
    const codes = problemCodes(input);
    const result = await open(html, { screenshot: join(out, `${name}.png`) });
    checkClean(name, result);
    const { dom } = result;
    for (const code of codes) {
      if (!dom.headerCodes.includes(code)) fail(`${name}: ${code} not in the verdict's codes (${dom.headerCodes})`);
      if (!dom.findingCodes.includes(code)) fail(`${name}: ${code} not among the findings`);
    }
    const errors = JSON.parse(spawnSync(binary, ['diagnose', relative(root, input), '--format', 'json'], { encoding: 'utf8', cwd: root }).stdout).summary.errors;
    if (errors > 0 && !(dom.broken.length === 1 && /broke here/.test(dom.broken[0]))) fail(`${name}: ${dom.broken.length} steps marked broken`);
    if (errors === 0 && dom.broken.length) fail(`${name}: no error, yet a step is marked broken`);
    if (dom.steps.length < 1) fail(`${name}: empty timeline`);
    console.log(`ok   ${name}: "${dom.verdict}", ${dom.steps.length} steps, codes ${codes.join(' ') || '(none)'}`);
  }
}

// The README's case in the dark theme too.
{
  const name = 'guest-user-role-session-name-chrome';
  const result = await open(join(out, `${name}.html`), { colorScheme: 'dark', screenshot: join(out, `${name}-dark.png`) });
  checkClean(`${name} (dark)`, result);
}

// The print stylesheet: navigation hidden, the verdict and the broken step still there.
{
  const name = 'guest-user-role-session-name-chrome';
  const context = await browser.newContext({ viewport: { width: 900, height: 1200 } });
  const page = await context.newPage();
  await page.goto(pathToFileURL(join(out, `${name}.html`)).href);
  await page.emulateMedia({ media: 'print' });
  const printed = await page.evaluate(() => ({
    nav: getComputedStyle(document.querySelector('nav')).display,
    verdict: document.querySelector('header.verdict h1').innerText,
    broken: document.querySelectorAll('li.broken').length,
  }));
  if (printed.nav !== 'none' || !printed.verdict || printed.broken !== 1) fail(`${name} (print): ${JSON.stringify(printed)}`);
  await page.screenshot({ path: join(out, `${name}-print.png`), fullPage: true });
  await page.pdf({ path: join(out, `${name}.pdf`), format: 'A4' });
  await context.close();
  console.log(`ok   ${name}: prints (navigation hidden, verdict and broken step kept; ${name}.pdf)`);
}

// 2. A hostile capture: its values try to run script, load an image and link to javascript:.
{
  const name = 'hostile-values';
  const script = '<script>window.__pwned="script";alert("script")</script>';
  const img = '"><img src=x onerror="window.__pwned=\'img\';alert(\'img\')">';
  const js = 'javascript:window.__pwned="url";alert("url")';
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const now = '2024-05-14T09:31:07Z';
  const xml = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_h1" Version="2.0" IssueInstant="${now}" Destination="${esc(js)}">`
    + `<saml:Issuer>${esc(script)}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>`
    + `<saml:Assertion ID="_h2" Version="2.0" IssueInstant="${now}"><saml:Issuer>${esc(script)}</saml:Issuer>`
    + `<saml:Subject><saml:NameID>${esc(img)}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData Recipient="${esc(js)}" NotOnOrAfter="2024-05-14T09:36:07Z"/></saml:SubjectConfirmation></saml:Subject>`
    + `<saml:Conditions NotBefore="2024-05-14T09:26:07Z" NotOnOrAfter="2024-05-14T09:36:07Z"><saml:AudienceRestriction><saml:Audience>${esc(js)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>`
    + `<saml:AttributeStatement>`
    + `<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><saml:AttributeValue>${esc(img)}</saml:AttributeValue></saml:Attribute>`
    + `<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><saml:AttributeValue>${esc(script)}</saml:AttributeValue></saml:Attribute>`
    + `<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/PrincipalTag:${esc('<b onmouseover=alert(1)>')}"><saml:AttributeValue>${esc(js)}</saml:AttributeValue></saml:Attribute>`
    + `</saml:AttributeStatement></saml:Assertion></samlp:Response>`;
  const samlResponse = Buffer.from(xml).toString('base64');
  const body = `SAMLResponse=${encodeURIComponent(samlResponse)}&RelayState=${encodeURIComponent(js + img)}`;
  const entry = (started, method, url, postText, status = 200) => ({
    startedDateTime: started,
    time: 80,
    request: { method, url, httpVersion: 'HTTP/1.1', headers: [], queryString: [], cookies: [], headersSize: -1, bodySize: -1,
      ...(postText ? { postData: { mimeType: 'application/x-www-form-urlencoded', text: postText } } : {}) },
    response: { status, statusText: '', httpVersion: 'HTTP/1.1', headers: [], cookies: [], content: { size: 0, mimeType: 'text/html' }, redirectURL: '', headersSize: -1, bodySize: -1 },
    cache: {}, timings: { send: 0, wait: 0, receive: 0 },
  });
  const har = { log: { version: '1.2', creator: { name: 'check.mjs', version: '1' }, entries: [
    entry('2024-05-14T09:31:00.000Z', 'GET', `https://login.microsoftonline.com/t/saml2/${encodeURIComponent(script)}?${encodeURIComponent(img)}=1&next=${encodeURIComponent(js)}`),
    entry('2024-05-14T09:31:09.000Z', 'POST', 'https://signin.aws.amazon.com/saml', body, 400),
  ] } };
  const harPath = join(out, `${name}.har`);
  writeFileSync(harPath, JSON.stringify(har, null, 2));
  const html = report(harPath, name);
  if (html) {
    const result = await open(html, { screenshot: join(out, `${name}.png`) });
    checkClean(name, result);
    const { dom } = result;
    if (dom.pwned !== null) fail(`${name}: a capture value ran as script (${dom.pwned})`);
    for (const needle of ['<script>window.__pwned="script"', '"><img src=x onerror=', 'javascript:window.__pwned="url"']) {
      if (!dom.text.includes(needle)) fail(`${name}: ${needle} is not shown as text`);
    }
    if (!dom.headerCodes.includes('role_session_name_invalid')) fail(`${name}: role_session_name_invalid missing (${dom.headerCodes})`);
    console.log(`ok   ${name}: hostile values inert and shown as text (${dom.marks.length} characters highlighted)`);
  }
}

// 3. The planted-secrets capture: nothing secret in the page (checked on the file's bytes,
// which include everything the browser could show).
{
  const name = 'planted-secrets';
  const html = report(join(root, 'tests', 'fixtures', 'har', 'planted-secrets.har'), name);
  if (html) {
    const page = readFileSync(html, 'utf8');
    const secrets = readFileSync(join(root, 'tests', 'fixtures', 'har', 'planted-secrets.values'), 'utf8').split('\n').filter(Boolean);
    const leaked = secrets.filter((s) => page.includes(s));
    if (leaked.length) fail(`${name}: secrets in the page: ${leaked.join(', ')}`);
    if (/SignatureValue|SAMLResponse=/.test(page)) fail(`${name}: the SAMLResponse or its signature is in the page`);
    const result = await open(html, { screenshot: join(out, `${name}.png`) });
    checkClean(name, result);
    console.log(`ok   ${name}: none of ${secrets.length} planted secrets in the page`);
  }
}

// 4. The trail page: who failed to sign in, and why, from the example organization trail.
/** Runs `saml-doctor trail ARGS`; exit status 0 or 1 is a report. */
function trail(args, name) {
  const r = spawnSync(binary, ['trail', ...args], { encoding: 'utf8', cwd: root, maxBuffer: 64 << 20 });
  if (r.status !== 0 && r.status !== 1) {
    fail(`${name}: saml-doctor trail exited ${r.status}: ${r.stderr}`);
    return null;
  }
  return r.stdout;
}

/** What the trail page shows, read in its DOM. */
function trailFacts() {
  return {
    causes: [...document.querySelectorAll('header.verdict .codes code')].map((c) => c.innerText),
    cards: [...document.querySelectorAll('#causes article.finding')].map((a) => ({
      code: a.querySelector('h4 code').innerText,
      fix: a.querySelector('p.fix').innerText.replace(/^Fix:\s*/, ''),
    })),
    bars: [...document.querySelectorAll('#chart svg rect title')].map((t) => Number(t.textContent.split(' ').pop())),
    users: [...document.querySelectorAll('#users table.users tbody tr')].map((tr) => ({
      user: tr.querySelector('th').innerText,
      recovered: tr.querySelector('.recovered').innerText.includes('yes'),
    })),
  };
}

{
  const name = 'trail';
  const html = join(out, `${name}.html`);
  const json = trail(['examples/cloudtrail', '--format', 'json'], name);
  if (json !== null && trail(['examples/cloudtrail', '--format', 'html', '-o', html], name) !== null) {
    const report = JSON.parse(json);
    const result = await open(html, { screenshot: join(out, `${name}.png`), firstScreen: join(out, 'readme-trail.png'), more: trailFacts });
    checkClean(name, result);
    const { dom, more: t } = result;
    const outcome = `${report.sign_ins.failed} of ${report.sign_ins.attempts} sign-ins failed`;
    if (!dom.verdict.includes(outcome)) fail(`${name}: verdict "${dom.verdict}", not "${outcome}"`);
    const codes = report.causes.map((c) => c.code);
    if (JSON.stringify(t.causes) !== JSON.stringify(codes)) fail(`${name}: the verdict's causes ${t.causes} are not ${codes}`);
    if (JSON.stringify(t.cards.map((c) => c.code)) !== JSON.stringify(codes)) fail(`${name}: cause cards ${t.cards.map((c) => c.code)}`);
    for (const c of report.causes) {
      const card = t.cards.find((k) => k.code === c.code);
      if (!card || card.fix !== c.fix) fail(`${name}: ${c.code}'s fix on the page differs from the report's`);
    }
    const charted = t.bars.reduce((a, b) => a + b, 0);
    if (charted !== report.sign_ins.failed) fail(`${name}: the chart's bars add up to ${charted}, not ${report.sign_ins.failed}`);
    const users = report.users.map((u) => ({ user: u.user, recovered: u.recovered }));
    if (JSON.stringify(t.users) !== JSON.stringify(users)) fail(`${name}: users ${JSON.stringify(t.users)}`);
    const dark = await open(html, { colorScheme: 'dark', screenshot: join(out, `${name}-dark.png`) });
    checkClean(`${name} (dark)`, dark);
    console.log(`ok   ${name}: "${dom.verdict}", ${t.cards.length} causes, ${t.bars.length} bar segments adding up to ${charted}, ${t.users.length} users`);
  }
}

// A trail whose values try to run script, load an image and link to javascript:.
{
  const name = 'trail-hostile-values';
  const script = '<script>window.__pwned="script";alert("script")</script>';
  const img = '"><img src=x onerror="window.__pwned=\'img\';alert(\'img\')">';
  const js = 'javascript:window.__pwned="url";alert("url")';
  const failed = (time, user, session, message) => ({
    eventVersion: '1.08', userIdentity: { type: 'SAMLUser', userName: user }, eventTime: time,
    eventSource: 'sts.amazonaws.com', eventName: 'AssumeRoleWithSAML', errorCode: 'InvalidIdentityToken',
    errorMessage: message, requestParameters: { roleSessionName: session, roleArn: js, principalArn: img },
    eventID: `hostile-${time}`, recipientAccountId: script,
  });
  const log = join(out, `${name}.json`);
  writeFileSync(log, JSON.stringify({ Records: [
    failed('2024-05-07T10:00:00Z', script, 'ok', 'Response signature invalid'),
    failed('2024-05-07T10:01:00Z', img, img, `${script} ${js}`),
  ] }));
  const html = join(out, `${name}.html`);
  if (trail([relative(root, log), '--format', 'html', '-o', html], name) !== null) {
    const result = await open(html, { screenshot: join(out, `${name}.png`) });
    checkClean(name, result);
    const { dom } = result;
    if (dom.pwned !== null) fail(`${name}: a log value ran as script (${dom.pwned})`);
    for (const needle of ['<script>window.__pwned="script"', '"><img src=x onerror=', 'javascript:window.__pwned="url"']) {
      if (!dom.text.includes(needle)) fail(`${name}: ${needle} is not shown as text`);
    }
    console.log(`ok   ${name}: hostile values inert and shown as text`);
  }
}

// 5. The account audit's page, as tests/aws/audit.rs left it: the real binary's report of an
// organization on moto, one of whose trust policies holds a SAML:aud written to break out of the
// page (<script>, an <img onerror>).
{
  const name = 'audit-organization';
  const page = join(out, `${name}.html`);
  if (!existsSync(page)) {
    fail(`${name}: ${page} is missing: tests/aws/audit.rs writes it (cargo test --test e2e aws:: with MOTO_ENDPOINT set; .ci/run does)`);
  } else {
    for (const colorScheme of ['light', 'dark']) {
      const result = await open(page, { colorScheme, screenshot: join(out, `${name}-${colorScheme}.png`), firstScreen: colorScheme === 'light' ? join(out, `${name}-top.png`) : undefined });
      checkClean(`${name} (${colorScheme})`, result);
      const { dom } = result;
      if (dom.pwned !== null) fail(`${name}: an account value ran as script (${dom.pwned})`);
      if (!/Sign-ins fail or will fail/.test(dom.verdict)) fail(`${name}: verdict "${dom.verdict}"`);
      if (!dom.fix.startsWith('Fix:')) fail(`${name}: no fix under the verdict`);
      if (!dom.text.includes(`"><script>window.__pwned='aud'</script>`)) fail(`${name}: the hostile SAML:aud is not shown as text`);
      for (const code of ['iam_provider_missing_current_cert', 'iam_provider_missing_next_cert', 'iam_provider_expired', 'trust_policy_provider_not_found', 'connect_user_not_found']) {
        if (!dom.headerCodes.includes(code)) fail(`${name}: ${code} not in the verdict's codes (${dom.headerCodes})`);
      }
      if (colorScheme === 'light') console.log(`ok   ${name}: "${dom.verdict}", codes ${dom.headerCodes.join(' ')}`);
    }
  }
}

await browser.close();
if (failures) {
  console.error(`${failures} browser check(s) failed; pages and screenshots in ${out}`);
  process.exit(1);
}
console.log(`browser checks passed; pages and screenshots in ${out}`);
