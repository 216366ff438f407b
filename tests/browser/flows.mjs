// Accord in a real browser: Debian's Chromium driven by playwright-core (never a downloaded
// browser), accessibility checked by axe-core on every page in every language.
//
// Run by the Rust test `e2e::browser` (crates/accord/tests/e2e/browser.rs), which starts the
// real `accord serve` binary on loopback and creates the accounts. Inputs (environment):
//   ACCORD_BASE       the server, such as http://127.0.0.1:40123
//   ACCORD_USERS      JSON {"name": "password", …}
//   ACCORD_ARTIFACTS  folder for screenshots (created)
//   ACCORD_CHROMIUM   the browser (default /usr/bin/chromium)
//
// Flows, each as the users who do them:
//   1. a commercial case from filing to a signed, countersigned and attested settlement, and its
//      public verification;
//   2. a State–State case through a third State's consent to registration;
//   3. every page, in every language, checked by axe-core (WCAG 2.2 A and AA rules), with
//      screenshots of the main pages in Arabic and Chinese.
// Prints `FIGURE axe pages=N violations=V` and exits non-zero on any failure.

import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

const BASE = process.env.ACCORD_BASE;
const USERS = JSON.parse(process.env.ACCORD_USERS || '{}');
const ARTIFACTS = process.env.ACCORD_ARTIFACTS || 'artifacts';
const CHROMIUM = process.env.ACCORD_CHROMIUM || '/usr/bin/chromium';
const LANGUAGES = ['en', 'zh-Hans', 'zh-Hant', 'fr', 'ar', 'ru', 'es'];
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

mkdirSync(ARTIFACTS, { recursive: true });

function fail(message) {
  throw new Error(message);
}

// RFC 6238 (SHA-1, 6 digits, 30 s), as authenticator apps compute it.
function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of text.replace(/=+$/, '').toUpperCase()) {
    const v = alphabet.indexOf(ch);
    if (v < 0) fail(`not base32: ${ch}`);
    bits += v.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}
