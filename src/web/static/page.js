// omsagg probe page: builds the parameter form from the probe's parameter schema, keeps the form
// state in the query string (shareable URLs), draws the Plotly figure from
// {api}/probes/{id}/plotly, and refreshes while the run is ongoing.
const def = JSON.parse(document.getElementById('probe-def').textContent);
const API = def.api;
const form = document.getElementById('params');
const statusEl = document.getElementById('status');
const plotEl = document.getElementById('plot');
const REFRESH_MS = 30000;
let refreshTimer = null;

const props = Object.entries(def.params.properties);

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c) e.append(c);
  return e;
}

function unitText(u) {
  if (!u) return '';
  return u
    .replace(/\{\\mu\}/g, 'µ')
    .replace(/\{\\deg\}/g, '°')
    .replace(/\^\{([^}]*)\}/g, '^$1');
}

async function apiJson(path) {
  const res = await fetch(path, { headers: { accept: 'application/vnd.api+json, application/json' } });
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const e = body && body.errors && body.errors[0];
    const err = new Error(e ? `${e.title}: ${e.detail}` : `${res.status} ${res.statusText}`);
    err.parameter = e && e.source && e.source.parameter;
    throw err;
  }
  return body;
}

// ---------- the form ----------
function controlFor(name, p) {
  const id = `p-${name}`;
  const picker = p['x-picker'] || (p.enum ? 'enum' : p.type === 'boolean' ? 'boolean' : p.type === 'array' ? 'text' : p.type === 'string' ? 'text' : 'number');
  let input;
  if (picker === 'enum') {
    input = el('select', { id, name });
    if (p.default === undefined) input.append(el('option', { value: '', text: '(all)' }));
    for (const v of p.enum) input.append(el('option', { value: String(v), text: (p['x-labels'] && p['x-labels'][v]) || String(v) }));
  } else if (picker === 'boolean') {
    input = el('select', { id, name });
    input.append(el('option', { value: 'true', text: 'yes' }), el('option', { value: 'false', text: 'no' }));
  } else if (picker === 'hltpaths') {
    input = el('select', { id, name, multiple: true, size: 8, class: 'paths' });
  } else if (picker === 'run' || picker === 'fill') {
    input = el('input', { id, name, type: 'number', min: p.minimum, step: 1, list: `${id}-list`, inputmode: 'numeric', class: 'num' });
  } else if (picker === 'datetime') {
    input = el('input', { id, name, type: 'datetime-local', step: 1 });
  } else if (picker === 'number') {
    input = el('input', { id, name, type: 'number', step: 'any', min: p.minimum, max: p.maximum, class: 'num' });
  } else {
    input = el('input', { id, name, type: 'text' });
  }
  input.dataset.picker = picker;
  input.title = p.description;
  const unit = p.unit ? el('span', { class: 'unit', text: unitText(p.unit) }) : null;
  const label = el('label', { for: id, text: p.title });
  const wrap = el('div', { class: `field field-${picker}` }, label, el('div', { class: 'control' }, input, unit));
  if (picker === 'run' || picker === 'fill') wrap.append(el('datalist', { id: `${id}-list` }));
  if (picker === 'hltpaths') wrap.append(el('small', { class: 'hint', text: 'Ctrl/⌘-click to choose several' }));
  return wrap;
}

function buildForm() {
  for (const [name, p] of props) form.append(controlFor(name, p));
  form.append(el('div', { class: 'field actions' }, el('button', { type: 'submit', id: 'update', text: 'Update plot' }), el('a', { href: location.pathname, class: 'reset', text: 'defaults' })));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const qs = formQuery();
    history.pushState(null, '', qs ? `${location.pathname}?${qs}` : location.pathname);
    draw();
  });
  window.addEventListener('popstate', () => {
    setFormFrom(new URLSearchParams(location.search), true);
    draw();
  });
  const run = form.elements.namedItem('run_number');
  const fill = form.elements.namedItem('fill_number');
  // the path list depends on the run (or fill)
  for (const c of [run, fill]) if (c && form.querySelector('.paths')) c.addEventListener('change', () => loadPaths());
}

