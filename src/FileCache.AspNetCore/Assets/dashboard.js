// FileCache dashboard. Plain script, no dependencies: it polls {base}/api/summary about once a second while the tab is
// visible, and renders with DOM nodes and textContent only (never parsing data as HTML), so keys and paths stay text.
(function () {
  "use strict";

  const base = document.body.dataset.base || "";
  const SVG = "http://www.w3.org/2000/svg";
  const state = { window: "5m", session: null, last: null, prev: null, timer: 0, busy: false, editing: false };
  const colors = { capacity: "#f87171", expired: "#f5b84a", removed: "#8b7cf6", replaced: "#38d9c9", invalidated: "#60a5fa" };
  const metricNames = { HitRatio: "hit ratio", CapacityEvictionsPerMinute: "capacity evictions/min", MemoryUsage: "memory use", LoadFailureRatio: "load failure ratio", AverageLoadSeconds: "mean load time" };
  const causeColors = ["#38d9c9", "#8b7cf6", "#f5b84a", "#60a5fa", "#f87171", "#34d399", "#fb7185"];

  // ---- helpers ------------------------------------------------------------------------------------------------
  function $(id) { return document.getElementById(id); }

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    if (props) {
      for (const [k, v] of Object.entries(props)) {
        if (v === undefined || v === null || v === false) continue;
        if (k === "text") node.textContent = String(v);
        else if (k === "class") node.className = v;
        else if (k === "style") node.style.cssText = v;
        else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
        else node.setAttribute(k, String(v));
      }
    }
    for (const c of children) if (c !== null && c !== undefined) node.append(c);
    return node;
  }

  function svg(tag, attrs) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    return node;
  }

  function setText(id, text) { const n = $(id); if (n && n.textContent !== text) n.textContent = text; }

  const nf = new Intl.NumberFormat("en-US");
  function num(n) { return nf.format(Math.round(n)); }
  function pct(r, d) { return r === null || r === undefined || isNaN(r) ? "–" : (r * 100).toFixed(d === undefined ? 1 : d) + "%"; }
  function bytes(b) {
    const u = ["B", "KiB", "MiB", "GiB", "TiB"];
    let i = 0;
    while (Math.abs(b) >= 1024 && i < u.length - 1) { b /= 1024; i++; }
    return (i === 0 ? String(Math.round(b)) : b.toFixed(b < 10 ? 2 : 1)) + " " + u[i];
  }
  function ms(v) {
    if (v === null || v === undefined || isNaN(v)) return "–";
    if (v <= 0.0005) return "< 1 µs";
    if (v < 1) return (v * 1000).toFixed(0) + " µs";
    if (v < 1000) return v.toFixed(v < 10 ? 2 : 1) + " ms";
    return (v / 1000).toFixed(2) + " s";
  }
  function time(t) { return new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" }); }
  function ago(t) {
    const s = Math.max(0, (Date.now() - new Date(t).getTime()) / 1000);
    if (s < 60) return Math.round(s) + " s ago";
    if (s < 3600) return Math.round(s / 60) + " min ago";
    return Math.round(s / 3600) + " h ago";
  }
  function span(seconds) {
    if (seconds <= 0) return "since the last snapshot";
    if (seconds < 120) return seconds + " s";
    if (seconds < 7200) return Math.round(seconds / 60) + " min";
    return Math.round(seconds / 3600) + " h";
  }

  function toast(text) {
    const t = $("toast");
    t.textContent = text;
    t.classList.add("show");
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => t.classList.remove("show"), 2600);
  }

  async function getJson(path) {
    const r = await fetch(base + path, { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" });
    if (!r.ok) throw new Error(path + ": HTTP " + r.status);
    return r.json();
  }

  async function post(path, body) {
    const headers = { "Content-Type": "application/json", Accept: "application/json" };
    if (state.session && state.session.antiforgeryHeader) headers[state.session.antiforgeryHeader] = state.session.antiforgeryToken;
    const r = await fetch(base + path, { method: "POST", credentials: "same-origin", headers, body: JSON.stringify(body || {}) });
    const data = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(data.detail || ("HTTP " + r.status));
    return data;
  }

  // ---- gauge and charts -----------------------------------------------------------------------------------------
  function gauge(ratio) {
    const g = $("hit-gauge");
    const r = 52, c = 2 * Math.PI * r;
    if (!g.firstChild) {
      const defs = svg("defs");
      const grad = svg("linearGradient", { id: "gg", x1: "0", y1: "0", x2: "1", y2: "1" });
      grad.append(svg("stop", { offset: "0%", "stop-color": "#38d9c9" }), svg("stop", { offset: "100%", "stop-color": "#8b7cf6" }));
      defs.append(grad);
      g.append(defs,
        svg("circle", { cx: 60, cy: 60, r, fill: "none", stroke: "#1b2744", "stroke-width": 11 }),
        svg("circle", { id: "gauge-arc", cx: 60, cy: 60, r, fill: "none", stroke: "url(#gg)", "stroke-width": 11, "stroke-linecap": "round", "stroke-dasharray": c, "stroke-dashoffset": c }));
    }
    const v = ratio === null || ratio === undefined ? 0 : Math.max(0, Math.min(1, ratio));
    $("gauge-arc").setAttribute("stroke-dashoffset", String(c * (1 - v)));
    $("gauge-arc").style.transition = "stroke-dashoffset .6s ease";
  }

  function chart(id, series, opts) {
    const root = $(id);
    const W = 600, H = 170, pad = 6;
    root.replaceChildren();
    const defs = svg("defs");
    for (const [gid, color] of [["g1", "#38d9c9"], ["g2", "#8b7cf6"]]) {
      const grad = svg("linearGradient", { id: gid, x1: "0", y1: "0", x2: "0", y2: "1" });
      grad.append(svg("stop", { offset: "0%", "stop-color": color, "stop-opacity": ".35" }), svg("stop", { offset: "100%", "stop-color": color, "stop-opacity": "0" }));
      defs.append(grad);
    }
    root.append(defs);
    for (let i = 1; i < 4; i++) root.append(svg("line", { class: "grid", x1: 0, x2: W, y1: (H * i) / 4, y2: (H * i) / 4 }));
    const all = series.flatMap(s => s.points);
    if (all.length < 2) {
      const t = svg("text", { x: W / 2, y: H / 2, "text-anchor": "middle", fill: "#8794b4", "font-size": 13 });
      t.textContent = "collecting history…";
      root.append(t);
      return;
    }
    const t0 = Math.min(...all.map(p => p.t)), t1 = Math.max(...all.map(p => p.t));
    const max = opts.max !== undefined ? opts.max : Math.max(1, ...all.map(p => p.v)) * 1.1;
    const x = t => ((t - t0) / Math.max(1, t1 - t0)) * W;
    const y = v => H - pad - (Math.max(0, v) / max) * (H - 2 * pad);
    for (const s of series) {
      const pts = s.points.filter(p => p.v !== null && p.v !== undefined);
      if (pts.length < 1) continue;
      const d = pts.map((p, i) => (i ? "L" : "M") + x(p.t).toFixed(1) + " " + y(p.v).toFixed(1)).join(" ");
      if (s.area) root.append(svg("path", { class: s.area, d: d + " L" + x(pts[pts.length - 1].t).toFixed(1) + " " + H + " L" + x(pts[0].t).toFixed(1) + " " + H + " Z" }));
      root.append(svg("path", { class: s.line, d }));
    }
    if (opts.threshold !== undefined && opts.threshold !== null) {
      root.append(svg("line", { class: "th", x1: 0, x2: W, y1: y(opts.threshold), y2: y(opts.threshold) }));
    }
    const axis = $(opts.axis);
    axis.replaceChildren(el("span", { text: time(t0) }), el("span", { text: opts.label(max) }), el("span", { text: time(t1) }));
  }

  // ---- rendering ------------------------------------------------------------------------------------------------
  function bars(id, entries, palette) {
    const root = $(id);
    const max = Math.max(1, ...entries.map(e => e[1]));
    const rows = entries.map(([name, n], i) => el("div", { class: "bar-row", "data-name": name },
      el("span", { class: "name", text: name }),
      el("div", { class: "track" }, el("div", { class: "fill", style: "width:" + (100 * n / max).toFixed(1) + "%;background:" + (palette[name] || causeColors[i % causeColors.length]) })),
      el("span", { class: "n", text: num(n) })));
    root.replaceChildren(...rows);
  }

  function renderKpis(s) {
    const windowRatio = s.history.hitRatio;
    gauge(windowRatio !== null ? windowRatio : s.totals.hitRatio);
    setText("hit-ratio", pct(windowRatio !== null ? windowRatio : (s.totals.hits + s.totals.misses ? s.totals.hitRatio : null)));
    setText("hit-window", windowRatio !== null ? ({ "5m": "last 5 min", "1h": "last hour", all: "all kept" })[s.window] : "since start");
    setText("hit-total", num(s.totals.hits) + " hits · " + num(s.totals.misses) + " misses · " + pct(s.totals.hitRatio) + " since start");

    setText("mem-bytes", bytes(s.budget.bytes));
    const bar = $("mem-bar");
    bar.style.width = Math.min(100, 100 * s.budget.usage).toFixed(1) + "%";
    bar.classList.toggle("hot", s.budget.usage > 0.9);
    const pressure = s.budget.effectiveBytes < s.budget.configuredBytes ? " (lowered from " + bytes(s.budget.configuredBytes) + " by memory pressure)" : "";
    setText("mem-foot", pct(s.budget.usage) + " of the " + bytes(s.budget.effectiveBytes) + " budget in force" + pressure);

    setText("hit-p50", s.hitLatency.count ? ms(s.hitLatency.p50) : "–");
    setText("hit-p99", s.hitLatency.count ? ms(s.hitLatency.p99) : "–");
    setText("hit-count", num(s.hitLatency.count) + " hits timed (sampled)");
    setText("load-p50", s.loadLatency.count ? ms(s.loadLatency.p50) : "–");
    setText("load-p99", s.loadLatency.count ? ms(s.loadLatency.p99) : "–");
    setText("load-count", num(s.loadLatency.count) + " loads · " + num(s.totals.loadFailures) + " failed");

    const requests = s.totals.hits + s.totals.misses;
    if (state.prev) {
      // Measured on the browser's clock between two answers: the server's clock may be a test's fake one.
      const dt = (state.receivedAt - state.prevReceivedAt) / 1000;
      const dr = requests - (state.prev.totals.hits + state.prev.totals.misses);
      if (dt > 0) setText("rps", num(dr / dt) + "/s");
    }
    setText("req-total", num(requests) + " requests since start");
    setText("entries", num(s.totals.entries));
    setText("entries-foot", num(s.totals.loads) + " loads · " + num(s.totals.rejected) + " rejected");
  }

  function renderCharts(s) {
    const pts = s.history.points.map(p => ({ t: new Date(p.at).getTime(), hit: p.hitRatio, bytes: p.bytes, budget: p.budgetBytes }));
    // The live point: the latest figures, so the lines move between history snapshots.
    const now = new Date(s.at).getTime();
    const lastSnap = s.history.points[s.history.points.length - 1];
    let liveHit = null;
    if (lastSnap && state.snapTotals) {
      const h = s.totals.hits - state.snapTotals.hits, m = s.totals.misses - state.snapTotals.misses;
      liveHit = h + m > 0 ? h / (h + m) : null;
    }
    if (pts.length && now > pts[pts.length - 1].t) pts.push({ t: now, hit: liveHit, bytes: s.budget.bytes, budget: s.budget.effectiveBytes });
    const rule = s.alerts.rules.find(r => r.metric === "HitRatio");
    chart("chart-hit", [{ points: pts.map(p => ({ t: p.t, v: p.hit })), line: "l1", area: "a1" }],
      { max: 1, threshold: rule ? rule.threshold : null, axis: "axis-hit", label: () => "0 – 100%" });
    chart("chart-bytes", [
      { points: pts.map(p => ({ t: p.t, v: p.bytes })), line: "l2", area: "a2" },
      { points: pts.map(p => ({ t: p.t, v: p.budget })), line: "l3" }],
      { axis: "axis-bytes", label: m => "max " + bytes(m) });
  }

  function renderEvictions(s) {
    bars("evictions", Object.entries(s.evictions).filter(([k]) => k !== "total"), colors);
    bars("invalidations", Object.entries(s.invalidations.byCause), {});
    const c = s.invalidations.counters;
    setText("inv-foot", num(c.requests) + " requests · " + num(c.watcherOverflows) + " watcher overflows · " + num(c.pollingFallbacks) + " polling fallbacks · " + num(c.staleServed) + " stale reads");
  }

  function renderAlerts(s) {
    const active = s.alerts.active;
    const loud = active.filter(a => !a.mutedUntil).length;
    const count = $("alert-count");
    count.textContent = String(loud);
    count.classList.toggle("bad", loud > 0);
    const list = active.length === 0
      ? [el("li", { class: "ok", text: "No active alert" })]
      : active.map(a => el("li", { class: a.mutedUntil ? "muted-alert" : "", "data-rule": a.alert.rule },
        el("strong", { text: a.alert.rule }),
        el("span", { text: (metricNames[a.alert.metric] || a.alert.metric) + " " + fmtMetric(a.alert.metric, a.alert.value) + " (threshold " + fmtMetric(a.alert.metric, a.alert.threshold) + ")" }),
        el("span", { class: "muted", text: "raised " + ago(a.alert.raisedAt) + (a.mutedUntil ? " · muted until " + time(a.mutedUntil) : "") })));
    $("alerts-active").replaceChildren(...list);
    const recent = s.alerts.recent.slice(0, 8).map(r => el("li", null,
      el("span", { class: "k-" + r.kind, text: r.kind }),
      el("span", { text: r.alert.rule }),
      el("span", { text: time(r.at) })));
    $("alerts-recent").replaceChildren(...(recent.length ? recent : [el("li", { text: "nothing yet" })]));
  }

  function fmtMetric(metric, v) {
    if (metric === "HitRatio" || metric === "MemoryUsage" || metric === "LoadFailureRatio") return pct(v);
    if (metric === "AverageLoadSeconds") return ms(v * 1000);
    return num(v) + "/min";
  }

  function renderProjects(s) {
    const actions = state.session && state.session.actionsEnabled;
    const rows = s.projects.map(p => {
      const c = p.counters;
      const act = actions ? el("button", { class: "small danger", type: "button", "data-project": p.name, text: "Invalidate", onclick: () => invalidate(p.name) }) : null;
      return el("tr", { "data-project": p.name },
        el("td", { text: p.name }),
        el("td", null, el("span", { class: "tag " + p.watch, text: p.watch })),
        el("td", null, el("div", { class: "ratio" }, el("div", { class: "track" }, el("div", { class: "fill", style: "width:" + (100 * c.hitRatio).toFixed(1) + "%" })), el("span", { text: pct(c.hitRatio, 0) }))),
        el("td", { class: "num", text: num(c.entries) }),
        el("td", { class: "num", text: bytes(c.bytes) }),
        el("td", { class: "num", text: num(c.loads) }),
        el("td", { class: "num", text: num(c.loadFailures) }),
        el("td", { class: "num", text: num(p.evictions) }),
        el("td", { class: "act" }, act));
    });
    $("projects").tBodies[0].replaceChildren(...rows);
  }

  function renderHotKeys(s) {
    const max = Math.max(1, ...s.hotKeys.map(h => h.estimatedHits));
    const items = s.hotKeys.map(h => el("li", { "data-key": h.key },
      el("span", { class: "key", title: h.key, text: h.key }),
      el("span", { class: "n", text: "≈ " + num(h.estimatedHits) }),
      el("div", { class: "track" }, el("div", { class: "fill", style: "width:" + (100 * h.estimatedHits / max).toFixed(1) + "%" }))));
    $("hotkeys").replaceChildren(...(items.length ? items : [el("li", { class: "empty", text: "no sampled hits yet" })]));
    setText("hot-note", s.authorized ? "Estimated from sampled hits." : "Keys are redacted: map the dashboard with RequireAuthorization(policy) to see them.");
  }

  function renderRecommendations(s) {
    const items = s.recommendations.map(r => el("div", { class: "rec", "data-code": r.code },
      el("span", { class: "code", text: r.code }),
      el("p", { text: r.advice }),
      el("p", { class: "ev", text: r.evidence })));
    $("recommendations").replaceChildren(...(items.length ? items : [el("p", { class: "empty", text: "Nothing to recommend: the figures look fine." })]));
  }

  function renderRules(s) {
    if (state.editing) return; // do not replace inputs under the user's cursor
    const actions = state.session && state.session.actionsEnabled;
    const rows = s.alerts.rules.map(r => {
      const cls = (r.changed ? "changed " : "") + (r.active ? "firing" : "");
      const when = (metricNames[r.metric] || r.metric) + " " + r.comparison + ", " + (r.windowSeconds > 0 ? "over " : "") + span(r.windowSeconds);
      if (!actions) {
        return el("tr", { class: cls, "data-rule": r.name },
          el("td", { text: r.name }), el("td", { text: when }),
          el("td", { text: fmtMetric(r.metric, r.threshold) }),
          el("td", { text: r.resolveThreshold === null ? "–" : fmtMetric(r.metric, r.resolveThreshold) }),
          el("td", { class: "act", text: r.mutedUntil ? "muted" : "" }));
      }
      const th = el("input", { type: "number", step: "any", value: r.threshold, "aria-label": r.name + " threshold", name: "threshold" });
      const rs = el("input", { type: "number", step: "any", value: r.resolveThreshold === null ? "" : r.resolveThreshold, "aria-label": r.name + " resolve threshold", name: "resolve" });
      for (const i of [th, rs]) {
        i.addEventListener("focus", () => { state.editing = true; });
        i.addEventListener("blur", () => { setTimeout(() => { state.editing = document.activeElement && document.activeElement.tagName === "INPUT"; }, 0); });
      }
      return el("tr", { class: cls, "data-rule": r.name },
        el("td", { text: r.name }), el("td", { text: when }),
        el("td", null, th), el("td", null, rs),
        el("td", { class: "act" },
          el("button", { class: "small", type: "button", text: "Save", "data-action": "save", onclick: () => saveRule(r.name, th.value, rs.value) }),
          r.changed ? el("button", { class: "small", type: "button", text: "Reset", "data-action": "reset", onclick: () => ruleAction(r.name, "reset") }) : null,
          r.mutedUntil
            ? el("button", { class: "small", type: "button", text: "Unmute", "data-action": "unmute", onclick: () => ruleAction(r.name, "unmute") })
            : el("button", { class: "small", type: "button", text: "Mute 1 h", "data-action": "mute", onclick: () => ruleAction(r.name, "mute", { minutes: 60 }) })));
    });
    $("rules").tBodies[0].replaceChildren(...rows);
    setText("rules-note", actions
      ? "Changes last until restart; the defaults stay in the options (• marks a changed rule)."
      : "Read-only: map the dashboard with RequireAuthorization(policy) to change thresholds and mute rules.");
  }

  function renderCluster(s) {
    const c = s.cluster;
    $("cluster").hidden = !c;
    $("single-node").hidden = !!c;
    if (!c) return;
    const pill = $("cluster-state");
    pill.textContent = c.error ? "unavailable" : c.isDegraded ? "degraded" : "healthy";
    pill.className = "pill " + (c.isDegraded ? "bad" : "ok");
    setText("cluster-node", c.nodeId || "–");
    setText("cluster-seq", num(c.appliedSequence) + " / " + num(c.latestSequence));
    setText("cluster-ack", (c.ackP50Ms === null ? "–" : ms(c.ackP50Ms)) + " / " + (c.ackP99Ms === null ? "–" : ms(c.ackP99Ms)));
    $("cluster-members").tBodies[0].replaceChildren(...c.members.map(m => el("tr", { "data-member": m.id },
      el("td", { text: m.id + (m.isSelf ? " (this node)" : "") }),
      el("td", { text: m.address || "–" }),
      el("td", null, el("span", { class: "tag " + (m.isAlive ? "watching" : "polling"), text: m.isAlive ? "alive" : "down" })),
      el("td", { text: m.lease }),
      el("td", { class: "num", text: num(m.appliedSequence) }))));
    $("cluster-owners").tBodies[0].replaceChildren(...c.ownership.map(o => el("tr", null,
      el("td", { text: o.scope }), el("td", { text: o.owner }), el("td", { text: o.mirrors.join(", ") || "–" }))));
    if (c.error) toast("Cluster: " + c.error);
  }

  function render(s) {
    // The live point's hit ratio is measured from the totals first seen after the latest snapshot (a snapshot carries
    // its interval's ratio, not the totals): it moves every second between snapshots.
    const lastSnapAt = s.history.points.length ? s.history.points[s.history.points.length - 1].at : null;
    if (lastSnapAt !== state.lastSnapAt) {
      state.lastSnapAt = lastSnapAt;
      state.snapTotals = { hits: s.totals.hits, misses: s.totals.misses };
    }
    renderKpis(s);
    renderCharts(s);
    renderEvictions(s);
    renderAlerts(s);
    renderProjects(s);
    renderHotKeys(s);
    renderRecommendations(s);
    renderRules(s);
    renderCluster(s);
  }

  // ---- actions --------------------------------------------------------------------------------------------------
  async function saveRule(name, threshold, resolve) {
    try {
      state.editing = false;
      await post("/api/alerts/rules/" + encodeURIComponent(name), { threshold: Number(threshold), resolveThreshold: resolve === "" ? null : Number(resolve) });
      toast("Saved " + name);
      refresh(true);
    } catch (e) { toast("Not saved: " + e.message); }
  }

  async function ruleAction(name, action, body) {
    try {
      await post("/api/alerts/rules/" + encodeURIComponent(name) + "/" + action, body);
      toast(name + ": " + action);
      refresh(true);
    } catch (e) { toast(action + " failed: " + e.message); }
  }

  async function invalidate(project) {
    try {
      const r = await post("/api/projects/" + encodeURIComponent(project) + "/invalidate");
      toast(project + ": " + num(r.invalidated) + " entries invalidated");
      refresh(true);
    } catch (e) { toast("Invalidation failed: " + e.message); }
  }

  // ---- the loop -------------------------------------------------------------------------------------------------
  function setLive(kind, text) {
    const p = $("live");
    p.className = "pill " + kind;
    p.textContent = text;
  }

  async function refresh(now) {
    clearTimeout(state.timer);
    if (document.hidden) { setLive("wait", "paused"); return; }
    if (state.busy && !now) return;
    state.busy = true;
    try {
      const s = await getJson("/api/summary?window=" + state.window);
      state.prev = state.last;
      state.prevReceivedAt = state.receivedAt;
      state.last = s;
      state.receivedAt = performance.now();
      render(s);
      setLive("live", "live");
      setText("updated", "updated " + time(s.at));
    } catch (e) {
      setLive("off", "offline");
      setText("updated", String(e.message || e));
    } finally {
      state.busy = false;
      state.timer = setTimeout(refresh, state.session ? state.session.refreshMs : 1000);
    }
  }

  async function start() {
    for (const b of $("windows").querySelectorAll("button")) {
      b.addEventListener("click", () => {
        state.window = b.dataset.window;
        for (const o of $("windows").querySelectorAll("button")) o.classList.toggle("on", o === b);
        state.prev = null;
        refresh(true);
      });
    }
    document.addEventListener("visibilitychange", () => { if (!document.hidden) refresh(true); });
    try {
      state.session = await getJson("/api/session");
      setText("viewer", state.session.authorized ? "authorised · actions on" : "local · read-only");
    } catch (e) {
      setText("viewer", "session unavailable");
    }
    refresh(true);
  }

  start();
})();
