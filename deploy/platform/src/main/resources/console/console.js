// The ops console: renders the ops API's JSON. The page holds no data of its own; every call carries the key the
// operator typed (kept in sessionStorage, so it ends with the tab). Values from the API only ever become text nodes.
'use strict';

const KEY = 'stockflow.apiKey';
const REFRESH_MS = 5000;
const $ = id => document.getElementById(id);
let settings = null;
let timer = null;

/** An API call that answered with an error status: the problem+json body, when there is one. */
class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
}

async function api(method, path, body) {
  const headers = { 'X-API-Key': sessionStorage.getItem(KEY) || '' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (res.status === 401 || res.status === 403) {
    logout(res.status === 401
      ? 'The API key was not accepted (401 Unauthorized). Log in with a valid key.'
      : 'This API key does not have the ops role (403 Forbidden). Log in with an ops key.');
    throw new ApiError(res.status, data);
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

/** document.createElement with attributes and children (strings become text nodes). */
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'onclick') e.addEventListener('click', v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

function show(text, ok) {
  const m = $('message');
  m.textContent = text;
  m.className = ok ? 'ok' : '';
  m.hidden = !text;
}

const when = t => (t ? new Date(t).toISOString().replace('T', ' ').slice(0, 19) + 'Z' : '—');
const num = (v, digits) => (v === undefined || v === null ? '—' : Number(v).toFixed(digits));
const ms = v => (v === undefined || v === null ? '—' : `${Math.round(v)} ms`);

/** A link into the Temporal Web UI listing the workflows that match every given search attribute. */
function workflowsLink(attributes) {
  const terms = Object.entries(attributes).filter(([, v]) => v);
  if (!settings.temporalUiUrl || terms.length === 0) return '—';
  const query = terms.map(([k, v]) => `${k}="${String(v).replace(/["\\]/g, '\\$&')}"`).join(' AND ');
  const href = `${settings.temporalUiUrl}/namespaces/${encodeURIComponent(settings.temporalNamespace)}`
    + `/workflows?query=${encodeURIComponent(query)}`;
  return el('a', { href, target: '_blank', rel: 'noopener', class: 'workflows' }, terms.map(([, v]) => v).join(' · '));
}

function fill(tbody, rows, columns, empty) {
  tbody.replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { class: 'empty', colspan: columns }, empty))]));
}

async function action(label, call) {
  try {
    const result = await call();
    show(label(result), true);
  } catch (e) {
    if (e.status !== 401 && e.status !== 403) show(`${e.message} (${e.status || 'network'})`);
  }
  await refresh();
}

function laneRow(l) {
  // The switch is stored at once; a consumer instance applies it (parking) within about a second.
  const state = l.paused ? (l.consuming && !l.parking ? 'pausing' : 'paused')
    : l.consuming && l.parking ? 'resuming' : l.failingSince ? 'failing' : l.consuming ? 'running' : 'not consumed here';
  const name = l.subprocessor;
  const toggle = l.paused
    ? el('button', { type: 'button', class: 'resume', onclick: () => action(r => `${name} ${r.outcome === 'CHANGED' ? 'resumed' : 'was not paused'}`, () => api('POST', `/ops/subprocessors/${encodeURIComponent(name)}/resume`)) }, 'Resume')
    : el('button', { type: 'button', class: 'pause', onclick: () => action(r => `${name} ${r.outcome === 'CHANGED' ? 'paused' : 'was already paused'}`, () => api('POST', `/ops/subprocessors/${encodeURIComponent(name)}/pause`)) }, 'Pause');
  const recent = l.recent || {};
  const t = l.totals || {};
  return el('tr', { 'data-lane': `${l.topic}/${name}` },
    el('td', {}, l.topic), el('td', {}, name),
    el('td', { class: `state state-${state.split(' ')[0]}`, title: l.lastFailure || '' }, state),
    el('td', { class: 'num' }, String(l.consumerLag ?? 0)),
    el('td', { class: 'num' }, l.watermarkAgeSeconds == null ? '—' : `${num(l.watermarkAgeSeconds, 1)} s`),
    el('td', { class: 'num' }, String(l.queuedRecords ?? 0)),
    el('td', { class: 'num' }, num(recent.processedPerSecond, 2)),
    el('td', { class: 'num' }, num(recent.deadLetteredPerSecond, 2)),
    el('td', { class: 'num' }, `${ms(recent.meanLatencyMillis)} · ${ms(l.lastLatencyMillis >= 0 ? l.lastLatencyMillis : null)}`),
    el('td', { class: 'num totals' }, `${t.processed ?? 0} · ${t.deadLettered ?? 0} · ${t.parked ?? 0}`),
    el('td', {}, workflowsLink({ Kind: settings.workflowKinds[name] })),
    el('td', {}, toggle));
}