function formQuery() {
  const q = new URLSearchParams();
  for (const [name] of props) {
    const c = form.elements.namedItem(name);
    if (!c) continue;
    if (c.multiple) {
      const vals = [...c.selectedOptions].map((o) => o.value);
      if (vals.length) q.set(name, vals.join(','));
    } else if (c.dataset.picker === 'datetime') {
      if (c.value) q.set(name, (c.value.length === 16 ? c.value + ':00' : c.value) + 'Z');
    } else if (c.value !== '' && !(c.dataset.auto === '1' && c.value === c.dataset.autoValue)) {
      q.set(name, c.value);
    }
  }
  return q.toString().replace(/%2C/g, ',');
}

/** Sets the form from query parameters (user choices) or from the parameters the probe ran with. */
function setFormFrom(values, fromUrl) {
  for (const [name, p] of props) {
    const c = form.elements.namedItem(name);
    if (!c) continue;
    let v = values instanceof URLSearchParams ? values.get(name) : values[name];
    if (v === null || v === undefined) {
      if (fromUrl) {
        if (!c.multiple) c.value = p.default !== undefined ? String(p.default) : '';
        delete c.dataset.auto;
      }
      continue;
    }
    if (c.multiple) {
      const list = Array.isArray(v) ? v.map(String) : String(v).split(',');
      for (const name2 of list) if (![...c.options].some((o) => o.value === name2)) c.append(el('option', { value: name2, text: name2 }));
      for (const o of c.options) o.selected = list.includes(o.value);
    } else if (c.dataset.picker === 'datetime') {
      c.value = String(v).replace(/Z$/, '').slice(0, 19);
    } else {
      c.value = String(v);
      if (!fromUrl && !new URLSearchParams(location.search).has(name)) {
        c.dataset.auto = '1';
        c.dataset.autoValue = String(v);
      }
    }
  }
}

async function fillDatalist(name, resource, attr) {
  const list = document.getElementById(`p-${name}-list`);
  if (!list) return;
  try {
    const doc = await apiJson(`${API}/${resource}?fields=${attr},start_time,end_time&sort=-${attr}&page[limit]=500`);
    list.replaceChildren(
      ...doc.data.map((d) => {
        const a = d.attributes;
        const t = a.start_time ? String(a.start_time).replace('T', ' ').replace('Z', '') : '';
        return el('option', { value: String(a[attr]), label: `${a[attr]} · ${t}${a.end_time ? '' : ' (ongoing)'}` });
      }),
    );
  } catch {
    /* the run/fill resource may be unavailable: the input still takes a number */
  }
}

async function loadPaths() {
  const sel = form.querySelector('.paths');
  if (!sel) return;
  const run = form.elements.namedItem('run_number');
  const fill = form.elements.namedItem('fill_number');
  const filter = run && run.value ? `filter[run_number][EQ]=${encodeURIComponent(run.value)}` : fill && fill.value ? `filter[fill_number][EQ]=${encodeURIComponent(fill.value)}` : '';
  if (!filter) return;
  try {
    const doc = await apiJson(`${API}/hltpathinfo?${filter}&fields=path_name,rate&sort=-rate&page[limit]=2000`);
    const chosen = new Set([...sel.selectedOptions].map((o) => o.value));
    const seen = new Set();
    const opts = [];
    for (const d of doc.data) {
      const n = d.attributes.path_name;
      if (seen.has(n)) continue;
      seen.add(n);
      const r = d.attributes.rate;
      opts.push(el('option', { value: n, text: r === null || r === undefined ? n : `${n} — ${Number(r).toPrecision(3)} Hz`, selected: chosen.has(n) }));
    }
    for (const n of chosen) if (!seen.has(n)) opts.push(el('option', { value: n, text: n, selected: true }));
    sel.replaceChildren(...opts);
  } catch {
    /* keep whatever is there */
  }
}

