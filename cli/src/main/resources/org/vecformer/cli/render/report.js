/* Drawing script of HtmlReport, inlined into every report. The cli module filters its resources through Maven:
   never write a dollar sign followed by a brace here (no template literals); HtmlReportTest checks the copy. */
(function () {
  'use strict';
  var errors = document.getElementById('errors');
  function fail(message) { errors.textContent += message + '\n'; }
  window.addEventListener('error', function (e) {
    fail('script error: ' + e.message + (e.lineno ? ' (line ' + e.lineno + ')' : ''));
  });

  var BLUE = [8, 69, 148], RED = [165, 15, 21], MASKED = '#eef1f4';

  /* Same scale as HeatColour.java: white blended towards blue (t > 0) or red (t < 0) by |t|. */
  function intensity(v, min, max) {
    if (min < 0 && max > 0) { return Math.max(-1, Math.min(1, v >= 0 ? v / max : -v / min)); }
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

  /* ---------- labelled matrix ---------- */
  function matrixSection(el, data) {
    var rows = data.rows.length, cols = data.cols.length;
    var cell = Math.max(4, Math.min(56, Math.floor(Math.min(720 / Math.max(1, cols), 560 / Math.max(1, rows)))));
    var left = gutterFor(data.rows, cell), top = gutterFor(data.cols, cell);
    var grid = new Grid(left, top, rows, cols, cell);
    var barX = left + cols * cell + 24, barH = Math.max(120, rows * cell);
    var ctx = makeCanvas(el.querySelector('.plot'), barX + 90, top + barH + 8);
    grid.paint(ctx, function (r, c) { return colour(intensity(data.values[r][c], data.min, data.max)); });
    drawAxisLabels(ctx, grid, data.rows, data.cols, { left: left, top: top });
    if (cell >= 40) {
      ctx.font = '12px ' + MONO;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      for (var r = 0; r < rows; r++) {
        for (var c = 0; c < cols; c++) {
          var t = Math.abs(intensity(data.values[r][c], data.min, data.max));
          ctx.fillStyle = t > 0.55 ? '#fff' : '#1f2328';
          ctx.fillText(fmt(data.values[r][c], 2), left + (c + 0.5) * cell, top + (r + 0.5) * cell);
        }
      }
    }
    legend(ctx, barX, top, barH, data.min, data.max);
    hover(ctx.canvas, grid, function (r, c) {
      return 'row ' + data.rows[r] + '\ncol ' + data.cols[c] + '\nvalue ' + fmt(data.values[r][c], 4);
    });
    el.dataset.rendered = '1';
  }
  function legend(ctx, x, y, height, min, max) {
    for (var i = 0; i < height; i++) {
      var v = max - (max - min) * i / Math.max(1, height - 1);
      ctx.fillStyle = colour(intensity(v, min, max));
      ctx.fillRect(x, y + i, 16, 1);
    }
    ctx.strokeStyle = '#8c959f';
    ctx.strokeRect(x + 0.5, y + 0.5, 15, height - 1);
    ctx.fillStyle = '#1f2328';
    ctx.font = '12px system-ui, "DejaVu Sans", sans-serif';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    var ticks = [max, min];
    if (min < 0 && max > 0) { ticks.push(0); }
    for (var t = 0; t < ticks.length; t++) {
      var ty = y + (max - ticks[t]) / (max - min) * (height - 1);
      ctx.fillText(fmt(ticks[t], 2), x + 22, ty);
      ctx.fillRect(x + 16, Math.round(ty), 4, 1);
    }
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
    for (var v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) { ticks.push(Number(v.toPrecision(12))); }
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
    data.series.forEach(function (s) { xs = xs.concat(s.steps); ys = ys.concat(s.loss); });
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
    add(svg, 'text', { 'class': 'axis-title', x: m.left + pw / 2, y: H - 8, 'text-anchor': 'middle' }, 'step');
    add(svg, 'text', { 'class': 'axis-title', x: 16, y: m.top + ph / 2, 'text-anchor': 'middle',
      transform: 'rotate(-90 16 ' + (m.top + ph / 2) + ')' }, data.yLabel + (log ? ' (log scale)' : ''));
    var legend = document.createElement('ul');
    legend.className = 'legend';
    svg.parentNode.appendChild(legend);
    data.series.forEach(function (s, i) {
      var c = PALETTE[i % PALETTE.length], points = [];
      for (var p = 0; p < s.steps.length; p++) { points.push(sx(s.steps[p]).toFixed(1) + ',' + sy(s.loss[p]).toFixed(1)); }
      add(svg, 'polyline', { points: points.join(' '), fill: 'none', stroke: c, 'stroke-width': 2, 'stroke-linejoin': 'round' });
      var item = document.createElement('li'), swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = c;
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(s.name));
      legend.appendChild(item);
    });
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
        if (shown === null) { shown = s.steps[best]; lines.push('step ' + shown); }
        lines.push(s.name + '  ' + fmt(s.loss[best], 4) + (s.steps[best] === shown ? '' : '  (step ' + s.steps[best] + ')'));
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
