// corridor-sim report page: draws the results embedded in #corridor-data (written by
// `corridor report`) with Leaflet and Chart.js, both inlined. Loads nothing from anywhere.
(function () {
  'use strict';

  const data = JSON.parse(document.getElementById('corridor-data').textContent);
  const state = { linkFeatures: 0, nodeFeatures: 0, charts: {}, sections: [], ready: false };
  window.corridorReport = state;

  // ---------- helpers ----------
  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else e.setAttribute(k, v);
    }
    for (const c of children) if (c != null) e.append(c);
    return e;
  };
  const num = (v) => {
    if (v === null || v === undefined || v === '') return null;
    const x = typeof v === 'number' ? v : Number(v);
    return Number.isFinite(x) ? x : null;
  };
  const fmt = (v, digits) => {
    const x = num(v);
    if (x === null) return v === null || v === undefined ? '' : String(v);
    if (digits !== undefined) return x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
    if (Number.isInteger(x)) return x.toLocaleString('en-US');
    const a = Math.abs(x);
    return x.toLocaleString('en-US', { maximumFractionDigits: a >= 100 ? 1 : a >= 1 ? 2 : 4 });
  };
  const label = (key) => key.replace(/_/g, ' ');
  const show = (id) => { $(id).hidden = false; state.sections.push(id); };
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));

  /// Table rows of a CSV as objects ({columns, rows} from the C++ side).
  const records = (t) => (t ? t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i]]))) : []);

  // Colour scales. Utilization: green to red, over 1 is dark red.
  const utilStops = [[0, '#2b9348'], [0.5, '#a7c957'], [0.75, '#f4a259'], [0.9, '#e76f51'], [1.0, '#b5179e']];
  const lerp = (a, b, t) => Math.round(a + (b - a) * t);
  const hex = (c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
  const rgb = (a) => '#' + a.map((x) => x.toString(16).padStart(2, '0')).join('');
  function ramp(stops, x) {
    if (x <= stops[0][0]) return stops[0][1];
    for (let i = 1; i < stops.length; i++) {
      if (x <= stops[i][0]) {
        const [x0, c0] = stops[i - 1];
        const [x1, c1] = stops[i];
        const t = (x - x0) / (x1 - x0);
        const a = hex(c0), b = hex(c1);
        return rgb([0, 1, 2].map((k) => lerp(a[k], b[k], t)));
      }
    }
    return stops[stops.length - 1][1];
  }
  const NO_CAPACITY = '#7d8794';
  const utilColour = (u) => (u === null ? NO_CAPACITY : u >= 1 ? '#9d0208' : ramp(utilStops, u));
  // Gas: pressure (bar) on a blue-violet scale between the lowest and highest pressure seen.
  const gasStops = [[0, '#4cc9f0'], [0.35, '#4361ee'], [0.7, '#7209b7'], [1, '#3a0ca3']];
  const cssGradient = (stops) => 'linear-gradient(to right,' + stops.map(([x, c]) => `${c} ${x * 100}%`).join(',') + ')';

  const MODES = {
    rail: { dash: null, label: 'rail' },
    road: { dash: '6 4', label: 'road' },
    sea: { dash: '10 7', label: 'sea' },
    ferry: { dash: '2 6', label: 'ferry' },
    pipeline: { dash: null, label: 'pipeline' },
  };

  // ---------- header and KPIs ----------
  function header() {
    document.title = data.title + ' – corridor-sim report';
    $('title').textContent = data.title;
    $('subtitle').textContent = data.description || '';
    const libs = window.CORRIDOR_LIBS || {};
    $('footer').textContent = `Written by corridor report from ${data.source}. ` +
      'Basemap: Natural Earth 1:110m (public domain, via world-atlas). Libraries: ' +
      Object.entries(libs).map(([k, v]) => `${k} ${v}`).join(', ') + '.';
  }

  const freightRan = (summary) => !!summary && summary.kpis && num(summary.kpis.demand_teu_per_year) > 0;
  /// A gap as the terminal prints it: 2 decimals and a two-digit exponent (1.23e-07).
  const gapText = (g) => {
    if (num(g) === null) return String(g);
    const [m, e] = num(g).toExponential(2).split('e');
    return `${m}e${e[0]}${e.slice(1).padStart(2, '0')}`;
  };

  function kpis() {
    const summary = data.run && data.run.summary;
    const cards = [];
    const box = $('kpis');
    const addCards = (list, container) => {
      for (const [k, v, bad] of list) {
        container.append(el('div', { class: 'card' + (bad ? ' bad' : '') },
          el('div', { class: 'v', text: typeof v === 'number' || num(v) !== null ? fmt(v) : String(v) }),
          el('div', { class: 'k', text: k })));
      }
    };
    if (data.study) {
      // A study's key figures are its rows: counts, and each KPI's lowest and highest value over the
      // solved scenarios (values of kpis.csv, not a draw's).
      const rows = records(data.study.kpis);
      const ok = rows.filter((r) => r.status === 'ok');
      cards.push(['scenarios', rows.length], ['solved', ok.length]);
      if (rows.length - ok.length) cards.push(['failed or unconverged', rows.length - ok.length, true]);
      const params = new Set(data.study.parameters || []);
      const skip = new Set(['scenario_id', 'case', 'draw', 'status', 'error', 'converged', 'gas_converged']);
      for (const c of data.study.kpis.columns) {
        if (skip.has(c) || params.has(c)) continue;
        const vals = ok.map((r) => num(r[c])).filter((x) => x !== null);
        if (!vals.length) continue;
        const lo = Math.min(...vals), hi = Math.max(...vals);
        cards.push([label(c) + ' (lowest – highest over solved scenarios)', lo === hi ? fmt(lo) : `${fmt(lo)} – ${fmt(hi)}`]);
      }
      addCards(cards, box);
      cards.length = 0;
    }
    if (summary) {
      const k = summary.kpis || {};
      const freight = freightRan(summary);
      if (data.study && data.run.label) box.append(el('h3', { class: 'cards-title', text: `Kept scenario ${data.run.label} (one variant of the study)` }));
      if (freight) {
        for (const [key, v] of Object.entries(k)) {
          if (Array.isArray(v)) cards.push([label(key) + ' (count)', v.length, v.length > 0 && /over_capacity/.test(key)]);
          else if (v !== null && typeof v === 'object') continue;
          else if (v !== '') cards.push([label(key), v, /unserved/.test(key) && num(v) > 0]);
        }
        const conv = summary.convergence;
        if (conv && conv.converged === false) cards.push(['solver', 'not converged', true]);
      }
      const gas = summary.gas;
      if (gas && typeof gas === 'object') {
        // The gas solve (summary.json "gas"): deliveries, pressures, stations, capacity studies.
        if (gas.delivered_bcm_per_year !== undefined) cards.push(['gas delivered, bcm/year', gas.delivered_bcm_per_year]);
        if (gas.delivered_mcm_per_day !== undefined) cards.push(['gas delivered, mcm/day', gas.delivered_mcm_per_day]);
        if (gas.pressure_lowest && gas.pressure_lowest.bar !== undefined)
          cards.push([`lowest pressure, bar (${gas.pressure_lowest.node})`, gas.pressure_lowest.bar]);
        if (gas.compressor_power_mw !== undefined) cards.push(['compressor power, MW', gas.compressor_power_mw]);
        if (gas.pressure_violations !== undefined)
          cards.push(['pressure violations', gas.pressure_violations, gas.pressure_violations > 0]);
        if (gas.capacity && gas.capacity.max_offtake_bcm_per_year !== undefined)
          cards.push(['maximum throughput, bcm/year', gas.capacity.max_offtake_bcm_per_year]);
        if (gas.converged === false) cards.push(['gas solver', 'not converged', true]);
      }
      const runBox = data.study ? el('div', { class: 'cards' }) : box;
      if (data.study) box.append(runBox);
      addCards(cards, runBox);

      const notes = [];
      if (freight && summary.convergence) {
        const c = summary.convergence;
        notes.push(`freight ${summary.solver ? label(summary.solver.freight_method || '') : ''}: ` +
          (c.converged ? 'converged' : 'NOT converged') + ` in ${c.iterations} iterations, relative gap ${gapText(c.relative_gap)}` +
          (c.relative_gap_target !== undefined ? ` (target ${gapText(c.relative_gap_target)})` : ''));
      }
      if (summary.run_time_s !== undefined && !data.study) notes.push(`run time ${fmt(summary.run_time_s, 3)} s`);
      $('kpi-notes').textContent = notes.join(' · ');
      warningsBox(summary);
    }
    if (!box.childElementCount) return;
    show('kpi-section');
  }

  /// What a planner must not overlook (summary.json "warnings"), the elements over capacity with the
  /// delay the solution charged, and the attribute defaults the network took.
  function warningsBox(summary) {
    const k = summary.kpis || {};
    const section = $('warnings');
    for (const w of summary.warnings || []) section.append(el('p', { class: 'warning', text: w }));
    const over = [];
    for (const e of k.nodes_over_capacity || [])
      over.push({ element: 'node', id: e.id, utilization: e.utilization, 'congested delay h': e.delay_h, 'free flow h': e.dwell_h });
    for (const e of k.links_over_capacity || [])
      over.push({ element: 'link', id: e.id, utilization: e.utilization, 'congested delay h': e.travel_time_h, 'free flow h': e.free_flow_travel_time_h });
    if (over.length) {
      section.append(el('h3', { text: 'Over capacity' }));
      const holder = el('div', { id: 'over-capacity' });
      section.append(holder);
      table(holder, ['element', 'id', 'utilization', 'congested delay h', 'free flow h'], over);
    }
    const defaults = summary.defaults || [];
    if (defaults.length) {
      const details = el('details', { id: 'defaults' }, el('summary', { text: `Attribute defaults used (${defaults.length})` }));
      section.append(details);
      table(details, ['attribute', 'applies_to', 'value', 'source', 'features'], defaults);
    }
    if (section.childElementCount) show('warnings-section');
  }

  // ---------- map ----------
  function attrTable(props) {
    const rows = Object.entries(props)
      .filter(([, v]) => v !== null && v !== '' && v !== undefined)
      .map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(typeof v === 'number' ? fmt(v) : typeof v === 'object' ? JSON.stringify(v) : v)}</td></tr>`);
    return `<table class="attr">${rows.join('')}</table>`;
  }

  /// Gas quantities of a pipeline: mean pressure and flow against capacity, where known.
  function gasOf(p) {
    const pin = num(p.pressure_in_bar), pout = num(p.pressure_out_bar);
    const pressure = pin !== null && pout !== null ? (pin + pout) / 2 : pin !== null ? pin : pout;
    const flow = num(p.flow_mcm_per_day);
    let capacity = num(p.capacity_mcm_per_day);
    if (capacity === null && num(p.capacity_bcm_per_year) !== null) capacity = num(p.capacity_bcm_per_year) * 1000 / 365;
    const load = flow !== null && capacity ? Math.abs(flow) / capacity : null;
    return { pressure, flow, capacity, load };
  }

  function drawMap(run) {
    const links = run.links.features || [];
    const nodes = (run.nodes && run.nodes.features) || [];
    show('map-section');
    if (data.study && run.label) $('map-title').textContent = `Network of scenario ${run.label}`;

    const map = L.map('map', { preferCanvas: false, zoomSnap: 0.25, worldCopyJump: false, attributionControl: true });
    map.attributionControl.setPrefix('Leaflet');
    map.attributionControl.addAttribution('Natural Earth');
    const world = window.CORRIDOR_WORLD;
    const countries = topojson.feature(world, world.objects.countries);
    L.geoJSON(countries, {
      interactive: false,
      style: { color: '#a9b3bd', weight: 0.8, fillColor: '#f4f1ea', fillOpacity: 1 },
    }).addTo(map);

    const isPipe = (p) => p.mode === 'pipeline';
    const freightFlows = links.filter((f) => !isPipe(f.properties)).map((f) => Math.abs(num(f.properties.flow_teu_per_day) || 0));
    const maxFlow = Math.max(1e-9, ...freightFlows);
    const gas = links.filter((f) => isPipe(f.properties)).map((f) => gasOf(f.properties));
    // One pressure scale for pipes (their mean pressure) and gas nodes: from the lowest to the highest seen.
    const pressures = links.filter((f) => isPipe(f.properties))
      .flatMap((f) => [num(f.properties.pressure_in_bar), num(f.properties.pressure_out_bar)])
      .concat(nodes.map((f) => num(f.properties.pressure_bar))).filter((x) => x !== null);
    const gasFlows = gas.map((g) => (g.flow === null ? 0 : Math.abs(g.flow)));
    const maxGasFlow = Math.max(1e-9, ...gasFlows);
    const hasPressure = pressures.length > 0;
    const hasLoad = gas.some((g) => g.load !== null);
    const pMin = hasPressure ? Math.min(...pressures) : 0;
    const pMax = hasPressure ? Math.max(...pressures) : 1;
    let gasMode = hasPressure ? 'pressure' : hasLoad ? 'load' : 'none';

    const gasColour = (g) => {
      if (gasMode === 'pressure' && g.pressure !== null) return ramp(gasStops, pMax > pMin ? (g.pressure - pMin) / (pMax - pMin) : 0.5);
      if (gasMode === 'load' && g.load !== null) return utilColour(g.load);
      return '#8e7cc3';
    };
    const linkStyle = (f) => {
      const p = f.properties;
      const mode = MODES[p.mode] || { dash: '1 3' };
      if (isPipe(p)) {
        const g = gasOf(p);
        const w = g.flow !== null ? 2 + 6 * Math.sqrt(Math.abs(g.flow) / maxGasFlow) : 2.5;
        return { color: gasColour(g), weight: w, opacity: 0.95, dashArray: null, lineCap: 'round' };
      }
      const flow = Math.abs(num(p.flow_teu_per_day) || 0);
      const w = 1.5 + 8.5 * Math.sqrt(flow / maxFlow);
      const closed = p.closed === true || p.status === 'closed';
      return {
        color: closed ? '#c5cad1' : utilColour(num(p.utilization)),
        weight: closed ? 1.2 : w, opacity: closed ? 0.7 : 0.92, dashArray: closed ? '3 5' : mode.dash, lineCap: 'round',
      };
    };
    const isBottleneckLink = (p) => {
      const u = num(p.utilization);
      return p.bottleneck === true || (u !== null && u >= 0.9) || (isPipe(p) && gasOf(p).load !== null && gasOf(p).load >= 0.9);
    };

    // Bottleneck halos under the links.
    const halos = links.filter((f) => isBottleneckLink(f.properties));
    L.geoJSON({ type: 'FeatureCollection', features: halos }, {
      interactive: false,
      style: (f) => ({ color: '#ff006e', weight: linkStyle(f).weight + 8, opacity: 0.35, className: 'corridor-bottleneck' }),
    }).addTo(map);

    const layersByMode = {};
    const linkLayer = L.geoJSON({ type: 'FeatureCollection', features: links }, {
      style: (f) => Object.assign(linkStyle(f), { className: `corridor-link mode-${f.properties.mode || 'other'}` }),
      onEachFeature: (f, layer) => {
        const p = f.properties;
        const g = isPipe(p) ? gasOf(p) : null;
        const tip = `<b>${esc(p.id)}</b> ${esc(p.mode || '')}` +
          (g ? (g.pressure !== null ? ` · ${fmt(g.pressure, 1)} bar` : '') + (g.flow !== null ? ` · ${fmt(g.flow, 1)} mcm/d` : '')
            : (num(p.flow_teu_per_day) !== null ? ` · ${fmt(p.flow_teu_per_day, 0)} TEU/day` : '') +
              (num(p.utilization) !== null ? ` · utilization ${fmt(p.utilization, 2)}` : ''));
        layer.bindTooltip(tip, { sticky: true });
        layer.bindPopup(`<b>link ${esc(p.id)}</b>` + attrTable(p), { maxWidth: 360, maxHeight: 320 });
        layer.on('mouseover', () => layer.setStyle({ opacity: 1, weight: linkStyle(f).weight + 2 }));
        layer.on('mouseout', () => layer.setStyle({ opacity: linkStyle(f).opacity, weight: linkStyle(f).weight }));
        (layersByMode[p.mode || 'other'] = layersByMode[p.mode || 'other'] || []).push(layer);
      },
    }).addTo(map);
    state.linkFeatures = links.length;

    // Nodes: freight nodes coloured by utilization, gas nodes by pressure; bottlenecks ringed.
    const nodeLayer = L.layerGroup().addTo(map);
    for (const f of nodes) {
      if (!f.geometry || f.geometry.type !== 'Point') continue;
      const p = f.properties;
      const [lon, lat] = f.geometry.coordinates;
      const isGas = /^gas_|compressor/.test(p.kind || '');
      const u = num(p.utilization);
      const pressure = num(p.pressure_bar);
      const over = u !== null && u >= 1;
      const colour = isGas ? (pressure !== null ? ramp(gasStops, pMax > pMin ? Math.min(1, Math.max(0, (pressure - pMin) / (pMax - pMin))) : 0.5) : '#8e7cc3')
        : u !== null ? utilColour(u) : '#ffffff';
      const r = { terminal: 5, port: 5.5, border: 5, gas_source: 5.5, gas_sink: 5.5, compressor: 4 }[p.kind] || 3;
      const m = L.circleMarker([lat, lon], {
        radius: over ? r + 2 : r, color: over ? '#ff006e' : '#36414d', weight: over ? 3 : 1,
        fillColor: colour, fillOpacity: 1, className: 'corridor-node' + (over ? ' corridor-bottleneck-node' : ''),
      });
      m.bindTooltip(`<b>${esc(p.name || p.id)}</b> (${esc(p.id)}) ${esc(p.kind || '')}` +
        (u !== null ? ` · utilization ${fmt(u, 2)}` : '') + (pressure !== null ? ` · ${fmt(pressure, 1)} bar` : ''));
      m.bindPopup(`<b>node ${esc(p.id)}</b>` + attrTable(p), { maxWidth: 360, maxHeight: 320 });
      m.addTo(nodeLayer);
      state.nodeFeatures++;
    }

    // Fit to the network.
    const b = linkLayer.getBounds();
    if (b.isValid()) map.fitBounds(b.pad(0.04));
    else map.setView([45, 60], 3);

    // Legend.
    const legend = L.control({ position: 'bottomright' });
    legend.onAdd = () => {
      const d = L.DomUtil.create('div', 'legend');
      const rows = [];
      rows.push('<h4>Link utilization</h4>');
      for (const [txt, c] of [['&lt; 0.5', utilColour(0.25)], ['0.5 – 0.75', utilColour(0.6)], ['0.75 – 0.9', utilColour(0.8)],
        ['0.9 – 1', utilColour(0.95)], ['≥ 1 (over capacity)', utilColour(1.2)], ['no capacity known', NO_CAPACITY]]) {
        rows.push(`<div class="row"><span class="sw" style="border-top-color:${c}"></span>${txt}</div>`);
      }
      rows.push('<div class="row"><span class="sw" style="border-top-color:#ff006e;opacity:.45;border-top-width:9px"></span>bottleneck (≥ 0.9)</div>');
      rows.push('<h4>Mode</h4>');
      for (const m of Object.keys(MODES).filter((k) => layersByMode[k] && k !== 'pipeline')) {
        rows.push(`<div class="row"><svg width="26" height="6"><line x1="0" y1="3" x2="26" y2="3" stroke="#444" stroke-width="3" ${MODES[m].dash ? `stroke-dasharray="${MODES[m].dash}"` : ''}/></svg>${m}</div>`);
      }
      rows.push(`<div class="note">width: flow (max ${fmt(maxFlow, 0)} TEU/day)</div>`);
      if (layersByMode.pipeline) {
        if (gasMode === 'pressure') {
          rows.push('<h4>Pipeline pressure (bar)</h4>');
          rows.push(`<div class="ramp" style="background:${cssGradient(gasStops)}"></div><div class="ends"><span>${fmt(pMin, 1)}</span><span>${fmt(pMax, 1)}</span></div>`);
        } else if (gasMode === 'load') {
          rows.push('<h4>Pipeline flow / capacity</h4><div class="note">same colours as utilization</div>');
        } else {
          rows.push('<h4>Pipeline</h4><div class="row"><span class="sw" style="border-top-color:#8e7cc3"></span>no gas results</div>');
        }
      }
      d.innerHTML = rows.join('');
      L.DomEvent.disableClickPropagation(d);
      return d;
    };
    legend.addTo(map);

    // Controls: modes on/off, gas colouring.
    const controls = $('map-controls');
    for (const mode of Object.keys(layersByMode)) {
      const box = el('input', { type: 'checkbox', id: `mode-${mode}` });
      box.checked = true;
      box.addEventListener('change', () => {
        for (const layer of layersByMode[mode]) {
          if (box.checked) linkLayer.addLayer(layer); else linkLayer.removeLayer(layer);
        }
      });
      controls.append(el('label', {}, box, ` ${mode} (${layersByMode[mode].length})`));
    }
    const nodesBox = el('input', { type: 'checkbox', id: 'show-nodes' });
    nodesBox.checked = true;
    nodesBox.addEventListener('change', () => (nodesBox.checked ? nodeLayer.addTo(map) : nodeLayer.remove()));
    controls.append(el('label', {}, nodesBox, ' nodes'));
    if (hasPressure && hasLoad) {
      const sel = el('select', { id: 'gas-colour' },
        el('option', { value: 'pressure', text: 'pipelines by pressure' }), el('option', { value: 'load', text: 'pipelines by flow / capacity' }));
      sel.addEventListener('change', () => {
        gasMode = sel.value;
        linkLayer.setStyle((f) => linkStyle(f));
        legend.remove();
        legend.addTo(map);
      });
      controls.append(sel);
    }
    state.gasColouring = gasMode;
    state.map = map;
  }

  // ---------- tables ----------
  function table(container, columns, rows, opts) {
    opts = opts || {};
    const wrap = el('div', { class: 'table-wrap' });
    const t = el('table', { class: 'data' });
    const thead = el('thead');
    const tbody = el('tbody');
    const numeric = columns.map((c) => rows.length > 0 && rows.every((r) => r[c] === '' || r[c] === null || num(r[c]) !== null));
    let sortCol = null, sortDir = 1;
    const render = () => {
      tbody.textContent = '';
      const sorted = sortCol === null ? rows : rows.slice().sort((a, b) => {
        const i = columns.indexOf(sortCol);
        const x = a[sortCol], y = b[sortCol];
        return (numeric[i] ? (num(x) ?? -Infinity) - (num(y) ?? -Infinity) : String(x).localeCompare(String(y))) * sortDir;
      });
      for (const r of sorted) {
        const tr = el('tr', opts.rowClass ? { class: opts.rowClass(r) } : {});
        columns.forEach((c, i) => tr.append(el('td', { class: c === 'route' ? 'route' : numeric[i] ? 'num' : '', text: numeric[i] ? fmt(r[c]) : r[c] ?? '' })));
        tbody.append(tr);
      }
    };
    const tr = el('tr');
    for (const c of columns) {
      const th = el('th', { text: label(c), title: 'sort' });
      th.addEventListener('click', () => { sortDir = sortCol === c ? -sortDir : 1; sortCol = c; render(); });
      tr.append(th);
    }
    thead.append(tr);
    t.append(thead, tbody);
    wrap.append(t);
    container.append(wrap);
    render();
  }

  function odTable(run) {
    if (!run.od) return;
    const rows = records(run.od);
    const prefer = ['origin_name', 'destination_name', 'commodity', 'demand_teu_per_year', 'assigned_teu_per_year', 'unserved_teu_per_year',
      'route_family', 'transit_days', 'cost_usd_per_teu', 'length_km'];
    const rest = run.od.columns.filter((c) => !prefer.includes(c) && !['origin', 'destination', 'transit_time_h', 'route'].includes(c));
    const columns = prefer.filter((c) => run.od.columns.includes(c)).concat(rest, run.od.columns.includes('route') ? ['route'] : []);
    table($('od'), columns, rows, { rowClass: (r) => (num(r.unserved_teu_per_year) > 0 ? 'unserved' : '') });
    $('od').prepend(el('p', { class: 'note', text: `${rows.length} rows; click a column to sort. Routes are node ids joined by '>'.` }));
    show('od-section');
  }

  // ---------- charts ----------
  const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f'];
  function chartBlock(id, title, note) {
    const block = el('div', { class: 'chart-block', id: `block-${id}` }, el('h3', { text: title }));
    const controls = el('div', { class: 'controls' });
    block.append(controls);
    const holder = el('div', { class: 'chart' });
    const canvas = el('canvas', { id: `chart-${id}` });
    holder.append(canvas);
    block.append(holder);
    if (note) block.append(el('p', { class: 'note', text: note }));
    $('charts').append(block);
    $('charts-section').hidden = false;
    if (!state.sections.includes('charts-section')) state.sections.push('charts-section');
    return { canvas, controls };
  }
  const baseOptions = (xTitle, yTitle, extra) => Object.assign({
    responsive: true, maintainAspectRatio: false, animation: false,
    interaction: { mode: 'nearest', intersect: false },
    plugins: { legend: { position: 'bottom' } },
    scales: { x: { type: 'linear', title: { display: true, text: xTitle } }, y: { title: { display: true, text: yTitle } } },
  }, extra || {});
  function register(id, chart) {
    state.charts[id] = { datasets: chart.data.datasets.length, points: chart.data.datasets.reduce((s, d) => s + d.data.length, 0) };
    return chart;
  }

  /// KPI against a study parameter: one line per case (mean over the other parameters and draws),
  /// every scenario as a faint point.
  function studyChart(study) {
    const rows = records(study.kpis).filter((r) => r.status === undefined || r.status === 'ok');
    if (!rows.length) return;
    const params = study.parameters && study.parameters.length ? study.parameters : [];
    const skip = new Set(['id', 'scenario_id', 'case', 'draw', 'status', 'error', ...params]);
    const kpiCols = study.kpis.columns.filter((c) => !skip.has(c) && rows.some((r) => num(r[c]) !== null) && !/iterations|converged/.test(c));
    if (!kpiCols.length) return;
    const xChoices = params.length ? params : rows.some((r) => num(r.draw) !== null) ? ['draw'] : [];
    if (!xChoices.length) return;
    const { canvas, controls } = chartBlock('study', 'KPI against a study parameter',
      'Lines: mean over the other parameters and Monte Carlo draws, one per case; points: every solved scenario.');
    const kpiSel = el('select', { id: 'study-kpi' }, ...kpiCols.map((c) => el('option', { value: c, text: label(c) })));
    const xSel = el('select', { id: 'study-x' }, ...xChoices.map((c) => el('option', { value: c, text: label(c) })));
    const preferred = kpiCols.find((c) => /china_europe.*mean_transit/.test(c)) || kpiCols.find((c) => /mean_transit/.test(c)) || kpiCols[0];
    kpiSel.value = preferred;
    controls.append(el('label', {}, 'KPI ', kpiSel), el('label', {}, 'against ', xSel));
    const cases = [...new Set(rows.map((r) => r.case ?? ''))];
    const datasets = () => {
      const k = kpiSel.value, x = xSel.value;
      const out = [];
      cases.forEach((c, i) => {
        const mine = rows.filter((r) => (r.case ?? '') === c && num(r[x]) !== null && num(r[k]) !== null);
        const byX = new Map();
        for (const r of mine) {
          const xv = num(r[x]);
          if (!byX.has(xv)) byX.set(xv, []);
          byX.get(xv).push(num(r[k]));
        }
        const colour = palette[i % palette.length];
        out.push({ type: 'line', label: (c || 'all') + ' (mean)', borderColor: colour, backgroundColor: colour,
          data: [...byX.entries()].sort((a, b) => a[0] - b[0]).map(([xv, ys]) => ({ x: xv, y: ys.reduce((s, y) => s + y, 0) / ys.length })) });
        out.push({ type: 'scatter', label: (c || 'all') + ' (scenarios)', borderColor: colour + '55', backgroundColor: colour + '55', pointRadius: 2.5,
          data: mine.map((r) => ({ x: num(r[x]), y: num(r[k]) })) });
      });
      return out;
    };
    const chart = new Chart(canvas, { data: { datasets: datasets() }, options: baseOptions(label(xSel.value), label(kpiSel.value)) });
    const update = () => {
      chart.data.datasets = datasets();
      chart.options.scales.x.title.text = label(xSel.value);
      chart.options.scales.y.title.text = label(kpiSel.value);
      chart.update();
      register('study', chart);
    };
    kpiSel.addEventListener('change', update);
    xSel.addEventListener('change', update);
    register('study', chart);
  }

  function studyTable(study) {
    const rows = records(study.kpis);
    table($('study-table'), study.kpis.columns, rows, { rowClass: (r) => (r.status && r.status !== 'ok' ? 'unserved' : '') });
    $('study-table').prepend(el('p', { class: 'note', text: `${rows.length} scenarios from kpis.csv` +
      (study.kept && study.kept.length ? `; full results kept for ${study.kept.join(', ')}` : '') + '.' }));
    show('study-section');
  }

  /// Pressure against distance along each pipeline line: links of one `line` (or corridor) chained
  /// from → to; a compressor shows as a rise at one distance.
  function pressureChart(run) {
    const pipes = (run.links.features || []).map((f) => f.properties)
      .filter((p) => p.mode === 'pipeline' && (num(p.pressure_in_bar) !== null || num(p.pressure_out_bar) !== null));
    if (!pipes.length) return;
    const groups = new Map();
    for (const p of pipes) {
      const key = p.line || p.corridor || 'pipeline';
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(p);
    }
    const datasets = [];
    let i = 0;
    for (const [key, list] of [...groups.entries()].sort((a, b) => String(a[0]).localeCompare(String(b[0])))) {
      // Follow the flow: start where no link of the group ends; reverse links that carry negative flow.
      const oriented = list.map((p) => {
        const f = num(p.flow_mcm_per_day);
        return f !== null && f < 0
          ? { from: p.to, to: p.from, pin: num(p.pressure_out_bar), pout: num(p.pressure_in_bar), km: num(p.length_km) || 0, id: p.id }
          : { from: p.from, to: p.to, pin: num(p.pressure_in_bar), pout: num(p.pressure_out_bar), km: num(p.length_km) || 0, id: p.id };
      });
      const ends = new Set(oriented.map((o) => o.to));
      const used = new Set();
      const points = [];
      let km = 0;
      while (used.size < oriented.length) {
        let cur = oriented.find((o) => !used.has(o) && !ends.has(o.from)) || oriented.find((o) => !used.has(o));
        if (points.length) points.push({ x: km, y: null });  // gap between separate chains
        while (cur) {
          used.add(cur);
          if (cur.pin !== null) points.push({ x: km, y: cur.pin, id: cur.id, node: cur.from });
          km += cur.km;
          if (cur.pout !== null) points.push({ x: km, y: cur.pout, id: cur.id, node: cur.to });
          const here = cur.to;
          cur = oriented.find((o) => !used.has(o) && o.from === here);
        }
      }
      const colour = palette[i++ % palette.length];
      datasets.push({ type: 'line', label: `line ${key}`, data: points, borderColor: colour, backgroundColor: colour, spanGaps: false, pointRadius: 2.5 });
    }
    const { canvas } = chartBlock('pressure', 'Pressure along the pipelines',
      'Pressure at the inlet and outlet of each pipe, against distance along the line in the direction of flow; a rise is a compressor station.');
    const chart = new Chart(canvas, {
      data: { datasets },
      options: baseOptions('distance along the line (km)', 'pressure (bar)', {
        plugins: { legend: { position: 'bottom' }, tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${fmt(c.parsed.y, 1)} bar at ${fmt(c.parsed.x, 0)} km (${c.raw.node || ''})` } } },
      }),
    });
    register('pressure', chart);
  }

  /// Queue length over time per node (timeseries.csv from the event simulation).
  function queueChart(run) {
    const ts = run.timeseries;
    if (!ts) return;
    const cols = ts.columns;
    const timeCol = cols.find((c) => /^(day|time_d|time_days|t_day|time_h|time|t|date)$/i.test(c)) || cols[0];
    const nodeCol = cols.find((c) => /^(node|node_id|id|where)$/i.test(c));
    const queueCols = cols.filter((c) => /queue/i.test(c));
    if (!queueCols.length) return;
    const qCol = queueCols.find((c) => /teu/.test(c)) || queueCols.find((c) => /mean/.test(c)) || queueCols[0];
    // Rows of links (element = link) carry no queue of a node.
    const rows = records(ts).filter((r) => r.element === undefined || r.element === 'node');
    const series = new Map();
    for (const r of rows) {
      const t = num(r[timeCol]);
      if (t === null) continue;
      if (nodeCol) {
        const q = num(r[qCol]);
        if (q === null) continue;
        if (!series.has(r[nodeCol])) series.set(r[nodeCol], []);
        series.get(r[nodeCol]).push({ x: t, y: q });
      } else {
        for (const c of queueCols) {
          const q = num(r[c]);
          if (q === null) continue;
          if (!series.has(c)) series.set(c, []);
          series.get(c).push({ x: t, y: q });
        }
      }
    }
    const top = [...series.entries()].map(([k, pts]) => [k, pts, Math.max(...pts.map((p) => p.y))])
      .filter(([, , m]) => m > 0).sort((a, b) => b[2] - a[2]).slice(0, 10);
    if (!top.length) return;
    const { canvas } = chartBlock('queue', 'Queue length over time',
      `${label(qCol)} per node from timeseries.csv` + (series.size > top.length ? ` (the ${top.length} longest of ${series.size} series)` : '') + '.');
    const chart = new Chart(canvas, {
      data: { datasets: top.map(([k, pts], i) => ({ type: 'line', label: k, data: pts.sort((a, b) => a.x - b.x), borderColor: palette[i % 10], backgroundColor: palette[i % 10], pointRadius: 0, borderWidth: 1.6 })) },
      options: baseOptions(label(timeCol), label(qCol)),
    });
    register('queue', chart);
  }

  /// Transit-time distributions: from transit_times.csv (one row per shipment or train, or a
  /// histogram with a count column) or, failing that, percentiles in od.csv.
  function transitChart(run) {
    const tt = run.transit_times;
    if (tt) {
      const cols = tt.columns;
      const valueCol = cols.find((c) => /transit.*days|^days$/i.test(c)) || cols.find((c) => /transit.*_h$|hours/i.test(c));
      const countCol = cols.find((c) => /^(count|n|teu|trains|shipments|frequency|share)$/i.test(c) || /_count$/.test(c));
      const odKey = (r) => (r.od ? r.od : r.origin !== undefined && r.destination !== undefined ? `${r.origin}→${r.destination}` : 'all');
      if (valueCol) {
        const rows = records(tt);
        const byOd = new Map();
        for (const r of rows) {
          const v = num(r[valueCol]);
          if (v === null) continue;
          const w = countCol ? num(r[countCol]) || 0 : 1;
          const k = odKey(r);
          if (!byOd.has(k)) byOd.set(k, []);
          byOd.get(k).push([v, w]);
        }
        if (byOd.size) {
          const all = [...byOd.values()].flat();
          const lo = Math.min(...all.map((a) => a[0])), hi = Math.max(...all.map((a) => a[0]));
          const bins = 30, width = (hi - lo) / bins || 1;
          const top = [...byOd.entries()].sort((a, b) => b[1].reduce((s, x) => s + x[1], 0) - a[1].reduce((s, x) => s + x[1], 0)).slice(0, 6);
          const { canvas } = chartBlock('transit', 'Transit-time distributions',
            `${label(valueCol)} from transit_times.csv, share of ${countCol ? label(countCol) : 'shipments'} per bin` +
            (byOd.size > top.length ? ` (the ${top.length} largest of ${byOd.size} OD pairs)` : '') + '.');
          const datasets = top.map(([k, vals], i) => {
            const h = new Array(bins).fill(0);
            const total = vals.reduce((s, x) => s + x[1], 0) || 1;
            for (const [v, w] of vals) h[Math.min(bins - 1, Math.floor((v - lo) / width))] += w;
            return { type: 'bar', label: k, data: h.map((c, b) => ({ x: lo + (b + 0.5) * width, y: c / total })), backgroundColor: palette[i % 10] + 'aa', barPercentage: 1, categoryPercentage: 1 };
          });
          register('transit', new Chart(canvas, { data: { datasets }, options: baseOptions(label(valueCol), 'share') }));
          return;
        }
      }
    }
    // Percentiles per OD (events_od.csv of the event simulation, else od.csv): one bar group per OD.
    const od = run.events_od || run.od;
    if (!od) return;
    const pcols = od.columns.filter((c) => /transit.*(p\d+|median|mean|max|min).*days|(p\d+|median).*transit.*days/i.test(c) && !/northern|middle|sea/.test(c));
    if (pcols.length < 2) return;
    const rows = records(od).filter((r) => pcols.some((c) => num(r[c]) !== null));
    if (!rows.length) return;
    const { canvas } = chartBlock('transit', 'Transit-time distributions',
      `Transit-time statistics per OD pair from ${run.events_od ? 'events_od.csv (event simulation)' : 'od.csv'}.`);
    const labels = rows.map((r) => `${r.origin}→${r.destination}` + (r.commodity && r.commodity !== 'containers' ? ` ${r.commodity}` : ''));
    const chart = new Chart(canvas, {
      type: 'bar',
      data: { labels, datasets: pcols.map((c, i) => ({ label: label(c), data: rows.map((r) => num(r[c])), backgroundColor: palette[i % 10] })) },
      options: Object.assign(baseOptions('', 'days'), { scales: { x: { type: 'category' }, y: { title: { display: true, text: 'days' } } } }),
    });
    register('transit', chart);
  }

  // ---------- main ----------
  function main() {
    header();
    kpis();
    if (data.run) drawMap(data.run);
    if (data.study) studyChart(data.study);
    if (data.run) {
      pressureChart(data.run);
      queueChart(data.run);
      transitChart(data.run);
      odTable(data.run);
    }
    if (data.study) studyTable(data.study);
    state.ready = true;
    document.body.dataset.ready = '1';
  }
  try {
    main();
  } catch (e) {
    document.body.dataset.ready = 'error';
    console.error('report page failed: ' + (e && e.stack ? e.stack : e));
  }
})();
