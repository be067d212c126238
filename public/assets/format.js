// Pure display formatting for the dashboard (no DOM). Loaded by the pages and by the unit tests (CommonJS).
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.BloomFormat = factory();
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  var DASH = '—';

  function groupDigits(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  }

  /** A count: 1234567 → "1,234,567"; anything not a finite number → "—". */
  function count(n) {
    if (typeof n !== 'number' || !isFinite(n)) return DASH;
    var sign = n < 0 ? '-' : '';
    return sign + groupDigits(String(Math.trunc(Math.abs(n))));
  }

  /** A percentage given as 0–100: 99.5 → "99.50%"; null (no traffic yet) → "—". */
  function percent(p) {
    if (typeof p !== 'number' || !isFinite(p)) return DASH;
    return p.toFixed(2) + '%';
  }

  /**
   * Base units (an exact integer string) as a token amount: ("1234500000", 6) → "1,234.5". BigInt only, so a value
   * beyond 2^53 keeps every digit; trailing fraction zeros are dropped, nothing is rounded.
   */
  function units(unitString, decimals) {
    if (typeof unitString !== 'string' || !/^-?\d+$/.test(unitString)) return DASH;
    var d = Number(decimals);
    if (!Number.isInteger(d) || d < 0 || d > 255) return DASH;
    var v = BigInt(unitString);
    var negative = v < 0n;
    if (negative) v = -v;
    var base = 10n ** BigInt(d);
    var whole = groupDigits((v / base).toString());
    var fraction = d === 0 ? '' : (v % base).toString().padStart(d, '0').replace(/0+$/, '');
    return (negative ? '-' : '') + whole + (fraction ? '.' + fraction : '');
  }

  /** A ratio given as 0–1 (the API's success rates): 0.99875 → "99.88%"; null (no traffic yet) → "—". */
  function ratio(r) {
    if (typeof r !== 'number' || !isFinite(r)) return DASH;
    return percent(r * 100);
  }

  /** Milliseconds with at most one decimal: 12.345 → "12.3 ms". */
  function ms(n) {
    if (typeof n !== 'number' || !isFinite(n)) return DASH;
    return (Math.round(n * 10) / 10).toString() + ' ms';
  }

  function pad2(n) {
    return (n < 10 ? '0' : '') + n;
  }

  /** Local wall-clock time "HH:MM" of an ISO string, epoch ms or Date. */
  function clock(t) {
    var d = t instanceof Date ? t : new Date(t);
    if (isNaN(d.getTime())) return DASH;
    return pad2(d.getHours()) + ':' + pad2(d.getMinutes());
  }

  /** Local "YYYY-MM-DD HH:MM" of an ISO string or epoch ms. */
  function dateTime(t) {
    var d = t instanceof Date ? t : new Date(t);
    if (isNaN(d.getTime())) return DASH;
    return d.getFullYear() + '-' + pad2(d.getMonth() + 1) + '-' + pad2(d.getDate()) + ' ' + clock(d);
  }

  /** "updated 3 s ago" style age: seconds under a minute, then minutes, then hours. */
  function age(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    if (s < 60) return s + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min';
    return Math.floor(s / 3600) + ' h';
  }

  /** A refresh interval from the `refreshMs` query parameter (tests), at least 200 ms; otherwise the default. */
  function refreshInterval(search, fallback) {
    var match = /[?&]refreshMs=(\d+)(?:&|$)/.exec(search || '');
    if (!match) return fallback;
    return Math.max(200, Number(match[1]));
  }

  /**
   * The gridline step of a count axis with `ticks` intervals reaching at least `peak`: a whole round number
   * (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × 10^k), so every gridline label is an exact count (peak 2 → 1, 89 → 25, 210 → 60).
   */
  function axisStep(peak, ticks) {
    var target = Math.max(1, peak) / ticks;
    var magnitude = Math.pow(10, Math.floor(Math.log10(target)));
    var factors = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];
    for (var i = 0; i < factors.length; i++) {
      var step = factors[i] * magnitude;
      if (step >= target && Number.isInteger(step)) return step;
    }
    return 10 * magnitude;
  }

  return {
    count: count,
    percent: percent,
    ratio: ratio,
    units: units,
    ms: ms,
    clock: clock,
    dateTime: dateTime,
    age: age,
    refreshInterval: refreshInterval,
    axisStep: axisStep,
  };
});