function totp(secret, at = Date.now()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac('sha1', base32(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return code.toString().padStart(6, '0');
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
});

const people = {};
const axe = { pages: 0, violations: 0, details: [] };
let steps = 0;

function step(text) {
  steps += 1;
  console.log(`step ${steps}: ${text}`);
}

/// Signs a user in (enrolling the second factor on first sign-in when the role needs it).
async function signIn(name) {
  const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Asia/Hong_Kong' });
  const page = await context.newPage();
  page.on('pageerror', (e) => fail(`${name}: script error ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/.test(m.text())) fail(`${name}: ${m.text()}`);
  });
  const person = { name, context, page, secret: null };
  people[name] = person;
  await page.goto(`${BASE}/login`);
  await page.fill('#username', name);
  await page.fill('#password', USERS[name]);
  await page.click('form[action="/login"] button[type=submit]');
  if (page.url().endsWith('/account/second-factor')) {
    await check(page, `second-factor-${name}`);
    person.secret = (await page.textContent('code.secret')).trim();
    await page.fill('#code', totp(person.secret));
    await page.click('form[action="/account/second-factor"] button[type=submit]');
  }
  if (new URL(page.url()).pathname === '/account/time-zone') {
    // The first sign-in asks the time zone, the browser's own already chosen (by a deferred
    // script: read the choice once the page has loaded).
    await page.waitForLoadState('load');
    if (name === 'harbour') await check(page, 'time-zone-en');
    const suggested = await page.locator('#time_zone').inputValue();
    if (suggested !== 'Asia/Hong_Kong') fail(`${name}: the browser's zone was not suggested (${suggested})`);
    await page.click('main form[action="/account"] button[type=submit]');
  }
  if (new URL(page.url()).pathname !== '/') fail(`${name}: signed in at ${page.url()}`);
  return person;
}

/// Runs axe on the page; saves a screenshot.
async function check(page, label, { shot = true } = {}) {
  const result = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  axe.pages += 1;
  for (const v of result.violations) {
    axe.violations += v.nodes.length;
    axe.details.push(`${label}: ${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }
  if (shot) await page.screenshot({ path: join(ARTIFACTS, `${label}.png`), fullPage: true });
}

async function expectText(page, selector, wanted) {
  const text = await page.textContent(selector);
  if (!text || !text.includes(wanted)) fail(`expected "${wanted}" in ${selector}, found "${text}"`);
}

/// Submits the case-page form of an action (optionally the one for a party), as a person would:
/// opening "More actions" when the form is there, and confirming on the confirmation page when
/// the act cannot be undone. Returns whether a confirmation was asked.
async function act(page, action, fill = {}, party = null) {
  const form = party
    ? page.locator(`form[action$="/actions/${action}"]:has(input[name=party][value="${party}"])`)
    : page.locator(`form[action$="/actions/${action}"]`);
  if ((await form.count()) !== 1) fail(`the form ${action} ${party ?? ''} is not offered on ${page.url()}`);
  const folded = form.locator('xpath=ancestor::details[not(@open)]');
  if ((await folded.count()) > 0) await folded.locator('summary').click();
  for (const [field, value] of Object.entries(fill)) {
    const input = form.locator(`[name="${field}"]`);
    const type = await input.getAttribute('type');
    const tag = await input.evaluate((e) => e.tagName);
    if (type === 'checkbox') await input.check();
    else if (tag === 'SELECT') await input.selectOption(value);
    else await input.fill(value);
  }
  await form.locator('button[type=submit]').click();
  await page.waitForLoadState('load');
  const confirming = (await page.locator('form.confirm-form').count()) > 0;
  if (confirming) {
    await page.click('form.confirm-form button[type=submit]');
    await page.waitForLoadState('load');
  }
  const alert = await page.locator('.alert').count();
  if (alert) fail(`${action}: ${await page.textContent('.alert')}`);
  return confirming;
}

async function openCase(person, caseUrl) {
  await person.page.goto(caseUrl);
  return person.page;
}

async function stage(page) {
  return (await page.textContent('.stage strong')).trim();
}

// ---- 1. A commercial case, from filing to signed settlement and public verification ----------
/// Signs in with the keyboard only, from the top of the page: the skip link comes first, every
/// control is reachable by Tab, and Enter sends the form.
async function keyboardSignIn(name) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${BASE}/login`);
  await page.keyboard.press('Tab');
  if (!(await page.evaluate(() => document.activeElement?.classList.contains('skip')))) fail('the skip link is not first');
  let steps = 0;
  while ((await page.evaluate(() => document.activeElement?.id)) !== 'username') {
    await page.keyboard.press('Tab');
    if (++steps > 20) fail('the sign-in name cannot be reached by Tab');
  }
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  if (outline === 'none') fail('no visible focus on the sign-in name');
  await page.keyboard.type(name);
  await page.keyboard.press('Tab');
  await page.keyboard.type(USERS[name]);
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => ['/', '/account/time-zone'].includes(url.pathname));
  await context.close();
}

/// At `width` px nothing overflows the page sideways (tables scroll inside their frame); a
/// screenshot for a person to look at.
async function fitsWidth(page, label, width, height) {
  const size = page.viewportSize();
  await page.setViewportSize({ width, height });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 1) fail(`${label} is ${overflow}px wider than a ${width}px screen`);
  await page.screenshot({ path: join(ARTIFACTS, `${label}-${width}px.png`), fullPage: true });
  await page.setViewportSize(size);
}

/// The smallest phones' 360 px.
const fitsSmallScreen = (page, label) => fitsWidth(page, label, 360, 740);

/// A common phone's 390 px.
const atPhoneWidth = (page, label) => fitsWidth(page, label, 390, 844);

/// The stable codes the API answers with and the procedural profiles' ids: words for programs,
/// which no page may show to people (issue 21 item 2).
let developerWords = null;
async function codesOfTheApi(page) {
  if (developerWords) return developerWords;
  const doc = await (await page.request.get(`${BASE}/api/v1/openapi.json`)).json();
  const description = doc.components.schemas.Error.properties.error.properties.code.description;
  const codes = description.slice(description.lastIndexOf(': ') + 2).split(', ');
  developerWords = [...codes.filter((c) => c.includes('-')), 'iomed-default', 'uncitral-2021', 'icsid-2022'];
  return developerWords;
}

/// The visible text of the page holds no code, no section sign and no profile version tag.
async function speaksToPeople(page, label) {
  const text = await page.evaluate(() => document.body.innerText);
  const codes = await codesOfTheApi(page);
  const found = codes.filter((c) => new RegExp(`(^|[^\\w-])${c}($|[^\\w-])`).test(text));
  if (found.length) fail(`${label} shows codes: ${found.join(', ')}`);
  const marks = text.match(/§|\bv\d+:|_days\b|Error code/);
  if (marks) fail(`${label} shows "${marks[0]}"`);
}

/// The mediator saves a version of the settlement draft from the settlement page.
async function draftSettlement(page, englishText) {
  await page.fill('#pob-A', 'Hong Kong');
  await page.fill('#pob-B', 'Jakarta');
  await page.selectOption('#obligation-0-party', 'B');
  await page.fill('#obligation-0-description', 'pays for the late deliveries');
  await page.fill('#obligation-0-amount', '1250000.00');
  await page.fill('#obligation-0-currency', 'USD');
  await page.fill('#obligation-0-due', '2027-03-31');
  await page.selectOption('#obligation-1-party', 'A');
  await page.fill('#obligation-1-description', 'resumes deliveries under the supply agreement');
  await page.fill('#governing_law', 'the law of Hong Kong');
  await page.fill('#dispute_clause', 'arbitration at HKIAC');
  await page.fill('#confidentiality', 'confidential');
  await page.fill('#permitted_disclosure', 'to implement or enforce this agreement');
  await page.selectOption('#authoritative_language', 'en');
  await page.fill('#text-en', englishText);
  await page.fill('#text-zh-Hans', '和解协议：Harbour Trading Ltd 与 PT Indah Logistik。');
  await page.click('form.form button[type=submit]');
  await expectText(page, '.notice', 'new version of the draft was saved');
}

async function commercialCase() {
  step('Harbour signs in with the keyboard alone');
  await keyboardSignIn('harbour');
  const harbour = await signIn('harbour');
  const indah = await signIn('indah');
  const sgen = await signIn('sgen');
  const amina = await signIn('amina');

  step('Harbour files a request, guided, saved as a draft');
  let page = harbour.page;
  await check(page, 'dashboard-party-en');
  await fitsSmallScreen(page, 'dashboard-party');
  await page.click('a[href="/cases/new"].button');
  await check(page, 'filing-type-en');
  await page.click('a[href="/cases/new?type=commercial"]');
  await check(page, 'filing-en');
  if ((await page.locator('#third_state').count()) !== 0) fail('a commercial filing asks for third States');
  await page.selectOption('#profile', 'iomed-default');
  await page.fill('#title', 'Harbour Trading v. PT Indah Logistik — late deliveries');
  await page.fill('#summary', 'Late deliveries of container cargo under a supply agreement of 2025.');
  await page.check('#category-sale-of-goods');
  if ((await page.locator('input#p1_id:not([type=hidden])').count()) !== 0) fail('the filing form asks for a party code');
  await page.fill('#p1_name', 'Harbour Trading Ltd');
  await page.selectOption('#p1_kind', 'company');
  await page.fill('#p1_country', 'Hong Kong, China');
  await page.fill('#p1_authority', 'Board resolution of 3 March 2026');
  await page.fill('#p1_consent', 'Supply Agreement, clause 19');
  await page.fill('#p2_name', 'PT Indah Logistik');
  await page.selectOption('#p2_kind', 'company');
  await page.fill('#p2_country', 'Atlantis');
  await page.fill('#p2_representative', 'indah');
  await page.fill('#p2_authority', 'Power of attorney of 9 March 2026');
  await page.fill('#p2_consent', 'Supply Agreement, clause 19');
  await page.click('form[action="/cases/new"] button[type=submit]');
  // A country that is not on the list is refused next to its field; what was typed stays.
  await expectText(page, '#p2_country-error', 'not on the list');
  if ((await page.locator('#title').inputValue()) !== 'Harbour Trading v. PT Indah Logistik — late deliveries') fail('the refused filing lost its title');
  if ((await page.locator('#p2_representative').inputValue()) !== 'indah') fail('the refused filing lost a representative');
  await page.fill('#p2_country', 'Indonesia');
  await page.click('form[action="/cases/new"] button[type=submit]');
  const caseUrl = page.url().split('?')[0];
  if (!/\/cases\/[0-9a-f-]{36}$/.test(caseUrl)) fail(`after filing: ${page.url()}`);
  await expectText(page, '.stage strong', 'Draft request');
  await check(page, 'case-draft-en');

  step('Harbour edits the draft before submitting it');
  await page.click('a.button[href$="/draft"]');
  await check(page, 'draft-edit-en');
  if ((await page.locator('#p2_country').inputValue()) !== 'Indonesia') fail('the draft form does not show the country by name');
  await page.fill('#title', 'Harbour Trading v. PT Indah Logistik — late deliveries of cargo');
  await page.click('form[action$="/draft"] button[type=submit]');
  await expectText(page, 'h1', 'late deliveries of cargo');
  await expectText(page, '.stage strong', 'Draft request');

  step('Harbour submits the request');
  await act(page, 'submit-request');
  await expectText(page, '.stage strong', 'Request filed');
  await expectText(page, '.notice', 'submitted to the Secretariat');

  step('The Secretariat records the fee and registers');
  page = await openCase(sgen, caseUrl);
  await act(page, 'record-lodging-fee');
  await act(page, 'register');
  step('The Secretariat nominates the mediator from the panel');
  await act(page, 'nominate-mediator', {
    mediator_user_id: await page.locator('select[name=mediator_user_id] option', { hasText: 'Amina Diallo' }).getAttribute('value'),
    name: 'Amina Diallo',
    nationality: 'sn',
    method: 'joint-nomination',
  });
  await check(page, 'case-secretariat-en');

  step('The mediator accepts with the declaration and records the first session');
  page = await openCase(amina, caseUrl);
  // A declaration without every confirmation is refused, next to the fields, and nothing is kept.
  await act(page, 'accept-appointment', { 'declaration.independent': 'on' }).then(
    () => fail('an incomplete declaration was accepted'),
    () => {},
  );
  if ((await page.locator('.field.invalid').count()) < 3) fail('the unticked confirmations are not marked');
  await check(page, 'case-form-errors-en');
  await act(page, 'accept-appointment', {
    'declaration.independent': 'on',
    'declaration.impartial': 'on',
    'declaration.available': 'on',
    'declaration.confidentiality': 'on',
  });
  await act(page, 'record-first-session', {
    'record.negotiators.A': 'Grace Ho',
    'record.negotiators.B': 'Budi Santoso',
    'record.language': 'English',
    'record.information_treatment': 'Caucus content stays private unless the party authorises a relay.',
    'record.standstill': 'No new proceedings for 60 days',
    'record.settlement_disclosure': 'Confidential except for enforcement',
  });
  await expectText(page, '.stage strong', 'Mediation under way');
  await check(page, 'case-mediator-en');

  step('Harbour writes in the joint session and files a document in its caucus');
  page = await openCase(harbour, caseUrl);
  await page.click('a:has-text("Joint session")');
  await page.fill('#body', 'We propose to settle the late-delivery claims in one payment.');
  await page.click('form[action$="/messages"] button[type=submit]');
  await expectText(page, '.notice', 'Your message was sent');
  await expectText(page, 'ol.messages', 'one payment');
  await check(page, 'channel-plenary-en');
  await page.goto(caseUrl);
  await page.click('a:has-text("Private session with Harbour Trading Ltd")');
  if ((await page.locator('.private-banner').count()) !== 1) fail('the caucus is not marked private');
  await page.fill('#title', 'Bottom line for the payment');
  await page.setInputFiles('#file', { name: 'bottom-line.txt', mimeType: 'text/plain', buffer: Buffer.from('We can pay up to 1.4 million.\n') });
  await page.click('form[enctype="multipart/form-data"] button[type=submit]');
  await expectText(page, '.notice', 'The document was filed');
  await expectText(page, 'ul.documents', 'Bottom line for the payment');
  await check(page, 'channel-caucus-en');
  const caucusUrl = page.url().split('?')[0];

  step('Indah sees Harbour\'s joint-session message appear without reloading (htmx)');
  await indah.page.goto(`${caseUrl}/channels/plenary`);
  await harbour.page.goto(`${caseUrl}/channels/plenary`);
  await harbour.page.fill('#body', 'A second message, for the live view.');
  await harbour.page.click('form[action$="/messages"] button[type=submit]');
  await indah.page.waitForFunction(
    () => document.querySelector('#messages')?.textContent.includes('for the live view'),
    null,
    { timeout: 40_000 },
  );

  step('Indah cannot open Harbour\'s caucus');
  const denied = await indah.page.goto(caucusUrl);
  if (denied.status() !== 404 && denied.status() !== 403) fail(`Indah opened Harbour's caucus: ${denied.status()}`);
  const indahText = await indah.page.textContent('body');
  if (indahText.includes('1.4 million') || indahText.includes('Bottom line')) fail('the caucus leaked to Indah');

  step('Harbour writes to the mediator in its caucus; the mediator proposes to relay an excerpt');
  await harbour.page.goto(caucusUrl);
  await harbour.page.fill('#body', 'Tell them we could move on the term if the payment is 1.2 million. Keep our bottom line private.');
  await harbour.page.click('form[action$="/messages"] button[type=submit]');
  page = amina.page;
  await page.goto(caucusUrl);
  if ((await page.locator('.private-banner').count()) !== 1) fail('the mediator\'s view of the caucus is not marked private');
  const relayForm = page.locator('li:has-text("move on the term") details.relay');
  await relayForm.locator('summary').click();
  // The excerpt starts as the whole message; the mediator shortens it to what may be passed on.
  const excerpt = relayForm.locator('textarea[name=excerpt]');
  if (!(await excerpt.inputValue()).includes('bottom line')) fail('the excerpt does not start as the message');
  await excerpt.fill('we could move on the term if the payment is 1.2 million');
  await relayForm.locator('select[name=target]').selectOption('plenary');
  await relayForm.locator('button[type=submit]').click();
  await expectText(page, '.notice', 'relay was proposed');
  const plenaryBefore = await indah.page.goto(`${caseUrl}/channels/plenary`).then(() => indah.page.textContent('main'));
  if (plenaryBefore.includes('move on the term')) fail('the excerpt reached the plenary before Harbour approved');

  step('Harbour approves the relay; Indah reads the excerpt, marked as relayed, and nothing else');
  await harbour.page.goto(caucusUrl);
  await check(harbour.page, 'channel-caucus-relay-en');
  await harbour.page.locator('form[action*="/relays/"] button[value=approve]').click();
  await expectText(harbour.page, '.notice', 'decision on the relay was recorded');
  await indah.page.goto(`${caseUrl}/channels/plenary`);
  await expectText(indah.page, 'ol.messages', 'we could move on the term if the payment is 1.2 million');
  await expectText(indah.page, 'ol.messages', 'relayed with the approval of Harbour Trading Ltd');
  if ((await indah.page.textContent('main')).includes('bottom line')) fail('more than the excerpt was relayed');

  step('The mediator polls a joint session; the parties answer from Zurich and Auckland; the mediator confirms');
  for (const [person, zone] of [[harbour, 'Europe/Zurich'], [indah, 'Pacific/Auckland']]) {
    await person.page.goto(`${BASE}/account`);
    await person.page.fill('#time_zone', zone);
    await person.page.click('main form[action="/account"] button[type=submit]');
  }
  page = amina.page;
  await page.goto(`${caseUrl}/meetings`);
  await page.selectOption('#channel', 'plenary');
  await page.fill('#agenda', 'Opening statements and the order of business');
  // The mediator's zone is Hong Kong: 17:00 there is 11:00 in Zurich (summer time, CEST) and
  // 21:00 in Auckland (standard time again, NZST); the second time is 02:00 the next day there.
  await page.fill('input[name=t1]', '2027-04-06T17:00');
  await page.fill('input[name=t2]', '2027-04-07T22:00');
  await page.fill('#interpreters', 'English–Bahasa Indonesia');
  await page.click('form[action$="/meetings"] button[type=submit]');
  await expectText(page, '.notice', 'everyone invited is told');
  for (const [person, answers] of [
    [harbour, ['yes', 'no']],
    [indah, ['if-need-be', 'yes']],
  ]) {
    await person.page.goto(`${caseUrl}/meetings`);
    // Each time in the reader's zone, with the others' local times beside it.
    for (const label of ['CEST', 'NZST', 'HKT']) await expectText(person.page, 'section.meeting table', label);
    for (const [i, a] of answers.entries()) await person.page.check(`input[name=a${i}][value=${a}]`);
    await person.page.click('form[action$="/answer"] button[type=submit]');
    await expectText(person.page, '.notice', 'answers are saved');
  }
  await page.goto(`${caseUrl}/meetings`);
  await expectText(page, 'section.meeting table', 'If need be');
  await page.selectOption('select[name=candidate]', '0');
  await page.click('form[action$="/confirm"] button[type=submit]');
  await expectText(page, '.notice', 'receives the invitation');
  await harbour.page.goto(`${caseUrl}/meetings`);
  await expectText(harbour.page, 'section.meeting', 'CEST');
  if ((await harbour.page.locator('a[href$="/invitation"]').count()) !== 1) fail('no calendar invitation offered');
  // The notifier runs every few seconds: the inbox says so once it has.
  let told = false;
  for (let i = 0; i < 40 && !told; i += 1) {
    await harbour.page.goto(`${BASE}/inbox`);
    told = ((await harbour.page.textContent('main')) || '').includes('session is confirmed');
    if (!told) await harbour.page.waitForTimeout(500);
  }
  if (!told) fail('Harbour was not told that the session is confirmed');

  step('The mediator opens a negotiation on an agenda');
  page = await openCase(amina, caseUrl);
  await page.click('a:has-text("Negotiation")');
  await page.fill('#agenda', 'Payment: 1.0 million | 1.2 million | 1.4 million\nTerm: 30 days | 90 days');
  await page.click('form.action-form button');
  const negotiationUrl = page.url();
  if (!/\/negotiations\/N1$/.test(negotiationUrl)) fail(`after opening: ${negotiationUrl}`);

  // Harbour wants the higher payment soon; Indah the lower payment later. Each sees only its own.
  const priorities = {
    harbour: ['A', { 'issue-1': [0, 60, 100], 'issue-2': [100, 0] }, [70, 30], '4000'],
    indah: ['B', { 'issue-1': [100, 50, 0], 'issue-2': [0, 100] }, [30, 70], '3000'],
  };
  for (const [who, [party, scores, weights, reservation]] of Object.entries(priorities)) {
    step(`${who} enters its priorities privately`);
    page = people[who].page;
    await page.goto(negotiationUrl);
    const form = page.locator(`form[action$="/preferences/${party}"]`);
    await form.locator('input[name="weight.issue-1"]').fill(String(weights[0]));
    await form.locator('input[name="weight.issue-2"]').fill(String(weights[1]));
    for (const [issue, values] of Object.entries(scores)) {
      for (const [k, v] of values.entries()) await form.locator(`input[name="score.${issue}.${k}"]`).fill(String(v));
    }
    await form.locator('input[name=reservation]').fill(reservation);
    await form.locator('button[type=submit]').click();
    if ((await page.locator('.alert').count()) > 0) fail(`${who}: ${await page.textContent('.alert')}`);
    await expectText(page, '.notice', 'priorities are saved');
  }

  step('The mediator sees the analysis and proposes the Nash package');
  page = amina.page;
  await page.goto(negotiationUrl);
  await expectText(page, 'section[aria-labelledby=analysis-h]', 'Nash');
  const mediatorView = await page.textContent('main');
  if (mediatorView.includes('How much this issue matters')) fail('the mediator saw a party\'s priorities');
  await check(page, 'negotiation-mediator-en');
  await page.click('form[action$="/proposals"] button');
  if ((await page.locator('.alert').count()) > 0) fail(`proposal: ${await page.textContent('.alert')}`);

  for (const [who, party] of [['harbour', 'A'], ['indah', 'B']]) {
    step(`${who} sees the proposal valued by its own priorities, charted, and accepts`);
    page = people[who].page;
    await page.goto(negotiationUrl);
    if ((await page.locator('figure.chart svg[role=img] rect').count()) < 1) fail(`${who}: no chart of the proposal`);
    const other = who === 'harbour' ? '3000' : '4000';
    const mine = await page.textContent(`section[aria-labelledby=party-${party}-h]`);
    if (mine.includes(`(${other},`)) fail(`${who} saw the other side's reservation`);
    await check(page, `negotiation-${who}-en`);
    if (who === 'harbour') await fitsSmallScreen(page, 'negotiation-party');
    await page.locator(`form[action*="/answers/${party}"] button[value=accept]`).click();
  }
  await page.goto(negotiationUrl);
  await expectText(page, '.notice', 'Agreed package');

  step('The mediator opens a blind bidding on damages; each side names a figure privately');
  page = await openCase(amina, caseUrl);
  await page.click('a:has-text("Blind bidding")');
  await page.fill('#bidding-label', 'Damages for the delayed shipment');
  await page.fill('#bidding-currency', 'USD');
  await page.fill('#bidding-gap', '500');
  await page.click('form.action-form button');
  if ((await page.locator('.alert').count()) > 0) fail(`opening the bidding: ${await page.textContent('.alert')}`);
  const biddingUrl = page.url();
  await expectText(page, 'section.bidding', 'Damages for the delayed shipment');
  await check(page, 'biddings-mediator-en');
  for (const [who, party, amount, shown] of [
    ['harbour', 'A', '250000.00', '250,000.00'],
    ['indah', 'B', '120000', '120,000.00'],
  ]) {
    page = people[who].page;
    await page.goto(biddingUrl);
    const form = page.locator(`form[action$="/figures/${party}"]`);
    await form.locator('input[name=amount]').fill(amount);
    await form.locator('button[type=submit]').click();
    if ((await page.locator('.alert').count()) > 0) fail(`${who}'s figure: ${await page.textContent('.alert')}`);
    await expectText(page, 'section.bidding', shown);
  }
  await expectText(page, 'section.bidding table', 'Not settled');
  if (/250,?000/.test(await page.textContent('main'))) fail('the respondent saw the claimant\'s figure');
  await check(page, 'biddings-indah-en');
  await amina.page.goto(biddingUrl);
  const mediatorBidding = await amina.page.textContent('main');
  if (/250,?000|120,?000/.test(mediatorBidding)) fail('the mediator saw a figure');

  step('The mediator records agreed terms and drafts the settlement');
  page = await openCase(amina, caseUrl);
  await act(page, 'indicate-terms-agreed');
  await page.click('a:has-text("Settlement agreement")');
  await draftSettlement(page, 'SETTLEMENT AGREEMENT between Harbour Trading Ltd and PT Indah Logistik.');
  await expectText(page, '.notice', 'new version of the draft was saved');
  const settlementUrl = page.url().split('?')[0];
  const firstHash = (await page.textContent('section[aria-labelledby=text-h] code.hash')).trim();

  step('The mediator amends the draft; the differences between the versions are shown');
  await draftSettlement(page, 'SETTLEMENT AGREEMENT between Harbour Trading Ltd and PT Indah Logistik, in full and final settlement.');
  await page.selectOption('#from', '1');
  await page.selectOption('#to', '2');
  await page.click('form.compare button');
  await expectText(page, 'pre.diff', 'in full and final settlement');
  if (!/^-.*Logistik\.$/m.test(await page.textContent('pre.diff'))) fail('the removed line is not shown');
  await check(page, 'settlement-mediator-en');
  const textHash = (await page.textContent('section[aria-labelledby=text-h] code.hash')).trim();
  if (textHash === firstHash) fail('the amended version has the same hash');
  if (!/^[0-9a-f]{64}$/.test(textHash)) fail(`no text hash: ${textHash}`);

  for (const [person, party] of [[harbour, 'A'], [indah, 'B']]) {
    step(`${person.name} approves the final text`);
    page = person.page;
    await page.goto(settlementUrl);
    await page.locator(`form:has(input[name=action][value=approve-final-text]):has(input[name=party][value=${party}]) button`).click();
    await expectText(page, '.notice', 'Approve the final text');
  }
  for (const [person, party] of [[harbour, 'A'], [indah, 'B']]) {
    step(`${person.name} signs (password asked again; a wrong one signs nothing)`);
    page = person.page;
    await page.goto(settlementUrl);
    const form = () => page.locator(`form:has(input[name=action][value=sign-settlement]):has(input[name=party][value=${party}])`);
    await form().locator('input[name=password]').fill('not the password');
    await form().locator('button').click();
    await expectText(page, '[role=alert]', 'Nothing was signed');
    await form().locator('input[name=password]').fill(USERS[person.name]);
    await form().locator('button').click();
    await expectText(page, '.notice', 'Sign the settlement agreement');
  }
  await check(people.indah.page, 'settlement-party-en');

  step('The mediator countersigns with password and code');
  page = amina.page;
  await page.goto(settlementUrl);
  const counter = page.locator('form:has(input[name=action][value=countersign-settlement])');
  await counter.locator('input[name=password]').fill(USERS.amina);
  await counter.locator('input[name=code]').fill(totp(amina.secret));
  await counter.locator('button').click();
  await expectText(page, '.notice', 'Countersign as mediator');
  await expectText(page, 'section[aria-labelledby=signatures-h]', 'Countersigned by');
  await expectText(page, 'section[aria-labelledby=signatures-h]', 'Signed by');
  const pdf = page.locator('section[aria-labelledby=signatures-h] a[href*="settlement-agreement"]').first();
  const pdfResponse = await page.request.get(new URL(await pdf.getAttribute('href'), BASE).href);
  if (!(await pdfResponse.body()).subarray(0, 5).equals(Buffer.from('%PDF-'))) fail('the signed agreement is not a PDF');
  await check(page, 'settlement-signed-en');
  await page.goto(caseUrl);
  await expectText(page, '.stage strong', 'Settled');

  step('The Secretariat issues the attestation');
  page = await openCase(sgen, caseUrl);
  await page.click('form[action$="/attestation"] button');
  await expectText(page, '.notice', 'attestation is issued');
  const facts = await page.locator('dl.facts dd').allTextContents();
  const labels = await page.locator('dl.facts dt').allTextContents();
  const verificationId = facts[labels.indexOf('Verification ID')]?.trim();
  if (!verificationId) fail('no verification ID on the case page');
  await check(page, 'case-settled-en');
  await fitsSmallScreen(page, 'case-settled');
  // Printed, the case page keeps the record and drops navigation and forms.
  await page.emulateMedia({ media: 'print' });
  if (await page.locator('header.site').isVisible()) fail('the header is printed');
  if (!(await page.locator('ol.timeline').isVisible())) fail('the timeline is not printed');
  await page.pdf?.({ path: join(ARTIFACTS, 'case-settled-print.pdf') }).catch(() => {});
  await page.emulateMedia({ media: 'screen' });

  step('Anyone verifies the agreement on the public page');
  const visitor = await browser.newContext({ locale: 'fr-FR' });
  const vpage = await visitor.newPage();
  await vpage.goto(`${BASE}/verify`);
  await vpage.fill('#id', verificationId);
  await vpage.fill('#sha256', textHash);
  await vpage.click('form[action="/verify"] button');
  if ((await vpage.locator('.result.match').count()) !== 1) fail('the agreement does not verify publicly');
  await check(vpage, 'verify-match-fr');
  await vpage.fill('#sha256', textHash.replace(/^./, textHash[0] === 'a' ? 'b' : 'a'));
  await vpage.click('form[action="/verify"] button');
  if ((await vpage.locator('.result.no-match').count()) !== 1) fail('a changed hash verified');
  await visitor.close();
  return { caseUrl, caucusUrl, settlementUrl, negotiationUrl };
}

// ---- 2. A State–State case through a third State's consent -----------------------------------
async function stateStateCase() {
  const arcadia = await signIn('arcadia');
  await signIn('borealia');
  const caledonia = await signIn('caledonia');
  const sgen = people.sgen;

  step('Arcadia files a request concerning a shared watercourse, naming Caledonia as third State');
  let page = arcadia.page;
  await page.goto(`${BASE}/cases/new`);
  await page.click('a[href="/cases/new?type=state-state"]');
  if ((await page.locator('#p2_kind').inputValue()) !== 'state') fail('a State–State filing does not start with States');
  await page.selectOption('#profile', 'iomed-default');
  await page.fill('#title', 'Arcadia / Borealia — shared watercourse');
  await page.fill('#summary', 'Scope: allocation of the waters of the Lyra river.');
  await page.fill('#p1_name', 'Republic of Arcadia');
  await page.selectOption('#p1_kind', 'state');
  await page.fill('#p1_country', 'XA');
  await page.fill('#p1_authority', 'Full powers of 2 February 2026');
  await page.fill('#p1_consent', 'Special agreement of 2026');
  await page.fill('#p2_name', 'Kingdom of Borealia');
  await page.selectOption('#p2_kind', 'state');
  await page.fill('#p2_country', 'XB');
  await page.fill('#p2_representative', 'borealia');
  await page.fill('#p2_authority', 'Full powers of 5 February 2026');
  await page.fill('#p2_consent', 'Special agreement of 2026');
  await page.fill('#third_state', 'xc');
  await page.fill('#third_state_name', 'Republic of Caledonia');
  await page.fill('#third_state_representative', 'caledonia');
  await page.click('form[action="/cases/new"] button[type=submit]');
  const caseUrl = page.url().split('?')[0];
  await act(page, 'submit-request');

  step('The Secretariat records the fee; registration waits for the third State');
  page = await openCase(sgen, caseUrl);
  await act(page, 'record-lodging-fee', { waived: 'on' });
  if ((await page.locator('form[action$="/actions/register"]').count()) !== 0) {
    fail('registration is offered before the third State consented');
  }
  // The page says what registration waits for.
  await expectText(page, 'section[aria-labelledby=waiting-h]', 'consent of a third State concerned is not on file');

  step('Caledonia sees only the consent request, and consents');
  page = caledonia.page;
  await page.goto(`${BASE}/`);
  await check(page, 'dashboard-third-state-en');
  await page.click('a[href^="/consent-requests/"]');
  const consentUrl = page.url();
  await expectText(page, 'main', 'Scope: allocation of the waters');
  await check(page, 'consent-request-en');
  const body = await page.textContent('main');
  if (body.includes('Kingdom of Borealia') || body.includes('Special agreement') || body.includes('Full powers')) fail('the third State saw the case record');
  await page.fill('#instrument', 'Note verbale 12/2026');
  await page.click('form.action-form button');
  await expectText(page, '.notice', 'consent is on file');
  const closed = await page.goto(caseUrl);
  if (closed.status() !== 404) fail(`the third State opened the case record: ${closed.status()}`);

  step('The Secretariat registers the case');
  page = await openCase(sgen, caseUrl);
  await act(page, 'register');
  await expectText(page, '.stage strong', 'Appointment of the mediator');
  return { caseUrl, consentUrl };
}

// ---- 2b. A commercial case begun by invitation ------------------------------------------------
async function caseByInvitation() {
  const harbour = people.harbour;
  const indah = people.indah;
  const sgen = people.sgen;
  step('Harbour files against a party that has not consented yet');
  let page = harbour.page;
  await page.goto(`${BASE}/cases/new?type=commercial`);
  await page.selectOption('#profile', 'iomed-default');
  await page.fill('#title', 'Harbour Trading v. PT Indah Logistik — demurrage');
  await page.fill('#summary', 'Demurrage charges at Tanjung Priok in 2026.');
  await page.fill('#p1_name', 'Harbour Trading Ltd');
  await page.fill('#p1_country', 'HK');
  await page.fill('#p1_authority', 'Board resolution of 3 March 2026');
  await page.fill('#p1_consent', 'Charter party, clause 31');
  await page.fill('#p2_name', 'PT Indah Logistik');
  await page.fill('#p2_country', 'ID');
  await page.fill('#p2_representative', 'indah');
  await page.fill('#p2_authority', 'Power of attorney of 9 March 2026');
  await page.click('form[action="/cases/new"] button[type=submit]');
  const caseUrl = page.url().split('?')[0];
  await act(page, 'submit-request');
  const early = await indah.page.goto(caseUrl);
  if (early.status() !== 404) fail('the other party saw the request before it was invited');

  step('The Secretariat invites PT Indah Logistik');
  page = await openCase(sgen, caseUrl);
  await act(page, 'record-lodging-fee');
  await act(page, 'send-invitation');
  await expectText(page, '.stage strong', 'Awaiting consent');

  step('PT Indah Logistik answers the invitation: it accepts, with its consent instrument');
  page = indah.page;
  await page.goto(caseUrl);
  await check(page, 'case-invitation-en');
  await act(page, 'accept-invitation', { instrument: 'Letter of acceptance of 20 November 2026' }, 'B');

  step('The Secretariat registers the case');
  page = await openCase(sgen, caseUrl);
  await act(page, 'register');
  await expectText(page, '.stage strong', 'Appointment of the mediator');

  step('Harbour withdraws: the act waits under More actions and is confirmed on its own page');
  page = harbour.page;
  await page.goto(caseUrl);
  if ((await page.locator('section.actions > form button.danger').count()) > 0) {
    fail('a destructive act is offered as the next step');
  }
  const withdrawal = page.locator('details.more-actions form[action$="/actions/withdraw"]:has(input[name=party][value="A"])');
  if ((await withdrawal.count()) !== 1) fail('the withdrawal is not under More actions');
  await page.locator('details.more-actions > summary').click();
  await withdrawal.locator('button.danger').click();
  await page.waitForLoadState('load');
  await expectText(page, 'h1', 'Please confirm: Withdraw from the mediation');
  await check(page, 'confirm-withdrawal-en');
  const stage = await page.goto(caseUrl);
  if (stage.status() !== 200) fail('the case page after cancelling');
  await expectText(page, '.stage strong', 'Appointment of the mediator');
  await page.locator('details.more-actions > summary').click();
  await withdrawal.locator('button.danger').click();
  await page.waitForLoadState('load');
  await page.click('form.confirm-form button.danger');
  await page.waitForLoadState('load');
  await expectText(page, '.notice', 'Your withdrawal is recorded');
}

// ---- 3. Every page in every language, checked by axe -----------------------------------------
async function everyPageInEveryLanguage(commercial, stateState) {
  // A draft to show its edit form in every language.
  const drafter = people.harbour.page;
  await drafter.goto(`${BASE}/cases/new?type=commercial`);
  await drafter.fill('#title', 'A draft in every language');
  await drafter.fill('#summary', 'Kept as a draft.');
  await drafter.fill('#p1_name', 'Harbour Trading Ltd');
  await drafter.fill('#p1_country', 'HK');
  await drafter.fill('#p2_name', 'PT Indah Logistik');
  await drafter.fill('#p2_country', 'ID');
  await drafter.fill('#p2_contact_name', 'Budi Santoso');
  await drafter.fill('#p2_contact_email', 'budi.santoso@indah.example');
  await drafter.click('form[action="/cases/new"] button[type=submit]');
  const draftUrl = drafter.url().split('?')[0];
  if (!/\/cases\/[0-9a-f-]{36}$/.test(draftUrl)) fail(`the draft was not saved: ${drafter.url()}`);
  await expectText(drafter, 'section[aria-labelledby=parties-h]', 'budi.santoso@indah.example');
  const views = [
    ['harbour', `${draftUrl}/draft`, 'draft-edit'],
    ['harbour', '/account/time-zone', 'time-zone'],
    ['harbour', '/', 'dashboard'],
    ['harbour', commercial.caseUrl, 'case'],
    ['harbour', `${commercial.caseUrl}/channels/plenary`, 'channel-plenary'],
    ['harbour', commercial.caucusUrl, 'channel-caucus'],
    ['harbour', commercial.settlementUrl, 'settlement'],
    ['harbour', commercial.negotiationUrl, 'negotiation'],
    ['harbour', `${commercial.caseUrl}/negotiations`, 'negotiations'],
    ['harbour', `${commercial.caseUrl}/blind-biddings`, 'biddings'],
    ['amina', `${commercial.caseUrl}/blind-biddings`, 'biddings-mediator'],
    ['harbour', '/cases/00000000-0000-7000-8000-000000000000', 'error-not-found'],
    ['caledonia', stateState.consentUrl, 'consent-request'],
    ['amina', commercial.negotiationUrl, 'negotiation-mediator'],
    ['harbour', '/cases/new', 'filing-type'],
    ['harbour', '/cases/new?type=state-investor', 'filing'],
    ['harbour', '/account', 'account'],
    ['harbour', '/rules', 'rules'],
    ['sgen', '/rules', 'rules-secretariat'],
    ['sgen', '/', 'dashboard-queue'],
    ['sgen', stateState.caseUrl, 'case-secretariat'],
    ['amina', '/', 'dashboard-mediator'],
    ['amina', commercial.caseUrl, 'case-mediator'],
    ['harbour', `${commercial.caseUrl}/meetings`, 'meetings'],
    ['amina', `${commercial.caseUrl}/meetings`, 'meetings-mediator'],
    ['harbour', '/inbox', 'inbox'],
    ['sgen', '/inbox', 'inbox-secretariat'],
  ];
  for (const lang of LANGUAGES) {
    step(`every page in ${lang}`);
    for (const who of new Set(views.map(([w]) => w))) {
      const page = people[who].page;
      await page.goto(`${BASE}/account`);
      await page.selectOption('#language-switch', lang);
      await page.click('form.language-switch button');
      const htmlLang = await page.getAttribute('html', 'lang');
      if (htmlLang !== lang) fail(`${who}: language switch to ${lang} gave ${htmlLang}`);
    }
    for (const [who, path, label] of views) {
      const page = people[who].page;
      await page.goto(path.startsWith('http') ? path : `${BASE}${path}`);
      const dir = await page.getAttribute('html', 'dir');
      if (dir !== (lang === 'ar' ? 'rtl' : 'ltr')) fail(`${label} in ${lang}: dir=${dir}`);
      await check(page, `${label}-${lang}`, { shot: lang === 'ar' || lang.startsWith('zh') || lang === 'en' });
      await speaksToPeople(page, `${label} in ${lang}`);
      if (lang === 'ar' || lang === 'zh-Hans' || lang === 'en') await atPhoneWidth(page, `${label}-${lang}`);
    }
    {
      // A refused filing, in this language: the alert and the field's error in its words.
      const page = people.harbour.page;
      await page.goto(`${BASE}/cases/new?type=commercial`);
      await page.fill('#title', 'Refusal in every language');
      await page.fill('#summary', 'A country that is not on the list.');
      await page.fill('#p1_name', 'Harbour Trading Ltd');
      await page.fill('#p1_country', 'Atlantis');
      await page.fill('#p2_name', 'PT Indah Logistik');
      await page.fill('#p2_country', 'ID');
      await page.click('form[action="/cases/new"] button[type=submit]');
      await refusalSpeaks(page, lang, `refused filing in ${lang}`);
    }
    const anonymous = await browser.newContext();
    const page = await anonymous.newPage();
    for (const path of ['/login', '/verify']) {
      await page.goto(`${BASE}${path}?lang=${lang}`);
      await check(page, `${path.slice(1)}-${lang}`, { shot: lang === 'ar' || lang === 'zh-Hans' });
    }
    await anonymous.close();
  }
  // The language is remembered per user: a new session of the same user opens in it.
  const again = await browser.newContext();
  const page = await again.newPage();
  await page.goto(`${BASE}/login`);
  await page.fill('#username', 'harbour');
  await page.fill('#password', USERS.harbour);
  await page.click('form[action="/login"] button[type=submit]');
  if ((await page.getAttribute('html', 'lang')) !== LANGUAGES[LANGUAGES.length - 1]) {
    fail('the language was not remembered for the user');
  }
  await again.close();
}

/// Each locale's messages (`locales/<lang>/*.ftl`), as patterns a shown sentence must match:
/// the text with each placeable standing for any text.
const MESSAGE_PATTERNS = {};
function messagePatterns(lang) {
  if (MESSAGE_PATTERNS[lang]) return MESSAGE_PATTERNS[lang];
  const patterns = [];
  for (const file of ['ui.ftl', 'web.ftl']) {
    let text = '';
    try {
      text = readFileSync(new URL(`../../locales/${lang}/${file}`, import.meta.url), 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      const m = /^[a-zA-Z][\w-]* = (.+)$/.exec(line);
      if (!m) continue;
      const parts = m[1].split(/\{[^}]*\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      patterns.push(new RegExp(`^${parts.join('.+')}$`, 's'));
    }
  }
  MESSAGE_PATTERNS[lang] = patterns;
  return patterns;
}

/// Every sentence of a refusal on the page (the alert and the errors beside fields) is one of
/// the language's own messages: nothing reaches a page as the service's English.
async function refusalSpeaks(page, lang, label) {
  const shown = await page.locator('.alert p, p.error').allTextContents();
  if (shown.length === 0) fail(`${label}: no refusal shown`);
  const patterns = messagePatterns(lang);
  for (const text of shown.map((t) => t.trim())) {
    if (!patterns.some((p) => p.test(text))) fail(`${label}: "${text}" is not a message of ${lang}`);
  }
}

let failed = false;
try {
  const commercial = await commercialCase();
  const stateState = await stateStateCase();
  await caseByInvitation();
  await everyPageInEveryLanguage(commercial, stateState);
} catch (e) {
  failed = true;
  console.error(`FAILED after step ${steps}: ${e.stack || e}`);
  for (const p of Object.values(people)) {
    try {
      await p.page.screenshot({ path: join(ARTIFACTS, `failure-${p.name}.png`), fullPage: true });
    } catch {}
  }
} finally {
  await browser.close();
}
for (const d of axe.details) console.log(`axe: ${d}`);
console.log(`FIGURE axe pages=${axe.pages} violations=${axe.violations}`);
if (failed || axe.violations > 0) process.exit(1);
