// Live devnet figures for `/` (inside the "View Devnet Statistics" expander) and `/devnet` (full dashboard).
// Every API value goes into the page through textContent or SVG attributes, never as HTML.
(function () {
  'use strict';

  var F = window.BloomFormat;
  var SVG_NS = 'http://www.w3.org/2000/svg';
  var DEFAULT_REFRESH_MS = 10000;
  var FETCH_TIMEOUT_MS = 8000;
  var CHART_HOURS = 48;

  var root = document.querySelector('[data-stats-root]');
  if (!root) return;
  var page = document.body.getAttribute('data-page');
  var refreshMs = F.refreshInterval(window.location.search, DEFAULT_REFRESH_MS);
  var expander = page === 'landing' ? document.getElementById('devnet-stats') : null;

  var state = { lastOkAt: null, error: null, timer: null, inFlight: false, points: null };

  // ---- DOM helpers -------------------------------------------------------------------------------------------

  function each(selector, fn) {
    var list = root.querySelectorAll(selector);
    for (var i = 0; i < list.length; i++) fn(list[i]);
  }

  function setField(name, text) {
    each('[data-field="' + name + '"]', function (el) {
      el.textContent = text;
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function svg(tag, attrs) {
    var node = document.createElementNS(SVG_NS, tag);
    for (var key in attrs) node.setAttribute(key, String(attrs[key]));
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  // ---- API ---------------------------------------------------------------------------------------------------

  function getData(url) {
    var controller = new AbortController();
    var timeout = setTimeout(function () {
      controller.abort();
    }, FETCH_TIMEOUT_MS);
    return fetch(url, { headers: { accept: 'application/json' }, cache: 'no-store', signal: controller.signal })
      .then(function (res) {
        return res.json().then(
          function (body) {
            if (!res.ok || !body || body.ok !== true) {
              var code = body && body.error && body.error.code ? ' ' + body.error.code : '';
              throw new Error('HTTP ' + res.status + code);
            }
            return body.data;
          },
          function () {
            throw new Error('HTTP ' + res.status);
          },
        );
      })
      .finally(function () {
        clearTimeout(timeout);
      });
  }

  // ---- Rendering ---------------------------------------------------------------------------------------------

  function renderTraffic(stats) {
    var t = stats.traffic;
    setField('requestsAllTime', F.count(t.requestsAllTime));
    setField('requestsLast24h', F.count(t.requestsLast24h));
    setField('successRate24h', F.ratio(t.successRate24h));
    setField('visitorsLast24h', F.count(t.visitorsLast24h));
    setField('http5xx24h', F.count(t.http5xx24h));
    setField('usersAllTime', F.count(stats.users.allTime));
    setField('usersLast24h', F.count(stats.users.last24h));
  }

  function renderExecutions(stats) {
    var visible = stats.display.executionMetricsVisible === true;
    each('[data-exec]', function (node) {
      node.hidden = !visible;
    });
    each('[data-exec-hidden]', function (node) {
      node.hidden = visible;
    });
    setField('execReason', stats.display.reason || '');
    if (!visible) return;

    setField('executionsFinalized', F.count(stats.transactions.successCount));
    setField('executionsFailed', F.count(stats.transactions.failCount));
    setField('executionsPending', F.count(stats.transactions.pendingCount));
    var bps = stats.feesCollected.feeBps;
    setField('feeBps', typeof bps === 'number' ? bps + ' bps' : '—');
    setField('feePercent', typeof bps === 'number' ? (bps / 100).toFixed(2) + '%' : '—');
    renderTokens(stats);
  }

  /** A token outside the known list has no decimals: its raw base units are shown, labelled as such. */
  function amount(units, decimals) {
    return decimals === null || decimals === undefined ? F.units(units, 0) + ' base units' : F.units(units, decimals);
  }

  function renderTokens(stats) {
    var body = root.querySelector('[data-tokens]');
    if (!body) return;
    var fees = {};
    stats.feesCollected.byToken.forEach(function (f) {
      fees[f.token] = f;
    });
    clear(body);
    stats.amountExecuted.byToken.forEach(function (a) {
      var f = fees[a.token];
      var row = el('tr');
      row.setAttribute('data-token', a.token);
      row.appendChild(el('th', null, a.token)).setAttribute('scope', 'row');
      row.appendChild(el('td', 'num', amount(a.totalUnits, a.decimals)));
      row.appendChild(el('td', 'num', f ? amount(f.totalFeeUnits, f.decimals) : '—'));
      row.appendChild(el('td', 'num', f ? amount(f.last24hFeeUnits, f.decimals) : '—'));
      body.appendChild(row);
    });
    if (!body.firstChild) {
      var empty = el('tr');
      var cell = el('td', 'empty', 'No confirmed volume yet.');
      cell.colSpan = 4;
      empty.appendChild(cell);
      body.appendChild(empty);
    }
    var unpriced = Math.max(stats.amountExecuted.unpricedCount || 0, stats.feesCollected.unpricedCount || 0);
    each('[data-unpriced]', function (node) {
      node.hidden = unpriced === 0;
      node.textContent =
        F.count(unpriced) + ' confirmed execution(s) carry no token amount and are not included in the totals.';
    });
  }

  function renderRuns(runs) {
    var body = root.querySelector('[data-runs]');
    if (!body) return;
    clear(body);
    runs.forEach(function (run) {
      var row = el('tr');
      var id = el('th', 'run-id');
      id.setAttribute('scope', 'row');
      id.appendChild(el('code', null, run.runId));
      row.appendChild(id);
      row.appendChild(el('td', null, run.kind));
      row.appendChild(el('td', null, F.dateTime(run.startedAt)));
      row.appendChild(el('td', 'num', F.count(run.requests)));
      row.appendChild(el('td', 'num', F.percent(run.okPct)));
      row.appendChild(el('td', 'num', F.ms(run.p95Ms)));
      row.appendChild(el('td', 'num', F.count(run.http5xx)));
      if (run.topError) row.title = 'Top error: ' + run.topError;
      body.appendChild(row);
    });
    if (!runs.length) {
      var empty = el('tr');
      var cell = el('td', 'empty', 'No traffic runs recorded yet.');
      cell.colSpan = 7;
      empty.appendChild(cell);
      body.appendChild(empty);
    }
  }

  /** Hourly bars (below-500 and 5xx stacked) for the last 48 hours, drawn with DOM calls only. */
  function renderChart(points) {
    var host = root.querySelector('[data-traffic-chart]');
    if (!host) return;
    // Drawn at the container's own width so axis text stays legible on a phone instead of being scaled down.
    var W = Math.max(300, Math.round(host.clientWidth) || 720);
    var narrow = W < 520;
    var H = narrow ? 200 : 240;
    var pad = { top: 12, right: 8, bottom: 28, left: 48 };
    var plotW = W - pad.left - pad.right;
    var plotH = H - pad.top - pad.bottom;
    var hourMs = 3600000;
    var lastHour = Math.floor(Date.now() / hourMs) * hourMs;
    var firstHour = lastHour - (CHART_HOURS - 1) * hourMs;

    var slots = [];
    for (var i = 0; i < CHART_HOURS; i++) slots.push({ t: firstHour + i * hourMs, requests: 0, errors: 0 });
    points.forEach(function (p) {
      var index = Math.round((p.t - firstHour) / hourMs);
      if (index >= 0 && index < CHART_HOURS) {
        slots[index].requests += p.requests;
        slots[index].errors += p.errors;
      }
    });
    var total = 0;
    var peak = 0;
    slots.forEach(function (s) {
      total += s.requests;
      peak = Math.max(peak, s.requests);
    });
    var step = F.axisStep(peak, 4);
    var max = step * 4;
    var y = function (v) {
      return pad.top + plotH - (v / max) * plotH;
    };

    var chart = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', class: 'chart-svg', 'aria-labelledby': 'chart-desc' });
    var desc = svg('title', { id: 'chart-desc' });
    desc.textContent =
      'Requests per hour over the last 48 hours: ' + F.count(total) + ' in total, peak ' + F.count(peak) + ' in one hour.';
    chart.appendChild(desc);

    for (var g = 0; g <= 4; g++) {
      var value = step * g;
      chart.appendChild(svg('line', { x1: pad.left, x2: W - pad.right, y1: y(value), y2: y(value), class: 'grid' }));
      var label = svg('text', { x: pad.left - 6, y: y(value) + 4, class: 'axis axis-y' });
      label.textContent = F.count(value);
      chart.appendChild(label);
    }

    var slotW = plotW / CHART_HOURS;
    var barW = Math.max(1, slotW * 0.72);
    var bars = svg('g', { class: 'bars' });
    slots.forEach(function (s, index) {
      var x = pad.left + index * slotW + (slotW - barW) / 2;
      if (index % (narrow ? 12 : 6) === 0) {
        var tick = svg('text', { x: x + barW / 2, y: H - 8, class: 'axis axis-x' });
        tick.textContent = F.clock(s.t);
        chart.appendChild(tick);
      }
      if (s.requests === 0) return;
      var bar = svg('g', { class: 'bar', 'data-hour': new Date(s.t).toISOString(), 'data-requests': s.requests });
      var okCount = s.requests - s.errors;
      bar.appendChild(svg('rect', { x: x, width: barW, y: y(okCount), height: y(0) - y(okCount), class: 'bar-ok' }));
      if (s.errors > 0) {
        bar.appendChild(svg('rect', { x: x, width: barW, y: y(s.requests), height: y(okCount) - y(s.requests), class: 'bar-err' }));
      }
      var tip = svg('title', {});
      tip.textContent = F.dateTime(s.t) + ': ' + F.count(s.requests) + ' requests, ' + F.count(s.errors) + ' 5xx';
      bar.appendChild(tip);
      bars.appendChild(bar);
    });
    chart.appendChild(bars);
    chart.appendChild(svg('line', { x1: pad.left, x2: W - pad.right, y1: y(0), y2: y(0), class: 'baseline' }));

    if (total === 0) {
      var none = svg('text', { x: pad.left + plotW / 2, y: pad.top + plotH / 2, class: 'chart-empty' });
      none.textContent = 'No requests in the last 48 hours yet';
      chart.appendChild(none);
    }
    clear(host);
    host.appendChild(chart);
  }

  /** Screen readers hear only changes of state, not the age label ticking every second. */
  function announce(text) {
    var region = root.querySelector('[data-announce]');
    if (region && region.textContent !== text) region.textContent = text;
  }

  function renderStatus() {
    var status = root.querySelector('[data-status]');
    if (!status) return;
    var stale = state.error !== null;
    if (stale) announce('Live figures unavailable: the API is unreachable.');
    else if (state.lastOkAt) announce('Live figures loaded.');
    root.setAttribute('data-state', stale ? 'stale' : state.lastOkAt ? 'live' : 'loading');
    if (state.lastOkAt) root.setAttribute('data-updated-at', String(state.lastOkAt));
    status.classList.toggle('status-error', stale);
    if (stale) {
      status.textContent = state.lastOkAt
        ? 'API unreachable — showing data from ' + F.clock(state.lastOkAt)
        : 'API unreachable — no data loaded yet';
    } else if (state.lastOkAt) {
      status.textContent = 'Updated ' + F.age(Date.now() - state.lastOkAt) + ' ago';
    }
  }

  // ---- Refresh loop ------------------------------------------------------------------------------------------

  function wanted() {
    return !document.hidden && (!expander || expander.open);
  }

  function toPoints(traffic) {
    return traffic.series.map(function (p) {
      return { t: Date.parse(p.hourStart), requests: p.requests, errors: p.serverErrors };
    });
  }

  function refresh() {
    if (state.inFlight) return;
    state.inFlight = true;
    clearTimeout(state.timer);
    var loads = [getData('/api/telemetry/devnet-stats')];
    if (page === 'devnet') loads.push(getData('/api/telemetry/traffic?hours=' + CHART_HOURS));
    Promise.all(loads)
      .then(function (results) {
        var stats = results[0];
        renderTraffic(stats);
        renderExecutions(stats);
        renderRuns(stats.traffic.recentRuns);
        if (results[1]) {
          state.points = toPoints(results[1]);
          renderChart(state.points);
        }
        state.lastOkAt = Date.now();
        state.error = null;
      })
      .catch(function (err) {
        state.error = err;
      })
      .finally(function () {
        state.inFlight = false;
        renderStatus();
        schedule();
      });
  }

  function schedule() {
    clearTimeout(state.timer);
    if (wanted()) state.timer = setTimeout(refresh, refreshMs);
  }

  document.addEventListener('visibilitychange', function () {
    if (document.hidden) clearTimeout(state.timer);
    else if (wanted()) refresh();
  });
  if (expander) {
    if (window.location.hash === '#devnet-stats') expander.open = true;
    expander.addEventListener('toggle', function () {
      if (expander.open) refresh();
      else clearTimeout(state.timer);
    });
  }
  var resizeTimer = null;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      if (state.points) renderChart(state.points);
    }, 150);
  });
  // The age label ticks every second between refreshes.
  setInterval(function () {
    if (!document.hidden && state.lastOkAt && !state.error) renderStatus();
  }, 1000);

  if (wanted()) refresh();
})();