/** The SKU in a message key, when its table's primary key has a sku column (inventory_levels). */
function skuOfKey(topic, messageKey) {
  const table = settings.replayTables.find(t => t.table === topic);
  const i = table ? table.primaryKey.indexOf('sku') : -1;
  try { return i < 0 ? null : JSON.parse(messageKey)[i]; } catch { return null; }
}

function letterRow(d) {
  const sub = d.subprocessor || '';
  const pending = d.status === 'pending';
  return el('tr', { 'data-letter': d.id },
    el('td', {}, when(d.lastFailureAt)), el('td', {}, d.sourceTopic),
    el('td', {}, sub || el('em', {}, 'undecodable')),
    el('td', {}, el('code', {}, d.messageKey || '')),
    el('td', { title: d.errorMessage || '' }, `${d.errorClass}: ${(d.errorMessage || '').slice(0, 80)}`),
    el('td', { class: 'num' }, String(d.attempts)), el('td', {}, d.status),
    el('td', {}, workflowsLink({ Sku: skuOfKey(d.sourceTopic, d.messageKey), Kind: settings.workflowKinds[sub] })),
    el('td', {},
      el('button', { type: 'button', class: 'inspect', onclick: () => inspect(d.id) }, 'Inspect'),
      pending && sub ? el('button', { type: 'button', class: 'redrive', onclick: () => action(r => `Re-drive: ${r.outcome} (${r.message})`, () => api('POST', `/ops/dead-letters/${d.id}/redrive`)) }, 'Re-drive') : null));
}

async function inspect(id) {
  try {
    const { letter, messageValue } = await api('GET', `/ops/dead-letters/${id}`);
    let value = null;
    try { value = JSON.parse(messageValue); } catch { /* shown as it is */ }
    const row = value && (value.after || value.before);
    $('letter-id').textContent = letter.id;
    $('letter-error').textContent = `${letter.errorClass}: ${letter.errorMessage || ''}`;
    $('letter-key').textContent = letter.messageKey || '';
    $('letter-workflows').replaceChildren(workflowsLink({ Sku: row && row.sku, Kind: settings.workflowKinds[letter.subprocessor] }));
    $('letter-payload').textContent = value ? JSON.stringify(value, null, 2) : (messageValue ?? '(no value)');
    $('letter').hidden = false;
  } catch (e) {
    if (e.status !== 401 && e.status !== 403) show(`${e.message} (${e.status})`);
  }
}

function alertRow(a) {
  return el('tr', { 'data-alert': a.id },
    el('td', {}, when(a.createdAt)), el('td', {}, a.kind),
    el('td', { class: `severity-${a.severity}` }, a.severity), el('td', {}, a.sku || '—'),
    el('td', {}, a.locationId || '—'), el('td', {}, a.message),
    el('td', { class: 'num' }, String(a.notifyCount ?? 0)),
    el('td', {}, workflowsLink({ Kind: 'alert', Sku: a.sku })),
    el('td', {}, el('button', { type: 'button', class: 'acknowledge', onclick: () => action(r => `Alert ${r.outcome.toLowerCase().replaceAll('_', ' ')}`, () => api('POST', `/ops/alerts/${a.id}/acknowledge`)) }, 'Acknowledge')));
}

