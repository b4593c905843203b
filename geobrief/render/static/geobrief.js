/* geobrief briefing runtime: markers, popups, articles panel, legend, layer facets.
 *
 * All article-derived text reaches the DOM through textContent / setAttribute
 * only (never innerHTML), so untrusted text shows literally and cannot run.
 * Data arrives as one JSON payload per briefing (see geobrief/render/payload.py).
 */
(function () {
  "use strict";
  if (window.geobrief) { return; }

  var SVGNS = "http://www.w3.org/2000/svg";
  // Leaflet's attribution control inserts this as HTML: a constant, never data.
  var ATTRIBUTION = 'Place names: <a href="https://www.geonames.org/" target="_blank" rel="noopener noreferrer">' +
    "GeoNames</a> (CC BY 4.0)";
  var controllers = {};
  var pending = {};
  // Claim-confidence words and the low mark, if a payload lacks them (see payload.CONFIDENCE_BANDS).
  var CONFIDENCE = { bands: [[0.8, "high"], [0.5, "medium"], [0, "low"]], low: 0.5, step: 0.05 };
  // Below this map width the panel is a bottom sheet (closed at first) and the attribution one line;
  // below NARROW or SHORT the legend starts folded.
  var NARROW = 600, SHORT = 700, WIDE_LEGEND = 900;
  // A popup shows this many excerpts of a claim; "show all N" lists the rest in the panel, a page at a time.
  var POPUP_EXCERPTS = 3, PAGE = 20;
  // Up to this many articles the panel is built at once; beyond, each article as it comes into view.
  var EAGER_ARTICLES = 40;  // = payload.FIRST_BLOCK_ARTICLES (the text block inflated before drawing)
  // Pins whose symbols overlap (26 x 36 CSS px) are spread into a column, each with a leader line
  // to its true spot; a column holds SPREAD_COL pins, the next one stands to its right.
  var PIN_W = 26, PIN_H = 36, SPREAD_COL = 6, SPREAD_GAP = 130;
  // Height of a name label (geobrief.css: .gb-label, one line of 16 px).
  var LABEL_H = 16;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function safeUrl(u) {
    // The payload is already filtered in Python; check again before any href.
    return (typeof u === "string" && /^https?:\/\/[^\s]+$/i.test(u)) ? u : null;
  }

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  // An ISO date (and time) -> "1 Mar 2024, 14:05 UTC" (the same on every machine: no locale);
  // anything else is shown as written.
  function humanDate(s) {
    var m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(String(s || ""));
    if (!m || +m[2] < 1 || +m[2] > 12) { return s; }
    var out = (+m[3]) + " " + MONTHS[+m[2] - 1] + " " + m[1];
    if (m[4] && !(m[4] === "00" && m[5] === "00" && !m[6])) {
      out += ", " + m[4] + ":" + m[5] + (m[6] ? " " + (m[6] === "Z" ? "UTC" : m[6]) : "");
    }
    return out;
  }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  // A claim's (or evidence span's) confidence, a number in 0-1 or null when unknown.
  function hasConf(v) { return typeof v === "number" && isFinite(v); }

  function confBand(conf, v) {
    if (!hasConf(v)) { return null; }
    for (var i = 0; i < conf.bands.length; i++) { if (v >= conf.bands[i][0]) { return conf.bands[i][1]; } }
    return conf.bands[conf.bands.length - 1][1];
  }

  // The name a place is shown by: the articles' spelling when it is only a
  // variant of the gazetteer's (see payload.display_name), else the gazetteer's.
  function shownName(p) { return p.d || p.n; }

  // An article's name in links: its title, else its opening words (clipped), else its id.
  function articleName(a) {
    if (a.title) { return a.title; }
    if (!a.lead) { return a.id; }
    var words = a.lead.replace(/\u2026$/, "");
    if (words.length <= 40) { return "\u201c" + a.lead + "\u201d"; }
    var cut = words.lastIndexOf(" ", 40);
    return "\u201c" + words.slice(0, cut > 20 ? cut : 40) + "\u2026\u201d";
  }

  /* ---------------------------------------------------------------- icons */
  function svgIcon(style, variant, low) {
    // Only constants from the style table (validated in Python) enter this markup.
    // low: the claim drawn has low confidence, so the symbol is pale with a dashed outline.
    var c = style.color, g = style.glyph;
    if (variant === "area") {
      return '<svg xmlns="' + SVGNS + '" width="22" height="22" viewBox="0 0 22 22" aria-hidden="true">' +
        '<circle cx="11" cy="11" r="8" fill="' + c + '" fill-opacity="' + (low ? "0.07" : "0.18") + '" stroke="' + c +
        '" stroke-opacity="' + (low ? "0.45" : "1") + '" stroke-width="2" stroke-dasharray="3 2"/>' +
        '<circle cx="11" cy="11" r="2.5" fill="' + c + '" fill-opacity="' + (low ? "0.45" : "1") + '"/></svg>';
    }
    var fill = variant === "neg" ? "#ffffff" : c;
    var ink = variant === "neg" || low ? c : "#ffffff";
    var fillOpacity = low && variant !== "neg" ? "0.28" : "1";
    return '<svg xmlns="' + SVGNS + '" width="26" height="36" viewBox="0 0 26 36" aria-hidden="true">' +
      '<path class="gb-pin" d="M13 35C13 35 2 21.5 2 13A11 11 0 0 1 24 13C24 21.5 13 35 13 35Z" fill="' + fill +
      '" fill-opacity="' + fillOpacity + '" stroke="' + c + '" stroke-width="2"' +
      (low ? ' stroke-dasharray="4 2.5"' : "") + '/>' +
      '<g transform="translate(5 5)" fill="' + ink + '" stroke="' + ink + '"' + (low ? ' opacity="0.8"' : "") + '>' +
      g + '</g></svg>';
  }

  // A place's name label: a permanent tooltip of fixed height to the right of its pin.  Leaflet's
  // tooltip reads its own size each time it moves (to centre itself), which forces a layout of
  // the whole page per label; this one is centred by its known height and reads nothing.
  // (Made on first use: the runtime may be read before Leaflet on a host page.)
  var LabelClass = null;
  function makeLabel(options) {
    if (!LabelClass) {
      LabelClass = L.Tooltip.extend({
        _initLayout: function () {
          L.Tooltip.prototype._initLayout.call(this);
          L.DomUtil.addClass(this._container, "leaflet-tooltip-right");
        },
        _setPosition: function (pos) {
          var at = pos.add(L.point(this.options.offset)).add(this._getAnchor()).subtract(L.point(0, LABEL_H / 2));
          L.DomUtil.setPosition(this._container, at);
        }
      });
    }
    return new LabelClass(options);
  }

  /* ------------------------------------------------------------ controller */
  function Controller(data, group) {
    this.d = data;
    this.texts = data.texts || null;  // a packed page's TextStore (else each article has its text)
    this.evidence = data.evidence || null;  // a packed page's evidence rows, inflated after drawing
    this.waiting = {};     // article index -> its box, built before its text was inflated
    this.id = data.id;
    this.container = group;
    this.facets = {};      // dim -> key -> [featureGroup]
    this.markers = [];
    this.visible = [];
    this.map = null;
    this.controls = [];
    this.hl = null;
    this.passages = {};    // "ai:start" -> element
    // Claims below this confidence are hidden (the legend's slider; 0 shows everything).
    this.threshold = 0;
    this.conf = data.confidence || CONFIDENCE;
    this.lookKeys = [];    // how each marker is drawn now (restyled only when it changes)
    this.mentionEls = {};  // place index -> its mention links in the panel
    this.shown = null;     // the open popup of this briefing: {popup, i}
    this.confUi = null;
    // Shared by every popup's options and updated with the panel's width, so
    // auto-pan keeps popups clear of the panel.
    this.panPad = L.point(20, 20);
    this.panPadTL = L.point(60, 20);
    this.laidOut = false;  // the first layout chooses open/folded panel and legend for the screen
    this.leaders = L.layerGroup();  // leader lines of spread pins
    var self = this;
    var useCluster = data.opts.cluster && typeof L.markerClusterGroup === "function";
    this.layer = useCluster ? L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false,
      maxClusterRadius: 45, attribution: ATTRIBUTION,
      chunkProgress: function (done, total) { if (done >= total) { self.loaded(true); } } })
      : L.featureGroup([], { attribution: ATTRIBUTION });
    this.clustered = useCluster;
    data.places.forEach(function (p, i) { self.markers.push(self.makeMarker(p, i)); self.visible.push(false); });
    if (this.texts) {
      this.texts.onBlock = function (k) { self.textsArrived(k); };
      if (!this.texts.left) { this.textsDone(); }
    }
    group.on("add", function () { self.attach(group._map); });
    group.on("remove", function () { self.detach(); });
    this.schedule();
  }

  /* ------------------------------------------------- claim confidence */
  // Whether a claim is shown at the current threshold (a claim of unknown confidence always is).
  Controller.prototype.keeps = function (c) {
    return !hasConf(c.conf) || c.conf >= this.threshold;
  };

  // The claim a place is drawn by: the first shown claim in main-claim order
  // (payload.claim_order; "rk" is left out when it is the claims' own order).
  Controller.prototype.mainClaim = function (p) {
    for (var k = 0; k < p.c.length; k++) {
      var c = p.c[p.rk ? p.rk[k] : k];
      if (this.keeps(c)) { return c; }
    }
    return null;
  };

  Controller.prototype.isLow = function (v) { return hasConf(v) && v < this.conf.low; };

  // How a place is drawn at the current threshold.  At 0 this is the payload's
  // own s / neg / hist (the main claim); a place whose claims are all hidden is "mentioned".
  Controller.prototype.look = function (p) {
    var m = this.mainClaim(p), d = this.d;
    return {
      s: m && d.styles[m.event] && m.event !== "mentioned" ? m.event : "mentioned",
      claim: !!m,
      neg: !!m && d.negative.indexOf(m.modality) >= 0,
      hist: !!m && !!m.historical,
      low: !!m && this.isLow(m.conf)
    };
  };

  function lookKey(lk) { return [lk.s, lk.claim, lk.neg, lk.hist, lk.low].join(","); }

  // The status facets of a place at the current threshold (payload "f.status" at 0).
  Controller.prototype.statusKeys = function (p) {
    if (!this.threshold) { return p.f.status; }
    var keys = [], d = this.d;
    for (var k = 0; k < p.c.length; k++) {
      var e = p.c[k].event;
      if (this.keeps(p.c[k]) && d.styles[e] && e !== "mentioned" && keys.indexOf(e) < 0) { keys.push(e); }
    }
    return keys.length ? keys : ["mentioned"];
  };

  Controller.prototype.icon = function (p, lk) {
    var style = this.d.styles[lk.s] || this.d.styles.mentioned;
    var variant = p.area ? "area" : (lk.neg ? "neg" : "pin");
    return L.divIcon({
      className: "gb-icon gb-ev-" + lk.s + (lk.hist ? " gb-hist" : "") + (lk.low ? " gb-lowconf" : "") +
        (p.area ? " gb-area" : "") + (p.ap ? " gb-approx" : ""),
      html: svgIcon(style, variant, lk.low),
      iconSize: p.area ? [22, 22] : [26, 36],
      iconAnchor: p.area ? [11, 11] : [13, 35],
      popupAnchor: p.area ? [0, -9] : [0, -32]
    });
  };

  // Places the articles say something about stay on top of places only mentioned
  // at the same spot (Moscow's visit above the Kremlin's grey pin), points above areas;
  // a confident claim above a doubtful one.
  function zIndex(p, lk) {
    return p.area ? -1000 : (!lk.claim ? 0 : (lk.neg || lk.hist ? 500 : (lk.low ? 750 : 1000)));
  }

  function labelClass(p, lk) {
    return "gb-label" + (lk.claim ? " gb-label-claim" : "") + (p.area ? " gb-label-area" : "");
  }

  Controller.prototype.makeMarker = function (p, i) {
    var lk = this.look(p);
    this.lookKeys[i] = lookKey(lk);
    var label = p.d ? p.d + " (" + p.n + ")" : p.n;
    var marker = L.marker([p.la, p.lo], { icon: this.icon(p, lk), title: label, alt: label, riseOnHover: true,
      zIndexOffset: zIndex(p, lk) });
    var self = this;
    marker.bindPopup(function () { self.sizePopup(marker.getPopup()); return self.popup(i); }, this.popupOptions());
    if (!this.clustered) {
      // Name labels (a DOM node: text, never HTML), shown by placeLabels().
      marker.bindTooltip(makeLabel({ permanent: true, direction: "right", offset: p.area ? [8, 0] : [10, -20],
        opacity: 1, className: labelClass(p, lk) }).setContent(el("span", null, shownName(p))));
    }
    marker.on("add", function () {
      var e = marker.getElement();
      if (e) { e.setAttribute("data-gb-place", p.id); e.setAttribute("data-gb-ctl", self.id); }
    });
    marker.on("popupopen", function (e) { self.shown = { popup: e.popup, i: i }; });
    marker.on("popupclose", function (e) { if (self.shown && self.shown.popup === e.popup) { self.shown = null; } });
    return marker;
  };

  // Redraw a marker after the threshold changed, if its look did.
  Controller.prototype.restyle = function (i) {
    var p = this.d.places[i], lk = this.look(p), key = lookKey(lk), marker = this.markers[i];
    if (key === this.lookKeys[i]) { return; }
    this.lookKeys[i] = key;
    marker.setIcon(this.icon(p, lk));  // Leaflet reuses the icon's element: its data attributes stay
    marker.setZIndexOffset(zIndex(p, lk));
    var tip = marker.getTooltip && marker.getTooltip();
    if (tip) {
      tip.options.className = labelClass(p, lk);
      var te = tip.getElement();
      if (te) { te.classList.toggle("gb-label-claim", lk.claim); }
    }
  };

  /** Hide claims below confidence t (0-1, rounded to hundredths); 0 shows every claim. */
  Controller.prototype.setThreshold = function (t) {
    t = Math.round(Math.min(1, Math.max(0, Number(t) || 0)) * 100) / 100;
    var changed = t !== this.threshold;
    this.threshold = t;
    if (changed) {
      for (var i = 0; i < this.markers.length; i++) { this.restyle(i); }
      this.schedule();  // the status facets follow the claims still shown
      if (this.map) { this.arrange(); }
      if (this.shown && this.shown.popup.isOpen()) { this.shown.popup.update(); }
    }
    this.syncConfidence();
    return t;
  };

  // The slider's read-out, the panel's status line and the panel's mention links.
  Controller.prototype.syncConfidence = function () {
    var t = this.threshold, ts = t.toFixed(2), total = 0, kept = 0;
    for (var i = 0; i < this.d.places.length; i++) {
      var cs = this.d.places[i].c;
      for (var k = 0; k < cs.length; k++) { total++; if (this.keeps(cs[k])) { kept++; } }
    }
    var shown = kept + " of " + plural(total, "claim", "claims") + " shown";
    var ui = this.confUi;
    if (ui) {
      if (Number(ui.input.value) !== t) { ui.input.value = String(t); }
      ui.out.textContent = ts;
      ui.input.setAttribute("aria-valuetext", ts + " (" + shown + ")");
      ui.count.textContent = shown;
    }
    if (this.confStatus) {
      this.confStatus.hidden = !t;
      this.confStatus.textContent = t ? "Claims with confidence " + ts + " or more: " + shown : "";
    }
    for (var pi in this.mentionEls) {
      if (!Object.prototype.hasOwnProperty.call(this.mentionEls, pi)) { continue; }
      var dim = !this.mainClaim(this.d.places[pi]);
      this.mentionEls[pi].forEach(function (n) { n.classList.toggle("gb-dim", dim); });
    }
    var root = this.map && this.map.getContainer();
    if (root) { root.setAttribute("data-gb-threshold", ts); }
  };

  Controller.prototype.buildThreshold = function () {
    var self = this, id = this.id + "-conf", box = el("div", "gb-conf");
    var label = el("label", "gb-conf-label", "Hide claims below confidence ");
    label.htmlFor = id;
    var out = el("output", "gb-conf-out", this.threshold.toFixed(2));
    out.setAttribute("for", id);
    label.appendChild(out);
    var input = el("input", "gb-conf-input");
    input.type = "range";
    input.id = id;
    input.min = "0";
    input.max = "1";
    input.step = String(this.conf.step);
    input.value = String(this.threshold);
    input.addEventListener("input", function () { self.setThreshold(input.value); });
    // Arrow keys move the slider, not the map.
    input.addEventListener("keydown", function (ev) { ev.stopPropagation(); });
    var count = el("div", "gb-conf-count");
    count.setAttribute("aria-live", "polite");
    box.appendChild(label);
    box.appendChild(input);
    box.appendChild(count);
    this.confUi = { input: input, out: out, count: count };
    return box;
  };

  /* ------------------------------------------- texts of a packed page */
  // Article ai's text; null while its block is still compressed (it is then being inflated, and
  // textsArrived redraws what needed it).
  Controller.prototype.text = function (ai) {
    if (this.texts) { return this.texts.text(ai); }
    var a = this.d.articles[ai];
    return a ? a.text : null;
  };

  Controller.prototype.textsArrived = function (k) {
    var block = this.texts.blocks[k], self = this;
    for (var ai = block.from; ai < block.to; ai++) {
      var box = this.waiting[ai];
      if (box) {
        delete this.waiting[ai];
        box.textContent = "";
        this.buildArticle(this.d.articles[ai], ai, box);
      }
    }
    if (this.shown && this.shown.popup.isOpen()) { this.shown.popup.update(); }
    if (this.evidenceBox && this.evidenceArgs) { this.showEvidence.apply(this, this.evidenceArgs.concat([true])); }
    var go = this.pendingGo;
    if (go && go[0] >= block.from && go[0] < block.to) { this.pendingGo = null; this.goPassage(go[0], go[1], go[2]); }
    if (!this.texts.left) { this.textsDone(); }
    return self;
  };

  // data-gb-texts="1" once every text is inflated (a packed page; plain pages set it at once).
  // A promise of the evidence rows (a packed page inflates them after drawing); open popups and
  // the excerpt list are redrawn when they arrive.
  Controller.prototype.needEvidence = function () {
    var ev = this.evidence, self = this;
    if (!ev || ev.ready()) { return Promise.resolve(); }
    if (!this.evidenceWait) {
      this.evidenceWait = ev.load().then(function () {
        if (self.shown && self.shown.popup.isOpen()) { self.shown.popup.update(); }
        if (self.texts && !self.texts.left) { self.textsDone(); }
      });
    }
    return this.evidenceWait;
  };

  Controller.prototype.textsDone = function () {
    if (this.evidence && !this.evidence.ready()) { return; }  // called again once it is in
    this.allTexts = true;
    var root = this.map && this.map.getContainer();
    if (root) { root.setAttribute("data-gb-texts", "1"); }
  };

  Controller.prototype.popupOptions = function () {
    return { maxWidth: 420, minWidth: 240, maxHeight: 360, className: "gb-popup-wrap", autoPan: true,
      autoPanPaddingTopLeft: this.panPadTL, autoPanPaddingBottomRight: this.panPad };
  };

  // A popup fits the visible map, less the controls auto-pan keeps it clear of.
  Controller.prototype.sizePopup = function (popup) {
    if (!popup || !this.map) { return; }
    var size = this.map.getSize(), o = popup.options;
    var w = size.x - this.panPadTL.x - this.panPad.x - 44;  // 44: the popup's own margins and border
    o.maxWidth = Math.max(160, Math.min(420, w));
    o.minWidth = Math.min(240, o.maxWidth);
    // 70: the tip, the close button and the margins around the scrolled content
    o.maxHeight = Math.max(120, Math.min(360, size.y - this.panPadTL.y - this.panPad.y - 70));
  };

  Controller.prototype.facet = function (dim, key, group) {
    var byKey = this.facets[dim] || (this.facets[dim] = {});
    (byKey[key] || (byKey[key] = [])).push(group);
    var self = this;
    group.on("add remove", function () { self.schedule(); });
    this.schedule();
  };

  Controller.prototype.isOn = function (dim, key) {
    var groups = this.facets[dim] && this.facets[dim][key];
    if (!groups) { return false; }
    for (var i = 0; i < groups.length; i++) { if (groups[i]._map) { return true; } }
    return false;
  };

  Controller.prototype.shows = function (p) {
    for (var dim in p.f) {
      if (!Object.prototype.hasOwnProperty.call(p.f, dim) || !this.facets[dim]) { continue; }
      var keys = dim === "status" ? this.statusKeys(p) : p.f[dim], any = false;
      for (var k = 0; k < keys.length; k++) { if (this.isOn(dim, keys[k])) { any = true; break; } }
      if (!any) { return false; }
    }
    return true;
  };

  Controller.prototype.schedule = function () {
    if (this._queued) { return; }
    this._queued = true;
    var self = this;
    var run = function () { self._queued = false; self.refresh(); };
    if (typeof queueMicrotask === "function") { queueMicrotask(run); } else { setTimeout(run, 0); }
  };

  Controller.prototype.refresh = function () {
    var add = [], remove = [];
    for (var i = 0; i < this.markers.length; i++) {
      var want = this.shows(this.d.places[i]);
      if (want !== this.visible[i]) {
        (want ? add : remove).push(this.markers[i]);
        this.visible[i] = want;
      }
    }
    var chunked = this.clustered && add.length > 0 && !!this.layer._map;
    if (chunked) { this.loaded(false); }
    if (this.clustered) {
      if (remove.length) { this.layer.removeLayers(remove); }
      if (add.length) { this.layer.addLayers(add); }
    } else {
      var layer = this.layer;
      remove.forEach(function (m) { layer.removeLayer(m); });
      add.forEach(function (m) { layer.addLayer(m); });
    }
    var root = this.map && this.map.getContainer();
    if (root) { root.setAttribute("data-gb-visible", String(this.visible.filter(Boolean).length)); }
    if (this.map && (add.length || remove.length)) { this.arrange(); }
    if (!chunked) { this.loaded(true); }
  };

  // data-gb-loaded="1" on the map once every shown marker is placed
  // (clustering adds markers in chunks, between which the page stays responsive).
  Controller.prototype.loaded = function (done) {
    var root = this.map && this.map.getContainer();
    if (root) { root.setAttribute("data-gb-loaded", done ? "1" : "0"); }
    if (done && root && this.texts && !this.textsStarted) {
      // A packed page's evidence, then its other text blocks, once the map is drawn.
      this.textsStarted = true;
      var texts = this.texts, self = this;
      setTimeout(function () {
        self.needEvidence().then(function () { texts.loadAll(); });
      }, 0);
    }
  };

  /* ---------------------------------------------------------- map chrome */
  Controller.prototype.attach = function (map) {
    if (!map || this.map === map) { return; }
    this.map = map;
    var self = this;
    // Clustering needs a maximum zoom, which only tile layers set otherwise.
    if (!map.options.maxZoom) { map.options.maxZoom = 18; }
    if (!this.container.hasLayer(this.layer)) { this.container.addLayer(this.layer); }
    map.getContainer().classList.add("gb-map");
    map.on("zoomend", this.zoomClass, this);
    this.zoomClass();
    var Panel = L.Control.extend({ options: { position: "topright" }, onAdd: function () { return self.buildPanel(); } });
    var Legend = L.Control.extend({ options: { position: "bottomleft" }, onAdd: function () { return self.buildLegend(); } });
    this.controls = [new Panel(), new Legend()];
    this.controls.forEach(function (c) { c.addTo(map); });
    this.leaders.addTo(map);
    this.compactAttribution();
    this.syncConfidence();
    this.fitPanel();
    map.on("resize", this.fitPanel, this);
    map.on("zoomend", this.arrange, this);
    map.on("moveend", this.placeLabels, this);  // names hidden at the edge may fit now
    if (this.fitOnAttach) { this.fit(); }
    // Layers the page holds back until the view is fitted (the outlines, the tiles): drawn once,
    // at the view the reader sees, not first at the map's default view.
    this.addDeferred();
    this.schedule();
    map.getContainer().setAttribute("data-gb-ready", "1");
    if (!this.texts || this.allTexts) { this.textsDone(); }
  };

  Controller.prototype.addDeferred = function () {
    var map = this.map;
    (this.deferred || []).forEach(function (layer) { if (map && !map.hasLayer(layer)) { layer.addTo(map); } });
    this.deferred = null;
  };

  // On a small map the attribution is one line; a tap unfolds it (the first tap does not follow a link).
  Controller.prototype.compactAttribution = function () {
    var ctl = this.map.attributionControl, box = ctl && ctl.getContainer(), self = this;
    if (!box || box.getAttribute("data-gb-compact")) { return; }
    box.setAttribute("data-gb-compact", "1");
    box.addEventListener("click", function (ev) {
      var root = self.map && self.map.getContainer();
      if (root && root.classList.contains("gb-compact") && !box.classList.contains("gb-attr-open")) {
        ev.preventDefault();
        box.classList.add("gb-attr-open");
      }
    });
  };

  Controller.prototype.fit = function () {
    // Frame the places the articles say something about; a far-away place
    // that is only mentioned (or a country's centre) should not zoom the map out.
    var claimed = [], pts = [], all = [];
    this.d.places.forEach(function (p) {
      all.push([p.la, p.lo]);
      if (!p.area) { pts.push([p.la, p.lo]); if (p.c.length) { claimed.push([p.la, p.lo]); } }
    });
    if (claimed.length) { pts = claimed; } else if (!pts.length) { pts = all; }
    if (!pts.length || !this.map) { return; }
    // Keep the places clear of the controls: zoom and layers (left), panel (right, or the bottom
    // sheet), the legend (bottom left) and the attribution.
    var legend = this.legend ? this.legend.offsetHeight + 10 : 0;
    this.map.fitBounds(L.latLngBounds(pts), { paddingTopLeft: [this.panPadTL.x + 10, 40],
      paddingBottomRight: [this.panPad.x + 20, Math.max(this.panPad.y, legend) + 30], maxZoom: 7, animate: false });
    this.arrange();
  };

  Controller.prototype.detach = function () {
    if (!this.map) { return; }
    this.controls.forEach(function (c) { c.remove(); });
    this.map.off("resize", this.fitPanel, this);
    this.map.off("zoomend", this.zoomClass, this);
    this.map.off("zoomend", this.arrange, this);
    this.map.off("moveend", this.placeLabels, this);
    this.leaders.remove();
    this.controls = [];
    this.map = null;
  };

  Controller.prototype.zoomClass = function () {
    if (!this.map) { return; }
    var z = this.map.getZoom(), list = this.map.getContainer().classList;
    list.toggle("gb-z5", z >= 5);
    list.toggle("gb-z7", z >= 7);
  };

  // Lay the chrome out for the map's size (on load and on every resize): on a narrow map the panel
  // is a bottom sheet; on the first layout, a narrow map starts with the panel closed and a small
  // one with the legend folded.  Auto-pan keeps popups clear of whatever is open.
  Controller.prototype.fitPanel = function () {
    if (!this.map) { return; }
    var size = this.map.getSize(), root = this.map.getContainer(), narrow = size.x < NARROW;
    root.classList.toggle("gb-narrow", narrow);
    root.classList.toggle("gb-compact", size.x < WIDE_LEGEND);  // one-line attribution
    var attribution = this.map.attributionControl && this.map.attributionControl.getContainer();
    if (attribution) { attribution.style.maxWidth = size.x < WIDE_LEGEND ? Math.max(120, size.x - 130) + "px" : ""; }
    if (!this.laidOut) {
      this.laidOut = true;
      if (narrow && this.panel) { this.openPanel(false, true); }
      if (this.legend && (size.x < WIDE_LEGEND || size.y < SHORT)) { this.openLegend(false); }
    }
    var open = this.panel && !this.panel.classList.contains("gb-collapsed");
    if (this.panel) {
      this.panelBody.style.maxHeight = (narrow ? Math.max(120, Math.round(size.y * 0.5))
        : Math.max(120, size.y - 70)) + "px";
    }
    this.panPadTL.x = narrow ? 54 : 60;
    if (narrow) {
      this.panPad.x = 10;
      this.panPad.y = (this.panel ? this.panel.offsetHeight : 0) + 24;  // the sheet (or its bar) and the attribution
    } else {
      this.panPad.x = (open ? this.panel.offsetWidth : 0) + 20;
      this.panPad.y = 30;
    }
  };

  Controller.prototype.openLegend = function (open) {
    if (!this.legend) { return; }
    this.legend.classList.toggle("gb-collapsed", !open);
    this.legendToggle.setAttribute("aria-expanded", open ? "true" : "false");
    this.legendToggle.textContent = open ? "Legend \u25be" : "Legend \u25b8";
  };

  /* ------------------------------------- names and overlapping pins */
  // After each zoom: spread pins that overlap, then show names without collisions.
  Controller.prototype.arrange = function () {
    if (!this.map || this.clustered) { return; }
    this.spread();
    this.placeLabels();
  };

  // Pins whose symbols overlap at this zoom are set out in a column beside their centre (names
  // to the right of each stay readable), each with a leader line to its true spot
  // (markercluster spiderfies clustered maps).
  Controller.prototype.spread = function () {
    var map = this.map, self = this, pts = [], idx = [];
    this.leaders.clearLayers();
    this.markers.forEach(function (m, i) {
      var p = self.d.places[i], at = m.getLatLng();
      // Back to its true spot (moving a marker moves its label and popup: only when it was spread).
      if (at.lat !== p.la || at.lng !== p.lo) { m.setLatLng([p.la, p.lo]); }
      if (self.visible[i] && !p.area) { idx.push(i); pts.push(map.latLngToLayerPoint([p.la, p.lo])); }
    });
    var group = idx.map(function (_, k) { return k; });
    function root(k) { while (group[k] !== k) { k = group[k] = group[group[k]]; } return k; }
    for (var a = 0; a < pts.length; a++) {
      for (var b = a + 1; b < pts.length; b++) {
        if (Math.abs(pts[a].x - pts[b].x) < PIN_W && Math.abs(pts[a].y - pts[b].y) < PIN_H) {
          group[root(a)] = root(b);
        }
      }
    }
    var groups = {};
    for (var k = 0; k < pts.length; k++) { (groups[root(k)] || (groups[root(k)] = [])).push(k); }
    Object.keys(groups).forEach(function (g) {
      var members = groups[g];
      if (members.length < 2) { return; }
      var cx = 0, cy = 0;
      members.forEach(function (k) { cx += pts[k].x; cy += pts[k].y; });
      cx /= members.length; cy /= members.length;
      // West to east, then north to south: the column keeps the places' rough order.
      members.sort(function (u, v) { return pts[u].x - pts[v].x || pts[u].y - pts[v].y; });
      var rows = Math.min(members.length, SPREAD_COL), cols = Math.ceil(members.length / SPREAD_COL);
      members.forEach(function (k, n) {
        var col = Math.floor(n / SPREAD_COL), row = n % SPREAD_COL;
        var x = cx + (col - (cols - 1) / 2) * SPREAD_GAP, y = cy + (row - (rows - 1) / 2) * (PIN_H + 4) + PIN_H / 2;
        var i = idx[k], p = self.d.places[i];
        var to = map.layerPointToLatLng(L.point(x, y));
        self.markers[i].setLatLng(to);
        self.leaders.addLayer(L.polyline([[p.la, p.lo], to], { interactive: false, weight: 1.5,
          color: "#555", opacity: 0.8, dashArray: "3 3", className: "gb-leader" }));
        self.leaders.addLayer(L.circleMarker([p.la, p.lo], { interactive: false, radius: 2.5, weight: 1,
          color: "#333", fillOpacity: 1, className: "gb-leader-dot" }));
      });
    });
  };

  // Names: of places with claims at every zoom, of the others from zoom 7; in order of
  // importance (claims, then mentions), a name that would overlap one already shown is left out.
  Controller.prototype.placeLabels = function () {
    if (!this.map || this.clustered) { return; }
    var z = this.map.getZoom(), self = this, order = [];
    this.markers.forEach(function (m, i) {
      var tip = m.getTooltip && m.getTooltip(), e = tip && tip.getElement();
      if (!e) { return; }
      e.classList.remove("gb-label-on");
      var p = self.d.places[i], claimed = !!self.mainClaim(p);
      if (self.visible[i] && (claimed || z >= 7)) {
        order.push([claimed ? 1 : 0, p.area ? 0 : 1, p.c.length, p.m, -i, e]);
      }
    });
    order.sort(function (x, y) {
      for (var k = 0; k < 5; k++) { if (x[k] !== y[k]) { return y[k] - x[k]; } }
      return 0;
    });
    // Show every candidate, then measure them all in one layout (a label's box does not depend on
    // the others), then hide the ones that clash: one forced layout, not one per label.
    order.forEach(function (o) { o[5].classList.add("gb-label-on"); });
    var view = this.map.getContainer().getBoundingClientRect(), kept = [];
    var rects = order.map(function (o) { return o[5].getBoundingClientRect(); });
    order.forEach(function (o, n) {
      var r = rects[n];
      var clash = r.left < view.left || r.right > view.right || r.top < view.top || r.bottom > view.bottom ||
        kept.some(function (k) { return r.left < k.right && k.left < r.right && r.top < k.bottom && k.top < r.bottom; });
      if (clash) { o[5].classList.remove("gb-label-on"); } else { kept.push(r); }
    });
  };

  Controller.prototype.buildLegend = function () {
    var d = this.d, outer = el("div", "gb-legend leaflet-bar"), self = this;
    L.DomEvent.disableClickPropagation(outer);
    L.DomEvent.disableScrollPropagation(outer);
    // Folds to one button (small maps start folded: it would hide markers).
    var toggle = el("button", "gb-legend-toggle", "Legend \u25be");
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", "true");
    toggle.addEventListener("click", function () {
      self.openLegend(outer.classList.contains("gb-collapsed"));
    });
    outer.appendChild(toggle);
    var box = el("div", "gb-legend-body");
    outer.appendChild(box);
    this.legend = outer; this.legendToggle = toggle;
    var hasClaims = d.places.some(function (p) { return p.c.length > 0; });
    // The confidence threshold first, where the legend's scrolling cannot hide it.
    this.confUi = null;
    if (hasClaims) { box.appendChild(this.buildThreshold()); }
    d.legend.forEach(function (key) {
      var s = d.styles[key], row = el("div", "gb-legend-row"), sym = el("span", "gb-legend-sym");
      sym.innerHTML = svgIcon(s, "pin");  // constant markup from the style table
      row.appendChild(sym);
      row.appendChild(el("span", null, s.label));
      box.appendChild(row);
    });
    var notes = [["area", "country / region / sea (context)"], ["neg", "denied or negated"]];
    notes.forEach(function (n) {
      var row = el("div", "gb-legend-row"), sym = el("span", "gb-legend-sym");
      sym.innerHTML = svgIcon(d.styles.mentioned, n[0]);
      row.appendChild(sym);
      row.appendChild(el("span", null, n[1]));
      box.appendChild(row);
    });
    var h = el("div", "gb-legend-row gb-legend-note", "faded: historical");
    box.appendChild(h);
    if (hasClaims) {
      var low = el("div", "gb-legend-row gb-legend-low"), lsym = el("span", "gb-legend-sym");
      var first = d.legend.filter(function (k) { return k !== "mentioned"; })[0];
      lsym.innerHTML = svgIcon(d.styles[first] || d.styles.mentioned, "pin", true);  // constant markup
      low.appendChild(lsym);
      low.appendChild(el("span", null, "pale, dashed: low confidence (below " + this.conf.low.toFixed(2) + ")"));
      box.appendChild(low);
    }
    return outer;
  };

  Controller.prototype.buildPanel = function () {
    var d = this.d, self = this;
    this.mentionEls = {};
    var panel = el("div", "gb-panel" + (d.opts.panelOpen ? "" : " gb-collapsed"));
    panel.setAttribute("data-gb-ctl", this.id);
    L.DomEvent.disableClickPropagation(panel);
    L.DomEvent.disableScrollPropagation(panel);
    var toggle = el("button", "gb-toggle", d.opts.panelOpen ? "Hide briefing" : "Show briefing");
    toggle.type = "button";
    toggle.addEventListener("click", function () { self.openPanel(panel.classList.contains("gb-collapsed")); });
    panel.appendChild(toggle);
    var body = el("div", "gb-panel-body");
    panel.appendChild(body);
    this.panel = panel; this.panelBody = body; this.toggle = toggle;

    var head = el("header", "gb-header");
    head.appendChild(el("h2", "gb-title", d.title));
    var st = d.stats, line = plural(st.articles, "article", "articles") + " \u00b7 " + plural(st.places, "place", "places");
    if (st.from) {
      line += " \u00b7 " + (st.from === st.to ? humanDate(st.from) : humanDate(st.from) + " \u2013 " + humanDate(st.to));
    }
    else if (st.articles) { line += " \u00b7 dates not given"; }
    head.appendChild(el("p", "gb-stats", line));
    // Shown while the legend's slider hides claims below a confidence.
    this.confStatus = el("p", "gb-conf-status");
    this.confStatus.hidden = true;
    head.appendChild(this.confStatus);
    body.appendChild(head);

    var arts = el("section", "gb-articles");
    arts.appendChild(el("h3", null, "Articles"));
    // A big feed's articles are added EAGER_ARTICLES at a time as the reader scrolls to the end
    // of the list; a link to a later one adds empty boxes up to it, each filled when it comes
    // into view.  Thousands of articles keep the page interactive.
    this.articleBoxes = [];
    this.articleList = arts;
    this.moreArticles = el("button", "gb-more-articles");
    this.moreArticles.type = "button";
    this.moreArticles.addEventListener("click", function () { self.showArticles(self.articleBoxes.length + EAGER_ARTICLES); });
    arts.appendChild(this.moreArticles);
    if (typeof IntersectionObserver === "function") {
      this.articleSeen = new IntersectionObserver(function (entries) {
        entries.forEach(function (en) {
          if (!en.isIntersecting) { return; }
          if (en.target === self.moreArticles) { self.showArticles(self.articleBoxes.length + EAGER_ARTICLES); }
          else { self.ensureArticle(Number(en.target.getAttribute("data-gb-article"))); }
        });
      }, { root: body, rootMargin: "600px 0px" });
      this.articleSeen.observe(this.moreArticles);
    }
    this.showArticles(EAGER_ARTICLES);
    body.appendChild(arts);

    var un = el("section", "gb-unresolved");
    un.appendChild(el("h3", null, "Unresolved mentions (" + d.unresolved.length + ")"));
    if (d.unresolved.length) {
      var ul = el("ul");
      d.unresolved.forEach(function (u) {
        var li = el("li");
        li.appendChild(el("span", "gb-unres-text", u.t));
        if (u.a !== null && u.a !== undefined && d.articles[u.a]) {
          li.appendChild(document.createTextNode(" \u2014 "));
          li.appendChild(self.passageLink(u.a, u.s, articleName(d.articles[u.a]), "u"));
        }
        ul.appendChild(li);
      });
      un.appendChild(ul);
    } else { un.appendChild(el("p", "gb-none", "None.")); }
    body.appendChild(un);

    if (d.failures.length) {
      var fs = el("section", "gb-failures");
      fs.appendChild(el("h3", null, "Inputs that failed (" + d.failures.length + ")"));
      var fl = el("ul");
      d.failures.forEach(function (f) {
        var li = el("li");
        li.appendChild(el("code", null, f.s));
        li.appendChild(document.createTextNode(": " + f.r));
        fl.appendChild(li);
      });
      fs.appendChild(fl);
      body.appendChild(fs);
    }

    var cr = el("section", "gb-credits");
    cr.appendChild(el("h3", null, "Credits"));
    var cl = el("ul");
    d.credits.forEach(function (c) {
      var li = el("li"), url = safeUrl(c[1]);
      if (url) {
        var a = el("a", null, c[0]);
        a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer";
        li.appendChild(a);
      } else { li.textContent = c[0]; }
      cl.appendChild(li);
    });
    cr.appendChild(cl);
    body.appendChild(cr);
    return panel;
  };

  Controller.prototype.openPanel = function (open, quiet) {
    if (!this.panel) { return; }
    this.panel.classList.toggle("gb-collapsed", !open);
    this.toggle.textContent = open ? "Hide briefing" : "Show briefing";
    this.toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (!quiet) { this.fitPanel(); }
  };

  Controller.prototype.anchorId = function (ai, start, kind) {
    return this.id + "-a" + ai + "-" + (kind || "p") + start;
  };

  // Add the boxes of articles up to n (exclusive), empty, before the "more" button; fill them
  // when fill is set.
  Controller.prototype.addBoxes = function (n, fill) {
    var total = this.d.articles.length;
    n = Math.min(n, total);
    for (var ai = this.articleBoxes.length; ai < n; ai++) {
      var box = el("article", "gb-article gb-pending");
      box.id = this.id + "-a" + ai;
      box.setAttribute("data-gb-article", String(ai));
      this.articleList.insertBefore(box, this.moreArticles);
      this.articleBoxes.push(box);
      if (fill) { this.ensureArticle(ai); } else if (this.articleSeen) { this.articleSeen.observe(box); }
    }
    var left = total - this.articleBoxes.length;
    this.moreArticles.hidden = left <= 0;
    this.moreArticles.textContent = "more articles (" + left + " not shown yet)";
  };

  Controller.prototype.showArticles = function (n) { this.addBoxes(n, true); };

  // Article ai's box, filled (added first if the list has not reached it yet).
  Controller.prototype.ensureArticle = function (ai) {
    if (!(ai >= 0 && ai < this.d.articles.length) || !this.articleList) { return null; }
    if (ai >= this.articleBoxes.length) { this.addBoxes(ai + 1, false); }
    var box = this.articleBoxes[ai];
    if (box.classList.contains("gb-pending")) {
      box.classList.remove("gb-pending");
      if (this.articleSeen) { this.articleSeen.unobserve(box); }
      this.buildArticle(this.d.articles[ai], ai, box);
    }
    return box;
  };

  Controller.prototype.buildArticle = function (a, ai, box) {
    var self = this;
    // An untitled article is headed by its opening words, in quotes; its id (file name) goes below.
    box.appendChild(el("h4", "gb-article-title" + (a.title ? "" : " gb-lead"),
      a.title || (a.lead ? "\u201c" + a.lead + "\u201d" : a.id)));
    var meta = el("p", "gb-article-meta");
    var bits = [a.source, a.published ? humanDate(a.published) : null, a.title || !a.lead ? null : a.id].filter(Boolean);
    if (bits.length) { meta.appendChild(document.createTextNode(bits.join(" \u00b7 ") + " ")); }
    var url = safeUrl(a.url);
    if (url) {
      var link = el("a", "gb-ext", "original article \u2197");
      link.href = url; link.target = "_blank"; link.rel = "noopener noreferrer";
      meta.appendChild(link);
    }
    box.appendChild(meta);
    var t = this.text(ai);
    if (t === null) {  // still compressed: drawn again when its block is inflated
      this.waiting[ai] = box;
      box.appendChild(el("p", "gb-loading", "loading the text\u2026"));
      return;
    }
    var text = el("div", "gb-article-text");
    // Passages (evidence sentences) become anchors; overlapping ones alias the kept one.
    var passages = a.passages.slice().sort(function (x, y) { return x[0] - y[0] || y[1] - x[1]; });
    var kept = [], last = null;
    passages.forEach(function (p) {
      if (last && p[0] < last[1]) { self.passages[ai + ":p" + p[0]] = last; return; }
      last = { s: p[0], e: p[1] }; kept.push(last); self.passages[ai + ":p" + p[0]] = last;
    });
    var marks = a.marks.slice().sort(function (x, y) { return x[0] - y[0] || y[1] - x[1]; });
    var okMarks = [], end = -1;
    marks.forEach(function (m) { if (m[0] >= end) { okMarks.push(m); end = m[1]; } });

    function emit(parent, from, to) {
      var pos = from;
      okMarks.forEach(function (m) {
        var s = Math.max(m[0], from), e = Math.min(m[1], to);
        if (e <= s || s < pos) { return; }
        if (s > pos) { parent.appendChild(document.createTextNode(t.slice(pos, s))); }
        var node;
        if (m[2] >= 0) {
          node = el("a", "gb-mention", t.slice(s, e));
          node.href = "#";
          node.title = "Show " + shownName(self.d.places[m[2]]) + " on the map";
          node.setAttribute("data-gb-place", self.d.places[m[2]].id);
          if (self.d.places[m[2]].c.length) {  // dimmed while all its claims are hidden
            (self.mentionEls[m[2]] || (self.mentionEls[m[2]] = [])).push(node);
            if (self.threshold && !self.mainClaim(self.d.places[m[2]])) { node.classList.add("gb-dim"); }
          }
          (function (pi) {
            node.addEventListener("click", function (ev) { ev.preventDefault(); self.openPlace(pi); });
          })(m[2]);
        } else {
          node = el("span", "gb-unres-mention", t.slice(s, e));
          node.title = "unresolved place name";
        }
        node.id = self.anchorId(ai, m[0], m[2] >= 0 ? "m" : "u");
        parent.appendChild(node);
        pos = e;
      });
      if (to > pos) { parent.appendChild(document.createTextNode(t.slice(pos, to))); }
    }

    var pos = 0;
    kept.forEach(function (p) {
      if (p.s > pos) { emit(text, pos, p.s); }
      var span = el("span", "gb-passage");
      span.id = self.anchorId(ai, p.s, "p");
      span.tabIndex = -1;
      emit(span, p.s, p.e);
      text.appendChild(span);
      p.el = span;
      pos = p.e;
    });
    if (pos < t.length) { emit(text, pos, t.length); }
    box.appendChild(text);
    return box;
  };

  Controller.prototype.passageLink = function (ai, start, label, kind) {
    var self = this, a = el("a", "gb-goto", label);
    var id = this.anchorId(ai, start, kind || "p");
    a.href = "#" + id;
    a.setAttribute("data-gb-target", id);
    a.addEventListener("click", function (ev) { ev.preventDefault(); self.goPassage(ai, start, kind || "p"); });
    return a;
  };

  Controller.prototype.goPassage = function (ai, start, kind) {
    this.openPanel(true);
    this.ensureArticle(ai);
    if (this.waiting[ai]) { this.pendingGo = [ai, start, kind]; return null; }  // followed on arrival
    var target = null;
    if (kind === "p") {
      var rec = this.passages[ai + ":p" + start];
      target = rec && rec.el;
    }
    var root = this.panel;
    if (!target && root) { target = root.querySelector("#" + CSS.escape(this.anchorId(ai, start, kind))); }
    if (!target) { return null; }
    if (this.hl) { this.hl.classList.remove("gb-hl"); }
    target.classList.add("gb-hl");
    this.hl = target;
    // Scroll only the panel: scrollIntoView would also scroll the map
    // container (overflow: hidden is still scrollable) and shift the map.
    var body = this.panelBody, b = body.getBoundingClientRect(), r = target.getBoundingClientRect();
    body.scrollTop += (r.top - b.top) - Math.max(0, (body.clientHeight - r.height) / 2);
    if (target.focus) { target.focus({ preventScroll: true }); }
    return target;
  };

  Controller.prototype.openPlace = function (i, zoom) {
    var map = this.map, marker = this.markers[i], p = this.d.places[i], self = this;
    if (!map || !p) { return; }
    if (zoom) { map.setView([p.la, p.lo], zoom, { animate: false }); }
    var z = zoom || Math.max(map.getZoom(), p.area ? 4 : 6);
    if (this.visible[i]) {
      if (this.clustered) {
        this.layer.zoomToShowLayer(marker, function () { marker.openPopup(); });
      } else {
        // No animation: the popup's auto-pan must start from the final view.
        map.setView(marker.getLatLng(), z, { animate: false });
        marker.openPopup();
      }
    } else {
      // Filtered out by the layer toggles: still show what the briefing says.
      map.setView([p.la, p.lo], zoom || Math.max(map.getZoom(), 4), { animate: false });
      var pop = L.popup(this.popupOptions())
        .setLatLng([p.la, p.lo]).setContent(function () { self.sizePopup(pop); return self.popup(i); });
      pop.on("add", function () { self.shown = { popup: pop, i: i }; });
      pop.on("remove", function () { if (self.shown && self.shown.popup === pop) { self.shown = null; } });
      pop.openOn(map);
    }
  };

  /* --------------------------------------------------------------- popups */
  Controller.prototype.excerpt = function (ai, s, e, ms, me, fallback) {
    var a = this.d.articles[ai], t = a ? this.text(ai) : null, q = el("q", "gb-excerpt");
    if (a && t === null && !fallback) {  // its text is being inflated: the popup is redrawn then
      q.className += " gb-loading";
      q.textContent = "\u2026";
      return q;
    }
    var text, rs = -1, re = -1;
    if (t && s >= 0 && s < e && e <= t.length) {
      text = t.slice(s, e);
      if (s <= ms && ms < me && me <= e) { rs = ms - s; re = me - s; }  // else: no mark, still the words
    } else {
      text = fallback || "";
    }
    var MAX = 320;
    var from = 0, to = text.length;
    if (text.length > MAX && rs >= 0) {
      from = Math.max(0, rs - 140); to = Math.min(text.length, re + 160);
    } else if (text.length > MAX) { to = MAX; }
    if (from > 0) { q.appendChild(document.createTextNode("\u2026")); }
    if (rs >= 0) {
      q.appendChild(document.createTextNode(text.slice(from, rs)));
      q.appendChild(el("mark", null, text.slice(rs, re)));
      q.appendChild(document.createTextNode(text.slice(re, to)));
    } else { q.appendChild(document.createTextNode(text.slice(from, to))); }
    if (to < text.length) { q.appendChild(document.createTextNode("\u2026")); }
    return q;
  };

  // One evidence span; withConf: the claim has several, so each states its own confidence.
  Controller.prototype.evidenceItem = function (ev, withConf) {
    var show = withConf && hasConf(ev.cf);
    var li = el("li", "gb-ev" + (show && this.isLow(ev.cf) ? " gb-lowconf" : "")), a = this.d.articles[ev.a];
    li.appendChild(this.excerpt(ev.a, ev.s, ev.e, ev.ms, ev.me, ev.t));
    var src = el("div", "gb-ev-src");
    var bits = [];
    if (ev.mod && ev.mod !== "asserted") { bits.push(ev.mod); }
    if (ev.attr) { bits.push("according to " + ev.attr); }
    if (ev.time) { bits.push(ev.time); }
    if (show) { bits.push("confidence " + ev.cf.toFixed(2)); }
    if (bits.length) { src.appendChild(el("span", "gb-ev-mod", bits.join(", ") + " \u2014 ")); }
    if (a) {
      src.appendChild(this.passageLink(ev.a, ev.s, articleName(a)));
      var url = safeUrl(a.url);
      if (url) {
        src.appendChild(document.createTextNode(" "));
        var x = el("a", "gb-ext", "\u2197");
        x.href = url; x.target = "_blank"; x.rel = "noopener noreferrer"; x.title = "original article";
        src.appendChild(x);
      }
    }
    li.appendChild(src);
    return li;
  };

  Controller.prototype.popup = function (i) {
    var p = this.d.places[i], d = this.d, self = this;
    var box = el("div", "gb-popup");
    box.setAttribute("data-gb-place", p.id);
    box.appendChild(el("h3", "gb-pname", shownName(p)));
    var sub = [p.k, p.a1, p.cc].filter(Boolean).join(", ");
    var nsrc = p.ar.length;
    box.appendChild(el("p", "gb-pmeta", sub + " \u00b7 " + plural(nsrc, "source", "sources") + " \u00b7 " +
      plural(p.m, "mention", "mentions")));
    if (p.c.length && this.evidence && !this.evidence.ready()) {  // redrawn when the evidence is in
      this.needEvidence();
      box.appendChild(el("p", "gb-loading", "\u2026"));
      return box;
    }
    // A street or building no gazetteer holds, drawn at its town (issue 9).
    if (p.ap) { box.appendChild(el("p", "gb-approx-note", "located approximately: within " + p.ap)); }
    // Only the claims at or above the legend's confidence threshold.
    var kept = p.c.filter(function (c) { return self.keeps(c); });
    var hidden = p.c.length - kept.length;
    if (kept.length) {
      var claims = el("div", "gb-claims");
      kept.forEach(function (c) {
        var low = self.isLow(c.conf);
        var card = el("div", "gb-claim" + (c.conflicting ? " gb-conflicting" : "") + (c.historical ? " gb-hist" : "") +
          (low ? " gb-lowconf" : ""));
        card.setAttribute("data-gb-event", c.event);
        card.setAttribute("data-gb-conf", hasConf(c.conf) ? c.conf.toFixed(2) : "");
        var badge = el("span", "gb-badge", c.label);
        badge.style.backgroundColor = (d.styles[c.event] || d.styles.mentioned).color;
        card.appendChild(badge);
        if (hasConf(c.conf)) {
          var band = confBand(self.conf, c.conf);
          card.appendChild(el("span", "gb-conf-val gb-conf-" + band,
            "confidence " + c.conf.toFixed(2) + " (" + band + ")"));
        }
        var info = [plural(c.sources, "source", "sources")];
        var split = modalitySplit(c);
        if (split) { info.push(split); }
        if (c.attribution) { info.push("according to " + c.attribution); }
        if (c.time) { info.push(c.time); }
        if (c.historical) { info.push("historical"); }
        if (c.conflicting) { info.push("conflicting reports"); }
        card.appendChild(el("div", "gb-claim-info", info.join(" \u00b7 ")));
        if (c.conflicting) {
          // Both sides of a contested claim, side by side.
          var sides = el("div", "gb-sides");
          [["for", function (m) { return d.negative.indexOf(m) < 0; }],
           ["against", function (m) { return d.negative.indexOf(m) >= 0; }]].forEach(function (side) {
            var col = el("div", "gb-side gb-side-" + side[0]);
            col.appendChild(el("div", "gb-side-title", side[0] === "for" ? "says so" : "denies / negates"));
            var ul = el("ul", "gb-evs");
            best(c.ev.filter(function (ev) { return side[1](ev.mod || c.modality); })).forEach(function (ev) {
              ul.appendChild(self.evidenceItem(ev, c.ev.length > 1));
            });
            col.appendChild(ul);
            sides.appendChild(col);
          });
          card.appendChild(sides);
        } else {
          var ul = el("ul", "gb-evs");
          best(c.ev).forEach(function (ev) { ul.appendChild(self.evidenceItem(ev, c.ev.length > 1)); });
          card.appendChild(ul);
        }
        if (c.ev.length > POPUP_EXCERPTS) {
          var all = el("button", "gb-show-all", "show all " + c.ev.length + " excerpts");
          all.type = "button";
          all.addEventListener("click", function () { self.showEvidence(i, p.c.indexOf(c)); });
          card.appendChild(all);
        }
        claims.appendChild(card);
      });
      box.appendChild(claims);
    } else if (hidden) {
      // Every claim is below the threshold: a place only mentioned, with links to where.
      box.appendChild(el("div", "gb-claim-info", "mentioned (no claim at confidence " +
        this.threshold.toFixed(2) + " or more)"));
      var where = this.mentionLinks(i);
      if (where.length) {
        var line = el("div", "gb-ev-src gb-mentioned-in", "mentioned in: ");
        where.forEach(function (link, k) {
          if (k) { line.appendChild(document.createTextNode(", ")); }
          line.appendChild(link);
        });
        box.appendChild(line);
      }
    } else {
      box.appendChild(el("div", "gb-claim-info", "mentioned (no status claim)"));
      var ul = el("ul", "gb-evs");
      p.x.forEach(function (x) {
        var li = el("li", "gb-ev");
        li.appendChild(self.excerpt(x[0], x[1], x[2], x[3], x[4], null));
        var a = d.articles[x[0]];
        if (a) {
          var src = el("div", "gb-ev-src");
          src.appendChild(self.passageLink(x[0], x[1], articleName(a)));
          li.appendChild(src);
        }
        ul.appendChild(li);
      });
      box.appendChild(ul);
    }
    if (hidden) {
      box.appendChild(el("p", "gb-conf-hidden", plural(hidden, "claim", "claims") + " below confidence " +
        this.threshold.toFixed(2) + " hidden"));
    }
    // Where the point comes from: the gazetteer's name, the source of the coordinates, the confidence.
    var loc = [];
    if (p.d) { loc.push("gazetteer name: " + p.n); }
    if (p.src !== undefined && d.sources && d.sources[p.src]) { loc.push("location: " + d.sources[p.src]); }
    if (p.conf) { loc.push("location confidence " + p.conf.toFixed(2)); }
    if (loc.length) { box.appendChild(el("p", "gb-ploc", loc.join(" \u00b7 "))); }
    return box;
  };

  // The excerpts a popup shows: the most confident first (the page keeps the full list).
  function best(evs) {
    return evs.map(function (ev, k) { return [ev, k]; }).sort(function (x, y) {
      var a = hasConf(x[0].cf) ? x[0].cf : 0, b = hasConf(y[0].cf) ? y[0].cf : 0;
      return b - a || x[1] - y[1];
    }).slice(0, POPUP_EXCERPTS).map(function (x) { return x[0]; });
  }

  // "2 reported, 1 asserted": how the sources word a merged claim (null when they agree).
  function modalitySplit(c) {
    var counts = {}, order = [];
    c.ev.forEach(function (ev) {
      var m = ev.mod || c.modality;
      if (!counts[m]) { counts[m] = 0; order.push(m); }
      counts[m]++;
    });
    if (order.length < 2) { return null; }
    order.sort(function (a, b) { return counts[b] - counts[a]; });
    return order.map(function (m) { return counts[m] + " " + m; }).join(", ");
  }

  // Every excerpt of one claim, in the panel, PAGE at a time.
  Controller.prototype.showEvidence = function (i, ci, page, refresh) {
    var p = this.d.places[i], c = p && p.c[ci], self = this;
    if (!c || !this.panel) { return null; }
    this.evidenceArgs = [i, ci, page];
    if (!refresh) { this.openPanel(true); }
    page = Math.max(0, Math.min(page || 0, Math.ceil(c.ev.length / PAGE) - 1));
    var box = this.evidenceBox;
    if (!box) {
      box = this.evidenceBox = el("section", "gb-evidence");
      this.panelBody.insertBefore(box, this.panelBody.firstChild);
    }
    box.textContent = "";
    var head = el("h3", null, shownName(p) + ": " + c.label + " \u2014 " + plural(c.ev.length, "excerpt", "excerpts"));
    var close = el("button", "gb-ev-close", "\u00d7");
    close.type = "button";
    close.title = "close the list";
    close.addEventListener("click", function () { box.remove(); self.evidenceBox = null; });
    head.appendChild(close);
    box.appendChild(head);
    var from = page * PAGE, to = Math.min(c.ev.length, from + PAGE);
    var ul = el("ol", "gb-evs gb-ev-all");
    ul.start = from + 1;
    c.ev.slice(from, to).forEach(function (ev) { ul.appendChild(self.evidenceItem(ev, true)); });
    box.appendChild(ul);
    var nav = el("div", "gb-pager");
    var prev = el("button", "gb-prev", "\u2039 previous"), next = el("button", "gb-next", "next \u203a");
    prev.type = next.type = "button";
    prev.disabled = page === 0;
    next.disabled = to >= c.ev.length;
    prev.addEventListener("click", function () { self.showEvidence(i, ci, page - 1); });
    next.addEventListener("click", function () { self.showEvidence(i, ci, page + 1); });
    nav.appendChild(prev);
    nav.appendChild(el("span", "gb-page", (from + 1) + "\u2013" + to + " of " + c.ev.length));
    nav.appendChild(next);
    box.appendChild(nav);
    if (!refresh) { this.panelBody.scrollTop = 0; }
    return box;
  };

  // Links to the first mention of place i in each article that names it (in the panel).
  Controller.prototype.mentionLinks = function (i) {
    var d = this.d, self = this, out = [];
    d.places[i].ar.forEach(function (ai) {
      var a = d.articles[ai];
      if (!a || !self.panel) { return; }
      for (var k = 0; k < a.marks.length; k++) {
        var m = a.marks[k];
        if (m[2] === i && self.ensureArticle(ai) && self.panel.querySelector("#" + CSS.escape(self.anchorId(ai, m[0], "m")))) {
          out.push(self.passageLink(ai, m[0], articleName(a), "m"));
          return;
        }
      }
    });
    return out;
  };

  /* ------------------------------------------------------ the page's data */
  // A page's payload is a JSON data block (read by id).  A big briefing's block holds it
  // deflate-compressed and base64-encoded ("packed": the payload without the article texts, its
  // evidence items as rows of values, and the texts in UTF-8 in blocks of about 1 MB, "tb" bytes
  // per article); see payload.page_data in Python.  The first block is inflated before the map
  // is drawn, the others after it, one at a time (or at once when a popup or the panel needs
  // one); an article's text is decoded when first read.
  function readData(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function base64Bytes(s) {
    if (typeof Uint8Array.fromBase64 === "function") { return Uint8Array.fromBase64(s); }
    var bin = atob(s), n = bin.length, out = new Uint8Array(n);
    for (var i = 0; i < n; i++) { out[i] = bin.charCodeAt(i); }
    return out;
  }

  function inflate(b64) {
    var stream = new Blob([base64Bytes(b64)]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return new Response(stream).arrayBuffer().then(function (buf) { return new Uint8Array(buf); });
  }

  // The article texts of a packed page, block by block.
  function TextStore(packed, articles) {
    var self = this, ai = 0;
    this.blocks = [];
    this.where = [];  // article -> [block, first byte]
    packed.blocks.forEach(function (count, k) {
      var pos = 0;
      for (var j = 0; j < count; j++, ai++) { self.where.push([k, pos]); pos += articles[ai].tb; }
      self.blocks.push({ b64: packed.texts[k], bytes: null, wait: null, from: ai - count, to: ai });
    });
    this.articles = articles;
    this.cache = {};
    this.onBlock = null;   // called with a block's index once it is inflated
    this.left = this.blocks.length;
  }

  TextStore.prototype.load = function (k) {
    var block = this.blocks[k], self = this;
    if (!block.wait) {
      block.wait = inflate(block.b64).then(function (bytes) {
        block.bytes = bytes;
        block.b64 = null;
        self.left--;
        if (self.onBlock) { self.onBlock(k); }
        return k;
      });
    }
    return block.wait;
  };

  // Article ai's text, or null while its block is still compressed (asking for it).
  TextStore.prototype.text = function (ai) {
    if (this.cache[ai] !== undefined) { return this.cache[ai]; }
    var w = this.where[ai], block = w && this.blocks[w[0]];
    if (!block) { return ""; }
    if (!block.bytes) { this.load(w[0]); return null; }
    var t = new TextDecoder().decode(block.bytes.subarray(w[1], w[1] + this.articles[ai].tb));
    this.cache[ai] = t;
    return t;
  };

  // Every block, one after the other, each in a task of its own a moment after the last (a
  // reader's pan, click or scroll goes first; a block needed at once is loaded at once, see
  // text()).  Not requestIdleCallback: a busy or hidden page may not call it for a minute.
  function whenIdle(f) { setTimeout(f, 30); }
  TextStore.prototype.loadAll = function () {
    var self = this, k = 0;
    function next() {
      while (k < self.blocks.length && self.blocks[k].bytes) { k++; }
      if (k < self.blocks.length) { self.load(k).then(function () { whenIdle(next); }); }
    }
    whenIdle(next);
  };

  // A claim's evidence (one flat row of values, the k-th row of the packed "ev") becomes objects
  // when first read (a popup, "show all"); empty while the rows are still compressed.
  function lazyEvidence(c, keys, claimIndex, rows) {
    var objs = null, n = keys.length;
    Object.defineProperty(c, "ev", { enumerable: true, configurable: true, get: function () {
      if (!rows.list) { return []; }
      if (!objs) {
        var row = rows.list[claimIndex];
        objs = [];
        for (var i = 0; i + n <= row.length; i += n) {
          var ev = {};
          for (var k = 0; k < n; k++) { ev[keys[k]] = row[i + k]; }
          objs.push(ev);
        }
      }
      return objs;
    } });
  }

  // The articles of a packed page come as columns ("ac"; marks and passages flat): each article
  // is a small object whose fields are read from the columns.
  function columnArticles(cols) {
    function Article(i) { this.i = i; }
    Object.keys(cols).forEach(function (key) {
      var col = cols[key], width = key === "marks" ? 3 : (key === "passages" ? 2 : 0);
      Object.defineProperty(Article.prototype, key, { get: width ? function () {
        var memo = "_" + key;
        if (!this[memo]) {
          var flat = col[this.i], out = [];
          for (var j = 0; j + width <= flat.length; j += width) { out.push(flat.slice(j, j + width)); }
          this[memo] = out;
        }
        return this[memo];
      } : function () { return col[this.i]; } });
    });
    var out = [], n = cols.id.length;
    for (var i = 0; i < n; i++) { out.push(new Article(i)); }
    return out;
  }

  function unpack(packed) {
    return inflate(packed.data).then(function (bytes) {
      var data = JSON.parse(new TextDecoder().decode(bytes));
      data.articles = columnArticles(data.ac);
      delete data.ac;
      var rows = { list: null, wait: null }, k = 0;
      data.places.forEach(function (p) { p.c.forEach(function (c) { lazyEvidence(c, data.evk, k++, rows); }); });
      // The evidence rows: inflated once the map is drawn, or at once when a popup needs them.
      data.evidence = {
        ready: function () { return !!rows.list; },
        load: function () {
          if (!rows.wait) {
            rows.wait = inflate(packed.ev).then(function (bytes) { rows.list = JSON.parse(new TextDecoder().decode(bytes)); });
          }
          return rows.wait;
        }
      };
      var store = new TextStore(packed, data.articles);
      return (store.blocks.length ? store.load(0) : Promise.resolve()).then(function () {
        data.texts = store;
        return data;
      });
    });
  }

  // options.deferred: layers added to options.map once the briefing's view is fitted (see
  // Controller.attach); at once when the briefing cannot be drawn.
  function addNow(options) {
    var layers = (options && options.deferred) || [];
    layers.forEach(function (layer) { if (options.map) { layer.addTo(options.map); } });
  }

  /* ------------------------------------------------------------ public API */
  var api = window.geobrief = {
    version: 1,
    // data: the payload, or the id of its data block; a packed payload is drawn once inflated.
    load: function (data, group, options) {
      if (typeof data === "string") { data = readData(data); }
      if (!data) { addNow(options); return null; }
      if (data.packed) {
        if (typeof DecompressionStream !== "function") {
          console.error("geobrief: this browser cannot open a compressed briefing (no DecompressionStream)");
          addNow(options);
          return null;
        }
        var id = data.id;
        unpack(data.packed).then(function (full) {
          full.id = id;
          api.load(full, group, options);
        }, function (err) {
          console.error("geobrief: the briefing's data cannot be read:", err);
          addNow(options);
        });
        return null;
      }
      var ctl = new Controller(data, group);
      ctl.fitOnAttach = !!(options && options.fit);
      ctl.deferred = (options && options.deferred) || null;
      controllers[data.id] = ctl;
      (pending[data.id] || []).forEach(function (f) { ctl.facet(f[0], f[1], f[2]); });
      delete pending[data.id];
      if (group._map) { ctl.attach(group._map); }
      return ctl;
    },
    facet: function (id, dim, key, group) {
      if (controllers[id]) { controllers[id].facet(dim, key, group); }
      else { (pending[id] || (pending[id] = [])).push([dim, key, group]); }
    },
    controller: function (id) { return controllers[id] || null; },
    // Index of the place with this id, gazetteer name or shown name (case-insensitive), else -1.
    find: function (ctl, query) {
      var q = String(query).toLowerCase(), places = ctl.d.places;
      for (var i = 0; i < places.length; i++) {
        var p = places[i];
        if (p.id === query || p.n.toLowerCase() === q || (p.d && p.d.toLowerCase() === q)) { return i; }
      }
      return -1;
    },
    controllers: function () { return Object.keys(controllers).map(function (k) { return controllers[k]; }); }
  };
})();
