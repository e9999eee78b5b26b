// The token inspector: every decision comes from the powersync-jwt package
// (WebAssembly); this file only reads the form and draws the result.
import { PowerSyncVerifier, VerificationError, ConfigError, decodeUnverified } from 'powersync-jwt';
import { PROVIDERS } from './providers.mjs';

const $ = (id) => document.getElementById(id);
for (const name of Object.keys(PROVIDERS)) $('provider').append(new Option(name, name));
$('provider').addEventListener('change', () => { $('provider-params').value = PROVIDERS[$('provider').value]; });
$('provider-params').value = PROVIDERS.supabase;

const source = () => document.querySelector('input[name=source]:checked').value;
for (const r of document.querySelectorAll('input[name=source]')) {
  r.addEventListener('change', () => {
    for (const el of document.querySelectorAll('.source')) el.hidden = el.dataset.source !== source();
  });
}

// Drop a file (or text) on the token box.
const tokenBox = $('token');
tokenBox.addEventListener('dragover', (e) => { e.preventDefault(); tokenBox.classList.add('dragging'); });
tokenBox.addEventListener('dragleave', () => tokenBox.classList.remove('dragging'));
tokenBox.addEventListener('drop', async (e) => {
  e.preventDefault();
  tokenBox.classList.remove('dragging');
  const file = e.dataTransfer.files[0];
  tokenBox.value = (file ? await file.text() : e.dataTransfer.getData('text')).trim();
  run();
});

const audiences = () => $('audience').value.split(',').map((s) => s.trim()).filter(Boolean);

function buildVerifier() {
  const audience = audiences();
  switch (source()) {
    case 'jwks': {
      let jwks;
      try {
        jwks = JSON.parse($('jwks').value);
      } catch (e) {
        throw new ConfigError('PSYNC_S2201', `the JWKS is not JSON: ${e.message}`);
      }
      return new PowerSyncVerifier({ jwks, audience });
    }
    case 'url':
      return PowerSyncVerifier.fromClientAuth({ jwks_uri: $('jwks-url').value.trim(), audience });
    case 'supabase':
      return PowerSyncVerifier.fromClientAuth({ supabase: true, supabase_jwt_secret: $('supabase-secret').value, audience });
    default: {
      const params = {};
      for (const line of $('provider-params').value.split('\n')) {
        const i = line.indexOf('=');
        const [k, v] = [line.slice(0, i).trim(), line.slice(i + 1).trim()];
        if (i > 0 && v) params[k] = v === 'true' ? true : v === 'false' ? false : v;
      }
      if (audience.length && !('audience' in params) && $('provider').value !== 'supabase' && $('provider').value !== 'firebase') params.audience = audience;
      return PowerSyncVerifier.forProvider($('provider').value, params);
    }
  }
}

function text(tag, content, cls) {
  const el = document.createElement(tag);
  el.textContent = content;
  if (cls) el.className = cls;
  return el;
}

function relative(seconds) {
  const s = Math.round(seconds - Date.now() / 1000);
  const abs = Math.abs(s);
  const unit = abs >= 86400 ? [86400, 'd'] : abs >= 3600 ? [3600, 'h'] : abs >= 60 ? [60, 'min'] : [1, 's'];
  const n = Math.round(abs / unit[0]);
  return s >= 0 ? `in ${n} ${unit[1]}` : `${n} ${unit[1]} ago`;
}

function renderClaims(claims, verified) {
  const box = $('claims');
  box.replaceChildren();
  if (!claims || typeof claims !== 'object') {
    box.append(text('p', claims === undefined ? '' : JSON.stringify(claims)));
    return;
  }
  if (!verified) box.append(text('p', 'Decoded, not verified:', 'hint'));
  const table = document.createElement('table');
  for (const [k, v] of Object.entries(claims)) {
    const tr = document.createElement('tr');
    tr.append(text('th', k));
    const td = text('td', JSON.stringify(v));
    if (['exp', 'iat', 'nbf', 'auth_time'].includes(k) && typeof v === 'number' && Number.isFinite(v)) {
      const d = new Date(v * 1000);
      td.append(text('span', `  ${Number.isNaN(d.getTime()) ? '' : d.toISOString()} (${relative(v)})`, 'time'));
    }
    tr.append(td);
    table.append(tr);
  }
  box.append(table);
}

let countdown;
function renderSummary(result) {
  const dl = $('summary');
  dl.replaceChildren();
  clearInterval(countdown);
  if (!result) return;
  const row = (k, v) => { dl.append(text('dt', k)); const dd = text('dd', v); dl.append(dd); return dd; };
  row('user id', result.userId === null ? 'null' : result.userId);
  row('key', `${result.key.kid ?? '(no kid)'} · ${result.key.kty} · ${result.alg}`);
  row('thumbprint', result.key.thumbprint);
  const left = row('expires', '');
  const tick = () => { left.textContent = `${new Date(result.expiresAt * 1000).toISOString()} (${relative(result.expiresAt)})`; };
  tick();
  countdown = setInterval(tick, 1000);
}