// ---------- the plot ----------
function setStatus(text, kind = '') {
  statusEl.textContent = text;
  statusEl.className = `status ${kind}`;
}

function renderLinks(qs) {
  const base = `${API}/probes/${def.id}`;
  const q = qs ? `?${qs}` : '';
  const links = document.getElementById('links');
  links.replaceChildren(
    el('span', { class: 'label', text: 'Data: ' }),
    el('a', { href: `${base}/plot${q}`, text: 'plot object (JSON)' }),
    ' · ',
    el('a', { href: `${base}/plotly${q}`, text: 'Plotly figure' }),
    ' · ',
    el('a', { href: `${base}/csv${q}`, text: 'CSV' }),
    ' · ',
    el('a', { href: `${base}/points${q}${q ? '&' : '?'}include=meta`, text: 'points (OMS portlets)' }),
    ' · ',
    el('a', { href: location.href, text: 'link to this view', class: 'share' }),
  );
}

function renderMeta(meta) {
  const src = document.getElementById('sources');
  src.replaceChildren(...(meta.sources || []).map((s) => el('li', {}, el('a', { href: s.url, text: s.url }), s.description ? ` — ${s.description}` : '')));
  const notes = document.getElementById('notes');
  notes.replaceChildren(...(meta.notes || []).map((n) => el('p', { class: 'note', text: n })));
}

// the daily reports of the UTC day the run started (served by omsagg at /reports)
function renderReportLink(params) {
  const links = document.getElementById('links');
  const old = links.querySelector('.report-link');
  if (old) old.remove();
  if (params.run_number === undefined || params.run_number === null) return;
  links.append(el('span', { class: 'report-link' }, ' · ', el('a', { href: `/reports/run/${encodeURIComponent(params.run_number)}`, text: `daily report of run ${params.run_number}'s day` })));
}

let drawing = 0;
async function draw({ quiet = false } = {}) {
  const my = ++drawing;
  clearTimeout(refreshTimer);
  const qs = new URLSearchParams(location.search).toString().replace(/%2C/g, ',');
  if (!quiet) {
    setStatus('Loading…', 'busy');
    plotEl.classList.add('loading');
  }
  renderLinks(qs);
  try {
    const fig = await apiJson(`${API}/probes/${def.id}/plotly${qs ? `?${qs}` : ''}`);
    if (my !== drawing) return;
    await window.Plotly.react(plotEl, fig.data, fig.layout, { responsive: true, displaylogo: false, toImageButtonOptions: { filename: def.id, scale: 2 } });
    plotEl.classList.remove('loading');
    const meta = fig.layout.meta || {};
    renderMeta(meta);
    renderReportLink(meta.parameters || {});
    setFormFrom(meta.parameters || {}, false);
    document.title = `${fig.layout.title.text} · omsagg`;
    if (meta.live) {
      setStatus(`Live: the run is ongoing, refreshing every ${REFRESH_MS / 1000} s (last ${new Date().toISOString().slice(11, 19)} UTC)`, 'live');
      refreshTimer = setTimeout(() => draw({ quiet: true }), REFRESH_MS);
    } else {
      setStatus('');
    }
    if (!form.dataset.pathsLoaded) {
      form.dataset.pathsLoaded = '1';
      loadPaths();
    }
    plotEl.dataset.drawn = String(my);
  } catch (err) {
    if (my !== drawing) return;
    plotEl.classList.remove('loading');
    setStatus(err.message, 'error');
    if (err.parameter) {
      const c = form.elements.namedItem(err.parameter);
      if (c) c.setAttribute('aria-invalid', 'true');
    }
  }
}

function whenPlotly() {
  return new Promise((resolve) => {
    if (window.Plotly) return resolve();
    const t = setInterval(() => {
      if (window.Plotly) {
        clearInterval(t);
        resolve();
      }
    }, 20);
  });
}

buildForm();
setFormFrom(new URLSearchParams(location.search), true);
fillDatalist('run_number', 'runs', 'run_number');
fillDatalist('fill_number', 'fills', 'fill_number');
whenPlotly().then(() => draw());