async function refresh() {
  if (!sessionStorage.getItem(KEY)) return;
  try {
    const status = $('letter-status').value;
    const [lanes, letters, alerts] = await Promise.all([
      api('GET', '/ops/lanes'),
      api('GET', `/ops/dead-letters?limit=100${status ? `&status=${status}` : ''}`),
      api('GET', '/ops/alerts?status=open&limit=100'),
    ]);
    fill($('lanes').tBodies[0], lanes.map(laneRow), 12, 'no lanes');
    fill($('letters').tBodies[0], letters.map(letterRow), 9, 'no dead letters');
    fill($('alerts').tBodies[0], alerts.map(alertRow), 9, 'no open alerts');
    $('refreshed').textContent = `updated ${when(new Date())}`;
  } catch (e) {
    if (e.status !== 401 && e.status !== 403) show(`Refresh failed: ${e.message}`);
  }
}

function replayRequest() {
  const request = { table: $('replay-table').value };
  const key = $('replay-key').value.trim();
  if (key) request.key = key.split(',').map(v => v.trim());
  const lines = $('replay-filter').value.split('\n').map(l => l.trim()).filter(Boolean);
  if (lines.length) {
    request.filter = {};
    for (const line of lines) {
      const eq = line.indexOf('=');
      request.filter[eq < 0 ? line : line.slice(0, eq).trim()] = eq < 0 ? '' : line.slice(eq + 1).trim();
    }
  }
  if ($('replay-all').checked) request.all = true;
  return request;
}

async function replay(event) {
  event.preventDefault();
  const out = $('replay-result');
  try {
    const r = await api('POST', '/ops/replay', replayRequest());
    out.replaceChildren(el('p', { class: 'replayed' }, `${r.rowsTouched} row(s) of ${r.table} replayed`));
  } catch (e) {
    if (e.status === 401 || e.status === 403) return;
    const p = e.problem;
    out.replaceChildren(el('div', { class: 'problem' },
      el('strong', {}, `${p.status || e.status} ${p.title || 'Error'}`),
      p.errors ? el('ul', {}, ...p.errors.map(x => el('li', {}, `${x.field}: ${x.reason}`)))
        : el('p', {}, p.detail || e.message)));
  }
}

function logout(why) {
  sessionStorage.removeItem(KEY);
  clearInterval(timer);
  $('console').hidden = true;
  $('logout').hidden = true;
  $('refresh').hidden = true;
  $('login').hidden = false;
  show(why || '');
}

async function start() {
  try {
    settings = await api('GET', '/ops/console/settings');
  } catch (e) {
    if (e.status !== 401 && e.status !== 403) logout(`Cannot reach the ops API: ${e.message}`);
    return;
  }
  $('replay-table').replaceChildren(...settings.replayTables.map(t => el('option', { value: t.table, 'data-key': t.primaryKey.join(', ') }, t.table)));
  $('replay-table').dispatchEvent(new Event('change'));
  $('login').hidden = true;
  $('console').hidden = false;
  $('logout').hidden = false;
  $('refresh').hidden = false;
  show('');
  await refresh();
  timer = setInterval(refresh, REFRESH_MS);
}

$('login').addEventListener('submit', event => {
  event.preventDefault();
  sessionStorage.setItem(KEY, $('key').value.trim());
  $('key').value = '';
  start();
});
$('logout').addEventListener('click', () => logout('Logged out.'));
$('refresh').addEventListener('click', refresh);
$('letter-status').addEventListener('change', refresh);
$('redrive-all').addEventListener('click', () => action(
  r => `Re-drive all: ${r.redriven} re-driven, ${r.failed} failed, ${r.skipped} skipped`,
  async () => {
    const r = await api('POST', '/ops/redrive-dead-letters?limit=500');
    $('redrive-all-result').textContent = `${r.redriven} re-driven, ${r.failed} failed, ${r.skipped} skipped`;
    return r;
  }));
$('replay').addEventListener('submit', replay);
$('replay-table').addEventListener('change', () => {
  const option = $('replay-table').selectedOptions[0];
  $('replay-key').placeholder = option ? `${option.dataset.key} (comma-separated)` : '';
});
if (sessionStorage.getItem(KEY)) start(); else logout();