function renderKeys(verifier) {
  const body = $('keys').tBodies[0];
  body.replaceChildren();
  $('warnings').replaceChildren();
  if (!verifier) return;
  const { keys, rejected, warnings } = verifier.describeKeys();
  // What the service would start with but ignore, or load and never use.
  for (const w of warnings) $('warnings').append(text('li', `warning ${w.code}: ${w.message}`));
  for (const k of keys) {
    const tr = document.createElement('tr');
    tr.append(text('td', k.kid ?? '(none)'), text('td', `${k.kty}${k.crv ? ` ${k.crv}` : ''}${k.bits ? ` ${k.bits}` : ''}`), text('td', k.alg ?? '(any)'), text('td', k.thumbprint), text('td', 'usable'));
    body.append(tr);
  }
  for (const r of rejected) {
    const tr = document.createElement('tr');
    tr.className = r.skipped ? 'skipped' : 'rejected';
    tr.append(text('td', r.kid ?? '(none)'), text('td', `#${r.index}`), text('td', ''), text('td', ''), text('td', `${r.skipped ? 'skipped' : 'rejected'}: ${r.field ? `"${r.field}" ` : ''}${r.reason}`));
    body.append(tr);
  }
  // Each cell names its column, for the one-card-per-key layout on phones.
  const labels = [...$('keys').tHead.rows[0].cells].map((th) => th.textContent);
  for (const tr of body.rows) for (const td of tr.cells) td.dataset.label = labels[td.cellIndex];
}

function renderChecks(checks) {
  const ol = $('checklist');
  ol.replaceChildren();
  for (const c of checks ?? []) {
    const li = document.createElement('li');
    li.className = c.status;
    li.dataset.check = c.name;
    li.dataset.status = c.status;
    const mark = { pass: '✓', fail: '✗', not_reached: '·' }[c.status];
    li.append(text('span', mark, 'mark'), text('span', c.name, 'name'), text('span', c.status === 'fail' ? c.reason : c.status === 'pass' ? c.description : 'not reached', 'why'));
    li.setAttribute('aria-label', `${c.name}: ${c.status.replace('_', ' ')}${c.reason ? `, ${c.reason}` : ''}`);
    ol.append(li);
  }
}

function setVerdict(kind, message, hint) {
  const v = $('verdict');
  v.className = `verdict ${kind}`;
  v.textContent = message;
  // The service's own configurationDetails text, word for word.
  const h = $('service-hint');
  h.hidden = !hint;
  h.textContent = hint ? `Service hint: ${hint}` : '';
}

async function run() {
  const token = tokenBox.value.trim();
  renderChecks([]);
  renderSummary(null);
  if (!token) return setVerdict('', 'Paste a token to begin.');
  let decoded;
  try {
    decoded = decodeUnverified(token);
    $('header').textContent = JSON.stringify(decoded.header, null, 2);
    renderClaims(decoded.payload, false);
  } catch {
    $('header').textContent = '';
    renderClaims(undefined, false);
  }
  let verifier;
  try {
    verifier = buildVerifier();
    const nowValue = $('now').value;
    const r = await verifier.explain(token, nowValue ? { now: new Date(nowValue) } : undefined);
    renderChecks(r.checks);
    renderKeys(verifier);
    if (r.valid) {
      setVerdict('valid', `valid — user ${r.result.userId}`);
      renderClaims(r.result.claims, true);
      renderSummary(r.result);
    } else {
      setVerdict('invalid', `invalid — [${r.error.code}] ${r.error.message}`, r.error.configurationDetails);
    }
  } catch (e) {
    renderKeys(null);
    if (e instanceof ConfigError || e instanceof VerificationError || e instanceof TypeError) setVerdict('invalid', `invalid configuration — ${e.message}`);
    else throw e;
  }
}

$('verify').addEventListener('click', run);
tokenBox.addEventListener('keydown', (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) run(); });

$('generate').addEventListener('click', () => {
  const alg = $('gen-alg').value;
  $('gen-status').textContent = alg.startsWith('RS') ? 'Generating an RSA key (this can take a few seconds)…' : '';
  setTimeout(async () => {
    try {
      // The issuing module is fetched on the first click only: verifying never loads it.
      const { generateKeyPair, signToken } = await import('powersync-jwt/issuing');
      const k = await generateKeyPair(alg);
      const aud = $('gen-aud').value.trim();
      tokenBox.value = await signToken({}, k.privateJwk, { subject: $('gen-sub').value, audience: aud, expiresIn: $('gen-exp').value });
      $('jwks').value = JSON.stringify(k.jwks, null, 2);
      document.querySelector('input[name=source][value=jwks]').click();
      $('audience').value = aud;
      $('gen-status').textContent = `Key ${k.kid} (${alg}) generated in your browser; its public JWKS is loaded above.`;
      run();
    } catch (e) {
      $('gen-status').textContent = e.message;
    }
  }, 10);
});

$('verify').disabled = false;
$('generate').disabled = false;
document.body.dataset.ready = 'true';
