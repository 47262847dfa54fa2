/* Drawing script of HtmlReport, inlined into every report. The cli module filters its resources through Maven:
   never write a dollar sign followed by a brace here (no template literals); HtmlReportTest checks the copy. */
(function () {
  'use strict';
  var errors = document.getElementById('errors');
  function fail(message) { errors.textContent += message + '\n'; }
  window.addEventListener('error', function (e) {
    fail('script error: ' + e.message + (e.lineno ? ' (line ' + e.lineno + ')' : ''));
  });

  var BLUE = [8, 69, 148], RED = [165, 15, 21], MASKED = '#d9dee4';

  /* Same scale as ValueRange/HeatColour.java: white at the centre (default 0) blended towards blue (t > 0) or red
     (t < 0) by |t|; a range that does not straddle its centre is sequential from min (white) to max (blue). */
  function intensity(v, min, max, centre) {
    centre = centre || 0;
    if (min < centre && max > centre) {
      return Math.max(-1, Math.min(1, v >= centre ? (v - centre) / (max - centre) : -(centre - v) / (centre - min)));
    }
    return Math.max(0, Math.min(1, (v - min) / (max - min)));
  }
  function colour(t) {
    var hue = t < 0 ? RED : BLUE, a = Math.abs(t);
    return 'rgb(' + Math.round(255 + a * (hue[0] - 255)) + ',' + Math.round(255 + a * (hue[1] - 255)) + ','
      + Math.round(255 + a * (hue[2] - 255)) + ')';
  }
  function fmt(v, digits) { return Number(v).toFixed(digits); }

  var tip = document.getElementById('tip');
  function showTip(ev, text) {
    tip.textContent = text;
    tip.style.display = 'block';
    var pad = 14, w = tip.offsetWidth, h = tip.offsetHeight;
    var x = ev.clientX + pad, y = ev.clientY + pad;
    if (x + w > window.innerWidth) { x = ev.clientX - w - pad; }
    if (y + h > window.innerHeight) { y = ev.clientY - h - pad; }
    tip.style.left = Math.max(0, x) + 'px';
    tip.style.top = Math.max(0, y) + 'px';
  }
  function hideTip() { tip.style.display = 'none'; }

  function makeCanvas(parent, width, height) {
    var canvas = document.createElement('canvas');
    var ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = width + 'px';
    canvas.style.height = height + 'px';
    var ctx = canvas.getContext('2d');
    ctx.scale(ratio, ratio);
    parent.textContent = '';
    parent.appendChild(canvas);
    return ctx;
  }

  /* A grid of rows x cols cells of size cell at (x0, y0); fill(r, c) gives each cell's colour. */
  function Grid(x0, y0, rows, cols, cell) {
    this.x0 = x0; this.y0 = y0; this.rows = rows; this.cols = cols; this.cell = cell;
  }
  Grid.prototype.paint = function (ctx, fill) {
    for (var r = 0; r < this.rows; r++) {
      var ya = this.y0 + Math.round(r * this.cell), yb = this.y0 + Math.round((r + 1) * this.cell);
      for (var c = 0; c < this.cols; c++) {
        var xa = this.x0 + Math.round(c * this.cell), xb = this.x0 + Math.round((c + 1) * this.cell);
        ctx.fillStyle = fill(r, c);
        ctx.fillRect(xa, ya, xb - xa, yb - ya);
      }
    }
  };
  /* The [row, col] under the mouse, or null. */
  Grid.prototype.at = function (ev) {
    var box = ev.target.getBoundingClientRect();
    var c = Math.floor((ev.clientX - box.left - this.x0) / this.cell);
    var r = Math.floor((ev.clientY - box.top - this.y0) / this.cell);
    return (r >= 0 && r < this.rows && c >= 0 && c < this.cols) ? [r, c] : null;
  };
  function hover(canvas, grid, describe, onCell) {
    canvas.dataset.grid = [grid.x0, grid.y0, grid.cell, grid.rows, grid.cols].join(' ');
    var outline = document.createElement('div');
    outline.className = 'cell-outline';
    canvas.parentNode.appendChild(outline);
    function leave() { hideTip(); outline.style.display = 'none'; if (onCell) { onCell(null); } }
    canvas.addEventListener('mousemove', function (ev) {
      var rc = grid.at(ev);
      if (!rc) { leave(); return; }
      showTip(ev, describe(rc[0], rc[1]));
      var xa = Math.round(rc[1] * grid.cell), ya = Math.round(rc[0] * grid.cell);
      outline.style.left = (canvas.offsetLeft + grid.x0 + xa - 1) + 'px';
      outline.style.top = (canvas.offsetTop + grid.y0 + ya - 1) + 'px';
      outline.style.width = (Math.round((rc[1] + 1) * grid.cell) - xa + 2) + 'px';
      outline.style.height = (Math.round((rc[0] + 1) * grid.cell) - ya + 2) + 'px';
      outline.style.display = 'block';
      if (onCell) { onCell(rc); }
    });
    canvas.addEventListener('mouseleave', leave);
  }

  /* Labels drawn by ctx text: every label when they fit, otherwise every k-th position number. */
  function labelStep(cell) { return cell >= 11 ? 1 : Math.max(1, Math.ceil(11 / cell)); }
  function shorten(ctx, text, width) {
    if (ctx.measureText(text).width <= width) { return text; }
    while (text.length > 1 && ctx.measureText(text + '…').width > width) { text = text.slice(0, -1); }
    return text + '…';
  }
  function drawAxisLabels(ctx, grid, rowLabels, colLabels, gutter) {
    ctx.font = labelFont(grid.cell);
    ctx.fillStyle = '#1f2328';
    var step = labelStep(grid.cell);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (var r = 0; r < grid.rows; r += step) {
      var rl = step === 1 ? rowLabels[r] : String(r);
      ctx.fillText(shorten(ctx, rl, gutter.left - 8), grid.x0 - 5, grid.y0 + (r + 0.5) * grid.cell);
    }
    ctx.textAlign = 'left';
    for (var c = 0; c < grid.cols; c += step) {
      var cl = step === 1 ? colLabels[c] : String(c);
      ctx.save();
      ctx.translate(grid.x0 + (c + 0.5) * grid.cell, grid.y0 - 5);
      ctx.rotate(-Math.PI / 2);
      ctx.fillText(shorten(ctx, cl, gutter.top - 8), 0, 0);
      ctx.restore();
    }
  }
  var MONO = 'ui-monospace, "DejaVu Sans Mono", monospace';
  function labelFont(cell) { return Math.max(9, Math.min(13, Math.floor(cell * 0.8))) + 'px ' + MONO; }
  /* The gutter for labels: the widest label (at most 160 px) plus a margin, or room for position numbers. */
  function gutterFor(labels, cell) {
    if (cell < 11) { return 40; }
    var ctx = document.createElement('canvas').getContext('2d');
    ctx.font = labelFont(cell);
    var w = 0;
    for (var i = 0; i < labels.length; i++) { w = Math.max(w, ctx.measureText(labels[i]).width); }
    return Math.min(160, Math.ceil(w)) + 14;
  }

  /* ---------- attention heads ---------- */
  function attentionSection(el, data) {
    var tokens = data.tokens, T = tokens.length;
    var chips = el.querySelectorAll('.tok');
    function mark(rc) {
      for (var i = 0; i < chips.length; i++) {
        chips[i].classList.toggle('query', rc !== null && i === rc[0]);
        chips[i].classList.toggle('key', rc !== null && i === rc[1] && rc[1] !== rc[0]);
      }
    }
    function describe(head) {
      return function (q, k) {
        return head.label + '\nquery ' + q + '  ' + tokens[q] + '\nkey   ' + k + '  ' + tokens[k]
          + '\nweight ' + (k > q ? '0 (masked)' : fmt(head.pattern[q][k], 4));
      };
    }
    function fill(head) {
      return function (q, k) { return k > q ? MASKED : colour(intensity(head.pattern[q][k], 0, 1)); };
    }
    var focus = el.querySelector('.head-focus');
    function enlarge(i) {
      var head = data.heads[i];
      var figures = el.querySelectorAll('.head-heatmap');
      for (var f = 0; f < figures.length; f++) { figures[f].classList.toggle('selected', Number(figures[f].dataset.i) === i); }
      focus.querySelector('.focus-title').textContent = head.label + ' (rows: query token, columns: key token)';
      var cell = Math.max(4, Math.min(36, Math.floor(560 / Math.max(1, T))));
      var gutter = gutterFor(tokens, cell);
      var grid = new Grid(gutter, gutter, T, T, cell);
      var ctx = makeCanvas(focus.querySelector('.plot'), gutter + T * cell + 2, gutter + T * cell + 2);
      grid.paint(ctx, fill(head));
      drawAxisLabels(ctx, grid, tokens, tokens, { left: gutter, top: gutter });
      hover(ctx.canvas, grid, describe(head), mark);
    }
    var figures = el.querySelectorAll('.head-heatmap');
    var perLayer = data.heads.filter(function (h) { return h.layer === data.heads[0].layer; }).length;
    var size = perLayer <= 5 ? 150 : perLayer <= 7 ? 120 : 96;
    for (var f = 0; f < figures.length; f++) {
      try {
        var fig = figures[f], i = Number(fig.dataset.i), head = data.heads[i];
        var grid = new Grid(0, 0, T, T, size / Math.max(1, T));
        var ctx = makeCanvas(fig.querySelector('.plot'), size, size);
        grid.paint(ctx, fill(head));
        hover(ctx.canvas, grid, describe(head), mark);
        fig.addEventListener('click', enlarge.bind(null, i));
        fig.addEventListener('keydown', (function (index) {
          return function (ev) { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); enlarge(index); } };
        })(i));
        fig.dataset.rendered = '1';
      } catch (e) {
        fail('cannot draw head ' + figures[f].dataset.layer + '.' + figures[f].dataset.head + ': ' + e);
      }
    }
    if (data.heads.length > 0) { enlarge(0); }
    el.dataset.rendered = '1';
  }

  /* ---------- labelled matrices ---------- */
  /* Panels side by side on one colour scale, then one legend: the colour bar with min, max and the labelled centre
     (e.g. the random baseline), the masked-cell swatch and the row-maximum dot when used. What was drawn is written
     into data attributes of the section (data-panels, data-masked, data-marked, data-ticks) for tests and tools. */
  function matrixSection(el, data) {
    var host = el.querySelector('.panels'), AXIS = 18;
    var masked = 0, marked = 0, barH = 120;
    function isMasked(r, c) { return data.mask !== '' && Math.floor(c / data.maskBlock) > Math.floor(r / data.maskBlock); }
    function cellColour(v) { return colour(intensity(v, data.min, data.max, data.centre)); }
    var width = Math.min(1100, document.body.clientWidth || 1100) - 220;
    data.panels.forEach(function (p) {
      var rows = p.rows.length, cols = p.cols.length;
      var cell = Math.max(4, Math.min(48, Math.floor(Math.min((width / data.panels.length - 90) / Math.max(1, cols),
        560 / Math.max(1, rows)))));
      var left = gutterFor(p.rows, cell) + (data.rowAxis ? AXIS : 0), top = gutterFor(p.cols, cell) + (data.colAxis ? AXIS : 0);
      var grid = new Grid(left, top, rows, cols, cell);
      var fig = document.createElement('figure');
      fig.className = 'matrix-panel';
      if (p.name) {
        var cap = document.createElement('figcaption');
        cap.textContent = p.name;
        fig.appendChild(cap);
      }
      var plot = document.createElement('div');
      plot.className = 'plot';
      fig.appendChild(plot);
      host.appendChild(fig);
      var ctx = makeCanvas(plot, left + cols * cell + 2, top + rows * cell + 2);
      grid.paint(ctx, function (r, c) {
        if (isMasked(r, c)) { masked++; return MASKED; }
        return cellColour(p.values[r][c]);
      });
      drawAxisLabels(ctx, grid, p.rows, p.cols, { left: left - (data.rowAxis ? AXIS : 0), top: top - (data.colAxis ? AXIS : 0) });
      ctx.font = '13px system-ui, "DejaVu Sans", sans-serif';
      ctx.fillStyle = '#1f2328';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      if (data.colAxis) { ctx.fillText(data.colAxis + ' →', left + cols * cell / 2, 9); }
      if (data.rowAxis) {
        ctx.save();
        ctx.translate(9, top + rows * cell / 2);
        ctx.rotate(-Math.PI / 2);
        ctx.fillText('← ' + data.rowAxis, 0, 0);
        ctx.restore();
      }
      if (cell >= 40) {
        ctx.font = '12px ' + MONO;
        for (var r = 0; r < rows; r++) {
          for (var c = 0; c < cols; c++) {
            if (isMasked(r, c)) { continue; }
            var t = Math.abs(intensity(p.values[r][c], data.min, data.max, data.centre));
            ctx.fillStyle = t > 0.55 ? '#fff' : '#1f2328';
            ctx.fillText(fmt(p.values[r][c], 2), left + (c + 0.5) * cell, top + (r + 0.5) * cell);
          }
        }
      }
      if (data.markRowMax) {
        for (var row = 0; row < rows; row++) {
          var best = 0;
          for (var col = 1; col < cols; col++) {
            if (!isMasked(row, col) && p.values[row][col] > p.values[row][best]) { best = col; }
          }
          dot(ctx, left + (best + 0.5) * cell, top + (row + 0.5) * cell, cell);
          marked++;
        }
      }
      hover(ctx.canvas, grid, function (r, c) {
        return (p.name ? p.name + '\n' : '') + (data.rowAxis || 'row') + ' ' + p.rows[r] + '\n' + (data.colAxis || 'column')
          + ' ' + p.cols[c] + '\n' + (isMasked(r, c) ? data.mask : 'value ' + fmt(p.values[r][c], 4));
      });
      barH = Math.max(barH, rows * cell);
    });
    var legendFig = document.createElement('figure');
    legendFig.className = 'matrix-legend';
    var legendPlot = document.createElement('div');
    legendPlot.className = 'plot';
    legendFig.appendChild(legendPlot);
    host.appendChild(legendFig);
    var extra = (data.mask ? 22 : 0) + (data.markRowMax ? 22 : 0);
    var lctx = makeCanvas(legendPlot, 230, barH + 40 + extra);
    var ticks = legend(lctx, 4, 24, barH, data);
    var y = barH + 46;
    lctx.textAlign = 'left';
    lctx.textBaseline = 'middle';
    if (data.mask) {
      lctx.fillStyle = MASKED;
      lctx.fillRect(4, y - 7, 16, 14);
      lctx.fillStyle = '#1f2328';
      lctx.fillText(data.mask, 26, y);
      y += 22;
    }
    if (data.markRowMax) {
      lctx.fillStyle = '#fff';
      lctx.fillRect(4, y - 7, 16, 14);
      dot(lctx, 12, y, 14);
      lctx.fillStyle = '#1f2328';
      lctx.fillText('largest in its row', 26, y);
    }
    el.dataset.panels = String(data.panels.length);
    el.dataset.masked = String(masked);
    el.dataset.marked = String(marked);
    el.dataset.ticks = ticks.join('|');
    el.dataset.rendered = '1';
  }
  /* A white dot with a dark ring: visible on white, blue, red and masked cells. */
  function dot(ctx, x, y, cell) {
    ctx.beginPath();
    ctx.arc(x, y, Math.max(1.5, Math.min(5, cell * 0.22)), 0, 2 * Math.PI);
    ctx.fillStyle = '#fff';
    ctx.fill();
    ctx.lineWidth = Math.max(1, Math.min(2, cell * 0.08));
    ctx.strokeStyle = '#1f2328';
    ctx.stroke();
  }
  /* The colour bar at (x, y), height px, with ticks at max, min and the centre of a diverging range; returns the tick
     labels drawn. */
  function legend(ctx, x, y, height, data) {
    var min = data.min, max = data.max, centre = data.centre || 0;
    for (var i = 0; i < height; i++) {
      var v = max - (max - min) * i / Math.max(1, height - 1);
      ctx.fillStyle = colour(intensity(v, min, max, centre));
      ctx.fillRect(x, y + i, 16, 1);
    }
    ctx.strokeStyle = '#8c959f';
    ctx.lineWidth = 1;
    ctx.strokeRect(x + 0.5, y + 0.5, 15, height - 1);
    ctx.fillStyle = '#1f2328';
    ctx.font = '12px system-ui, "DejaVu Sans", sans-serif';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    var ticks = [[max, fmt(max, 3)], [min, fmt(min, 3)]], drawn = [];
    if (min < centre && max > centre) {
      ticks.push([centre, (data.centreLabel ? data.centreLabel + ' ' : '') + fmt(centre, 3)]);
    }
    for (var t = 0; t < ticks.length; t++) {
      var ty = y + (max - ticks[t][0]) / (max - min) * (height - 1);
      var strong = t === 2 && data.centreLabel;
      ctx.fillRect(x + (strong ? -3 : 16), Math.round(ty) - (strong ? 1 : 0), strong ? 25 : 4, strong ? 2 : 1);
      ctx.fillText(ticks[t][1], x + 24, ty);
      drawn.push(ticks[t][1]);
    }
    return drawn;
  }

  /* ---------- loss curves ---------- */
  var PALETTE = ['#0969da', '#cf222e', '#1a7f37', '#8250df', '#bf8700', '#1b7c83', '#bf3989', '#57606a'];
  function niceTicks(lo, hi, count) {
    var span = hi - lo;
    if (!(span > 0)) { return [lo]; }
    var step = Math.pow(10, Math.floor(Math.log10(span / count)));
    var err = span / count / step;
    if (err >= 7.5) { step *= 10; } else if (err >= 3.5) { step *= 5; } else if (err >= 1.5) { step *= 2; }
    var ticks = [];
    // each tick an integer multiple of step, not a running sum: the sum drifts, and 0 came out as 1.2e-17
    for (var k = Math.ceil(lo / step); k * step <= hi + step * 1e-9; k++) { ticks.push(Number((k * step).toPrecision(12))); }
    return ticks;
  }
  function logTicks(lo, hi) {
    var ticks = [], a = Math.floor(Math.log10(lo)), b = Math.ceil(Math.log10(hi));
    var mults = (b - a) <= 2 ? [1, 2, 5] : [1];
    for (var e = a; e <= b; e++) {
      for (var m = 0; m < mults.length; m++) {
        var v = mults[m] * Math.pow(10, e);
        if (v >= lo * 0.999 && v <= hi * 1.001) { ticks.push(Number(v.toPrecision(6))); }
      }
    }
    return ticks;
  }
  function lossSection(el, data) {
    var svg = el.querySelector('svg'), NS = svg.namespaceURI;
    function add(parent, name, attrs, text) {
      var node = document.createElementNS(NS, name);
      for (var key in attrs) { if (Object.prototype.hasOwnProperty.call(attrs, key)) { node.setAttribute(key, attrs[key]); } }
      if (text !== undefined) { node.textContent = text; }
      parent.appendChild(node);
      return node;
    }
    var W = 860, H = 360, m = { left: 70, right: 20, top: 16, bottom: 50 };
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
    var xs = [], ys = [];
    var refs = data.references || [];
    data.series.forEach(function (s) { xs = xs.concat(s.steps); ys = ys.concat(s.loss); });
    refs.forEach(function (r) { ys.push(r.value); });
    if (xs.length === 0) { add(svg, 'text', { x: 20, y: 30 }, 'no data'); el.dataset.rendered = '1'; return; }
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
    var y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
    if (x1 === x0) { x1 = x0 + 1; }
    var log = data.log;
    if (log) { y0 = Math.log10(y0); y1 = Math.log10(y1); }
    if (y1 === y0) { y0 -= 0.5; y1 += 0.5; }
    var pad = (y1 - y0) * 0.05;
    if (!log && y0 >= 0 && y0 - pad < 0) { y0 = 0; } else { y0 -= pad; }
    y1 += pad;
    var pw = W - m.left - m.right, ph = H - m.top - m.bottom;
    function sx(x) { return m.left + (x - x0) / (x1 - x0) * pw; }
    function sy(y) { return m.top + (1 - ((log ? Math.log10(y) : y) - y0) / (y1 - y0)) * ph; }
    var yTicks = log ? logTicks(Math.pow(10, y0), Math.pow(10, y1)) : niceTicks(y0, y1, 6);
    yTicks.forEach(function (t) {
      add(svg, 'line', { 'class': 'grid', x1: m.left, x2: m.left + pw, y1: sy(t), y2: sy(t) });
      add(svg, 'text', { x: m.left - 8, y: sy(t) + 4, 'text-anchor': 'end' }, String(t));
    });
    niceTicks(x0, x1, 8).forEach(function (t) {
      add(svg, 'line', { 'class': 'grid', x1: sx(t), x2: sx(t), y1: m.top, y2: m.top + ph });
      add(svg, 'text', { x: sx(t), y: m.top + ph + 18, 'text-anchor': 'middle' }, String(t));
    });
    add(svg, 'line', { 'class': 'axis', x1: m.left, x2: m.left + pw, y1: m.top + ph, y2: m.top + ph });
    add(svg, 'line', { 'class': 'axis', x1: m.left, x2: m.left, y1: m.top, y2: m.top + ph });
    add(svg, 'text', { 'class': 'axis-title', x: m.left + pw / 2, y: H - 8, 'text-anchor': 'middle' }, data.xLabel);
    add(svg, 'text', { 'class': 'axis-title', x: 16, y: m.top + ph / 2, 'text-anchor': 'middle',
      transform: 'rotate(-90 16 ' + (m.top + ph / 2) + ')' }, data.yLabel + (log ? ' (log scale)' : ''));
    var legend = document.createElement('ul');
    legend.className = 'legend';
    svg.parentNode.appendChild(legend);
    function swatch(item, c, style) {
      var sw = document.createElement('span');
      sw.className = 'swatch ' + style;
      sw.style.background = style === 'reference' || style === 'points' || style === 'dashed' ? 'none' : c;
      sw.style.borderColor = c;
      item.insertBefore(sw, item.firstChild);
    }
    data.series.forEach(function (s, i) {
      var c = PALETTE[(s.group >= 0 ? s.group : i) % PALETTE.length], points = [], style = s.style || 'line';
      for (var p = 0; p < s.steps.length; p++) { points.push(sx(s.steps[p]).toFixed(1) + ',' + sy(s.loss[p]).toFixed(1)); }
      var attrs = { 'class': 'series ' + style, points: points.join(' '), fill: 'none', stroke: c, 'stroke-linejoin': 'round',
        'stroke-width': style === 'line' || style === 'dashed' ? 2 : 1 };
      if (style === 'faint') { attrs['stroke-opacity'] = 0.3; }
      if (style === 'points') { attrs['stroke-dasharray'] = '3 3'; attrs['stroke-opacity'] = 0.7; }
      if (style === 'dashed') { attrs['stroke-dasharray'] = '8 5'; }
      add(svg, 'polyline', attrs);
      if (style === 'points') {
        for (var d = 0; d < s.steps.length; d++) {
          add(svg, 'circle', { 'class': 'point', cx: sx(s.steps[d]).toFixed(1), cy: sy(s.loss[d]).toFixed(1), r: 3.5, fill: '#fff',
            stroke: c, 'stroke-width': 1.5 });
        }
      }
      var item = document.createElement('li');
      item.appendChild(document.createTextNode(s.name));
      swatch(item, c, style);
      legend.appendChild(item);
    });
    refs.forEach(function (r) {
      add(svg, 'line', { 'class': 'reference', x1: m.left, x2: m.left + pw, y1: sy(r.value), y2: sy(r.value),
        stroke: '#57606a', 'stroke-dasharray': '6 4', 'stroke-width': 1.2 });
      add(svg, 'text', { 'class': 'reference-label', x: m.left + pw - 4, y: sy(r.value) - 5, 'text-anchor': 'end' }, r.name);
      var item = document.createElement('li');
      item.appendChild(document.createTextNode(r.name));
      swatch(item, '#57606a', 'reference');
      legend.appendChild(item);
    });
    el.dataset.series = data.series.map(function (s) { return s.style || 'line'; }).join('|');
    el.dataset.references = refs.map(function (r) { return r.name; }).join('|');
    var guide = add(svg, 'line', { 'class': 'axis', x1: 0, x2: 0, y1: m.top, y2: m.top + ph, visibility: 'hidden' });
    var overlay = add(svg, 'rect', { x: m.left, y: m.top, width: pw, height: ph, fill: 'transparent' });
    overlay.addEventListener('mousemove', function (ev) {
      var box = svg.getBoundingClientRect();
      var step = x0 + ((ev.clientX - box.left) * W / box.width - m.left) / pw * (x1 - x0);
      var lines = [], shown = null;
      data.series.forEach(function (s) {
        if (s.steps.length === 0) { return; }
        var best = 0;
        for (var p = 1; p < s.steps.length; p++) { if (Math.abs(s.steps[p] - step) < Math.abs(s.steps[best] - step)) { best = p; } }
        if (shown === null) { shown = s.steps[best]; lines.push(data.xLabel + ' ' + shown); }
        lines.push(s.name + '  ' + fmt(s.loss[best], 4) + (s.steps[best] === shown ? '' : '  (' + data.xLabel + ' ' + s.steps[best] + ')'));
      });
      var gx = sx(shown);
      guide.setAttribute('x1', gx); guide.setAttribute('x2', gx); guide.setAttribute('visibility', 'visible');
      showTip(ev, lines.join('\n'));
    });
    overlay.addEventListener('mouseleave', function () { guide.setAttribute('visibility', 'hidden'); hideTip(); });
    el.dataset.rendered = '1';
  }

  /* ---------- draw everything ---------- */
  var data;
  try {
    data = JSON.parse(document.getElementById('report-data').textContent);
  } catch (e) {
    fail('cannot read the report data: ' + e);
    return;
  }
  var draw = { attention: attentionSection, matrix: matrixSection, loss: lossSection };
  data.sections.forEach(function (section, i) {
    var fn = draw[section.kind];
    if (!fn) { return; }
    try {
      fn(document.getElementById('s' + i), section);
    } catch (e) {
      fail('cannot draw section ' + i + ' (' + section.kind + '): ' + e);
    }
  });
}());
