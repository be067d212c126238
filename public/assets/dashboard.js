// Live devnet figures for `/` (inside the "View Devnet Statistics" expander) and `/devnet` (full dashboard).
// Every API value goes into the page through textContent or SVG attributes, never as HTML.
(function () {
  'use strict';

  var F = window.BloomFormat;
  var SVG_NS = 'http://www.w3.org/2000/svg';
  var DEFAULT_REFRESH_MS = 10000;
  var FETCH_TIMEOUT_MS = 8000;
  var HOUR_MS = 3600000;
  var MINUTE_MS = 60000;
  /** The two views of the traffic chart: the last hour per minute (a short run has a shape), the last 48 h per hour. */
  var CHARTS = {
    minutes: { host: '[data-minute-chart]', slots: 60, slotMs: MINUTE_MS, key: 'minuteStart', attr: 'data-minute', tickEvery: 10, label: 'minute', span: 'the last hour' },
    hours: { host: '[data-traffic-chart]', slots: 48, slotMs: HOUR_MS, key: 'hourStart', attr: 'data-hour', tickEvery: 6, label: 'hour', span: 'the last 48 hours' },
  };

  var root = document.querySelector('[data-stats-root]');
  if (!root) return;
  var page = document.body.getAttribute('data-page');
  var refreshMs = F.refreshInterval(window.location.search, DEFAULT_REFRESH_MS);
  var expander = page === 'landing' ? document.getElementById('devnet-stats') : null;

  var state = { lastOkAt: null, error: null, timer: null, inFlight: false, series: {} };

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
    renderLoadSplit(stats);
  }

  function isCount(n) {
    return typeof n === 'number' && isFinite(n) && n >= 0;
  }

  /**
   * Users and requests of load runs apart from organic ones, when the API reports them (an older API does not: then
   * nothing is shown rather than a wrong zero).
   */
  function renderLoadSplit(stats) {
    var t = stats.traffic;
    var runUsers = stats.users && stats.users.fromLoadRuns;
    var parts = {
      requests: [t.requestsAllTime, t.requestsFromLoadRunsAllTime],
      users: [stats.users.allTime, runUsers && runUsers.allTime],
    };
    Object.keys(parts).forEach(function (name) {
      var total = parts[name][0];
      var fromRuns = parts[name][1];
      var known = isCount(total) && isCount(fromRuns) && fromRuns <= total;
      each('[data-load-split="' + name + '"]', function (node) {
        node.hidden = !known;
      });
      if (!known) return;
      setField(name + 'Organic', F.count(total - fromRuns));
      setField(name + 'FromLoadRuns', F.count(fromRuns));
    });
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

  /** The run's own verdict (pass/fail against the limits it ran with); a run that judged nothing shows a dash. */
  function verdictCell(run) {
    var cell = el('td', 'verdict');
    if (run.verdict !== 'pass' && run.verdict !== 'fail') {
      cell.textContent = '—';
      cell.title = 'This run recorded no verdict';
      return cell;
    }
    cell.className = 'verdict verdict-' + run.verdict;
    cell.setAttribute('data-verdict', run.verdict);
    cell.appendChild(el('span', 'verdict-mark', run.verdict === 'pass' ? '✓' : '✗')).setAttribute('aria-hidden', 'true');
    cell.appendChild(document.createTextNode(run.verdict === 'pass' ? ' pass' : ' fail'));
    return cell;
  }

  var RUN_CELLS = {
    runId: function (run) {
      var id = el('th', 'run-id');
      id.setAttribute('scope', 'row');
      id.appendChild(el('code', null, run.runId));
      return id;
    },
    kind: function (run) {
      return el('td', null, run.kind);
    },
    started: function (run) {
      return el('td', null, F.dateTime(run.startedAt));
    },
    requests: function (run) {
      return el('td', 'num', F.count(run.requests));
    },
    ok: function (run) {
      return el('td', 'num', F.percent(run.okPct));
    },
    p95: function (run) {
      return el('td', 'num', F.ms(run.p95Ms));
    },
    http5xx: function (run) {
      return el('td', 'num', F.count(run.http5xx));
    },
    verdict: verdictCell,
  };

  /** Each runs table names its columns in `data-runs` (the landing page shows fewer than the dashboard). */
  function renderRuns(runs) {
    each('[data-runs]', function (body) {
      var columns = body.getAttribute('data-runs').split(' ');
      clear(body);
      runs.forEach(function (run) {
        var row = el('tr');
        columns.forEach(function (c) {
          row.appendChild(RUN_CELLS[c](run));
        });
        if (run.topError) row.title = 'Top error: ' + run.topError;
        body.appendChild(row);
      });
      if (!runs.length) {
        var empty = el('tr');
        var cell = el('td', 'empty', 'No traffic runs recorded yet.');
        cell.colSpan = columns.length;
        empty.appendChild(cell);
        body.appendChild(empty);
      }
    });
  }

  /** Stacked bars (below 500, 5xx) per slot and the p95 latency line on its own axis, drawn with DOM calls only. */
  function renderChart(view, points) {
    var host = root.querySelector(view.host);
    if (!host) return;
    // Drawn at the container's own width so axis text stays legible on a phone instead of being scaled down.
    var W = Math.max(300, Math.round(host.clientWidth) || 720);
    var narrow = W < 520;
    var H = narrow ? 200 : 240;
    var pad = { top: 12, right: 52, bottom: 28, left: 48 };
    var plotW = W - pad.left - pad.right;
    var plotH = H - pad.top - pad.bottom;
    var lastSlot = Math.floor(Date.now() / view.slotMs) * view.slotMs;
    var firstSlot = lastSlot - (view.slots - 1) * view.slotMs;

    var slots = [];
    for (var i = 0; i < view.slots; i++) slots.push({ t: firstSlot + i * view.slotMs, requests: 0, errors: 0, p95: null });
    points.forEach(function (p) {
      var index = Math.round((p.t - firstSlot) / view.slotMs);
      if (index >= 0 && index < view.slots) {
        slots[index].requests += p.requests;
        slots[index].errors += p.errors;
        slots[index].p95 = p.p95;
      }
    });
    var total = 0;
    var peak = 0;
    var peakMs = 0;
    slots.forEach(function (s) {
      total += s.requests;
      peak = Math.max(peak, s.requests);
      if (s.p95 !== null) peakMs = Math.max(peakMs, s.p95);
    });
    var step = F.axisStep(peak, 4);
    var max = step * 4;
    var msStep = F.axisStep(Math.ceil(peakMs), 4);
    var y = function (v) {
      return pad.top + plotH - (v / max) * plotH;
    };
    var yMs = function (v) {
      return pad.top + plotH - (v / (msStep * 4)) * plotH;
    };

    var descId = 'chart-desc-' + view.label;
    var chart = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', class: 'chart-svg', 'aria-labelledby': descId });
    var desc = svg('title', { id: descId });
    desc.textContent =
      'Requests per ' + view.label + ' over ' + view.span + ': ' + F.count(total) + ' in total, peak ' + F.count(peak) +
      ' in one ' + view.label + (peakMs > 0 ? ', highest p95 latency ' + F.ms(peakMs) : '') + '.';
    chart.appendChild(desc);

    for (var g = 0; g <= 4; g++) {
      chart.appendChild(svg('line', { x1: pad.left, x2: W - pad.right, y1: y(step * g), y2: y(step * g), class: 'grid' }));
      var label = svg('text', { x: pad.left - 6, y: y(step * g) + 4, class: 'axis axis-y' });
      label.textContent = F.count(step * g);
      chart.appendChild(label);
      if (peakMs > 0) {
        var msLabel = svg('text', { x: W - pad.right + 6, y: yMs(msStep * g) + 4, class: 'axis axis-ms' });
        msLabel.textContent = F.count(msStep * g) + ' ms';
        chart.appendChild(msLabel);
      }
    }

    var slotW = plotW / view.slots;
    var barW = Math.max(1, slotW * 0.72);
    var bars = svg('g', { class: 'bars' });
    // Runs of consecutive slots with a p95; a slot without one breaks the line instead of bridging the gap.
    var lines = [[]];
    var dots = svg('g', { class: 'p95' });
    slots.forEach(function (s, index) {
      var x = pad.left + index * slotW + (slotW - barW) / 2;
      if (index % (narrow ? 2 * view.tickEvery : view.tickEvery) === 0) {
        var tick = svg('text', { x: x + barW / 2, y: H - 8, class: 'axis axis-x' });
        tick.textContent = F.clock(s.t);
        chart.appendChild(tick);
      }
      if (s.p95 === null && lines[lines.length - 1].length > 0) lines.push([]);
      if (s.p95 !== null) {
        lines[lines.length - 1].push(x + barW / 2 + ',' + yMs(s.p95));
        var dot = svg('circle', { cx: x + barW / 2, cy: yMs(s.p95), r: 2.5, class: 'p95-point', 'data-p95': s.p95 });
        dot.setAttribute(view.attr, new Date(s.t).toISOString());
        var dotTip = svg('title', {});
        dotTip.textContent = F.dateTime(s.t) + ': p95 ' + F.ms(s.p95);
        dot.appendChild(dotTip);
        dots.appendChild(dot);
      }
      if (s.requests === 0) return;
      var bar = svg('g', { class: 'bar', 'data-requests': s.requests });
      bar.setAttribute(view.attr, new Date(s.t).toISOString());
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
    lines.forEach(function (run) {
      if (run.length > 1) chart.appendChild(svg('polyline', { points: run.join(' '), class: 'p95-line' }));
    });
    chart.appendChild(dots);

    if (total === 0) {
      var none = svg('text', { x: pad.left + plotW / 2, y: pad.top + plotH / 2, class: 'chart-empty' });
      none.textContent = 'No requests in ' + view.span + ' yet';
      chart.appendChild(none);
    }
    clear(host);
    host.appendChild(chart);
  }

  function renderCharts() {
    Object.keys(state.series).forEach(function (name) {
      renderChart(CHARTS[name], state.series[name]);
    });
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

  function toPoints(view, traffic) {
    return traffic.series.map(function (p) {
      var p95 = typeof p.p95Ms === 'number' && isFinite(p.p95Ms) ? p.p95Ms : null;
      return { t: Date.parse(p[view.key]), requests: p.requests, errors: p.serverErrors, p95: p95 };
    });
  }

  function refresh() {
    if (state.inFlight) return;
    state.inFlight = true;
    clearTimeout(state.timer);
    var loads = [getData('/api/telemetry/devnet-stats')];
    if (page === 'devnet') {
      loads.push(getData('/api/telemetry/traffic?minutes=' + CHARTS.minutes.slots));
      loads.push(getData('/api/telemetry/traffic?hours=' + CHARTS.hours.slots));
    }
    Promise.all(loads)
      .then(function (results) {
        var stats = results[0];
        renderTraffic(stats);
        renderExecutions(stats);
        renderRuns(stats.traffic.recentRuns);
        if (results[1]) state.series.minutes = toPoints(CHARTS.minutes, results[1]);
        if (results[2]) state.series.hours = toPoints(CHARTS.hours, results[2]);
        renderCharts();
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
      renderCharts();
    }, 150);
  });
  // The age label ticks every second between refreshes.
  setInterval(function () {
    if (!document.hidden && state.lastOkAt && !state.error) renderStatus();
  }, 1000);

  if (wanted()) refresh();
})();
