/**
 * The report page's script, as text inlined into the page (no network, works from file://). Plain
 * browser JavaScript: it reads the JSON in #timeline-data and, for the slider's step, shows each
 * modifier's phase (binary search over the phase runs), what changed it, its latest effect, the
 * model's sparsity and the quantization modifiers' state; hovering the SVG shows its titles.
 */
export const REPORT_SCRIPT = String.raw`
(function () {
  var data = JSON.parse(document.getElementById('timeline-data').textContent);
  var PHASES = ['uninitialized', 'initialized', 'started', 'ended', 'finalized'];
  var slider = document.getElementById('step');
  var cursor = document.getElementById('cursor');
  function where(p) {
    if (p >= data.steps) return 'after finalize';
    var S = data.stepsPerEpoch;
    return S === null ? 'step ' + p : 'step ' + p + ' (epoch ' + +(p / S).toFixed(3) + ')';
  }
  // Last index i with xs[i * width] <= p (runs are sorted by their first position).
  function lastAtOrBefore(xs, width, p) {
    var lo = 0, hi = xs.length / width - 1;
    if (hi < 0 || xs[0] > p) return -1;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (xs[mid * width] <= p) lo = mid; else hi = mid - 1; }
    return lo;
  }
  function updatesUpTo(upd, p) {
    var n = 0;
    for (var i = 0; i < upd.length; i += 3) {
      var first = upd[i], stride = upd[i + 1], count = upd[i + 2];
      if (first > p) break;
      n += Math.min(count, Math.floor((p - first) / stride) + 1);
    }
    return n;
  }
  function latestEffect(fx, p) {
    var best = null;
    for (var i = 0; i < fx.length && fx[i][0] <= p; i++) best = fx[i];
    return best;
  }
  function show(p) {
    document.getElementById('step-label').textContent = where(p);
    var quant = [];
    data.tracks.forEach(function (t, i) {
      var k = lastAtOrBefore(t.seg, 2, p);
      var phase = PHASES[t.seg[k * 2 + 1]];
      var row = document.querySelector('tr[data-track="' + i + '"]');
      var cell = row.querySelector('.phase');
      cell.textContent = phase;
      cell.setAttribute('data-phase', phase);
      row.querySelector('.why').textContent = k > 0 ? 'since ' + t.why[k] : '';
      var e = latestEffect(t.fx, p);
      var n = updatesUpTo(t.upd, p);
      var listed = t.fx.length ? t.fx[t.fx.length - 1][1] : -1;
      var more = t.fxDropped && p > listed ? ' · ' + t.fxDropped + ' later effect(s) not listed' : '';
      row.querySelector('.effect').textContent = (e ? where(e[1] > p ? p : e[1]) + ': ' + e[2] : '') + (n ? ' · ' + n + ' scheduled update(s) so far' : '') + more;
      if (t.quantization) {
        var began = t.startedAt !== null && t.startedAt <= p;
        var state = !began ? 'not applied' : phase === 'started' ? 'applying' : 'applied';
        quant.push(t.label + ': ' + state);
      }
    });
    var sp = document.getElementById('sparsity');
    if (data.sparsity) {
      var j = lastAtOrBefore(data.sparsity, 2, p);
      sp.textContent = (data.sparsity[j * 2 + 1] * 100).toFixed(2) + '% of Linear weights are zero';
    }
    document.getElementById('quantization').textContent = quant.length ? quant.join(' · ') : 'no quantization modifier in this recipe';
    if (cursor) {
      var x = +cursor.getAttribute('data-left') + (p + 0.5) * +cursor.getAttribute('data-unit-px');
      cursor.setAttribute('x1', x); cursor.setAttribute('x2', x);
    }
  }
  slider.addEventListener('input', function () { show(+slider.value); });
  var hover = document.getElementById('hover');
  var svg = document.querySelector('svg.timeline');
  svg.addEventListener('mousemove', function (ev) {
    var el = ev.target;
    while (el && el !== svg && !(el.querySelector && el.querySelector(':scope > title'))) el = el.parentNode;
    var title = el && el !== svg ? el.querySelector(':scope > title') : null;
    hover.textContent = title ? title.textContent : '';
  });
  svg.addEventListener('click', function (ev) {
    var r = svg.getBoundingClientRect();
    var x = (ev.clientX - r.left) * (svg.viewBox.baseVal.width / r.width);
    var p = Math.round((x - +cursor.getAttribute('data-left')) / +cursor.getAttribute('data-unit-px') - 0.5);
    slider.value = String(Math.max(0, Math.min(data.steps, p)));
    show(+slider.value);
  });
  show(+slider.value);
})();
`;
