// chengguo serve: live reload and the error overlay. Added to every page by
// the preview server only (never part of the built portal).
(function () {
  "use strict";
  var me = document.currentScript;
  var m = me && /[?&]g=(\d+)/.exec(me.src);
  var shown = m ? Number(m[1]) : -1;
  // The search export this page reads; a search page reloads for a newer one.
  var ms = me && /[?&]s=(\d+)/.exec(me.src);
  var searchShown = ms ? Number(ms[1]) : 0;
  var isSearch = !!document.getElementById("search-results");
  // The page the server sends while no build has succeeded yet.
  var broken = document.getElementById("chengguo-broken");
  var KEY = "chengguo-errors-collapsed";
  var box = null;

  function el(tag, css, text) {
    var e = document.createElement(tag);
    if (css) e.style.cssText = css;
    if (text) e.textContent = text;
    return e;
  }

  // The errors grouped by file: the file once, then "行:列 message".
  function list(errors) {
    var wrap = el("div", "");
    var groups = [];
    errors.forEach(function (e) {
      var g = groups[groups.length - 1];
      if (!g || g.path !== e.path) { g = { path: e.path, items: [] }; groups.push(g); }
      g.items.push(e);
    });
    groups.forEach(function (g) {
      var file = el("div", "font-weight:bold;margin-top:4px;word-break:break-all");
      file.className = "chengguo-file";
      file.appendChild(el("code", "font-family:Consolas,monospace", g.path));
      wrap.appendChild(file);
      var ul = el("ul", "margin:0;padding-left:18px");
      g.items.forEach(function (e) {
        var li = el("li", "");
        if (e.line) {
          var at = el("code", "font-family:Consolas,monospace;background:#fde;padding:0 4px", e.line + ":" + e.col);
          at.title = "第 " + e.line + " 行第 " + e.col + " 列";
          li.appendChild(at);
          li.appendChild(document.createTextNode(" "));
        }
        li.appendChild(document.createTextNode(e.message));
        ul.appendChild(li);
      });
      wrap.appendChild(ul);
    });
    return wrap;
  }

  function collapsed() {
    try { return sessionStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }

  function overlay(s) {
    var errors = s.errors;
    if (box) { box.remove(); box = null; }
    if (!errors.length) return;
    box = el("div", "position:fixed;left:0;right:0;bottom:0;max-height:35vh;display:flex;flex-direction:column;" +
      "z-index:2147483647;background:#fff5f5;color:#611;border-top:4px solid #c0392b;box-sizing:border-box;" +
      "font:13px/1.5 system-ui,'Microsoft YaHei',sans-serif;padding:6px 12px;box-shadow:0 -2px 12px rgba(0,0,0,.2)");
    box.id = "chengguo-errors";
    box.setAttribute("role", "alert");
    var bar = el("div", "display:flex;gap:8px;align-items:flex-start;flex:none");
    var h = el("strong", "flex:1", s.generation > 0
      ? "内容有 " + errors.length + " 个错误，页面仍显示上一次成功生成的结果。修正后会自动刷新："
      : "内容有 " + errors.length + " 个错误，预览还没有成功生成过。修正后预览会自动出现：");
    bar.appendChild(h);
    var btn = el("button", "flex:none;font:inherit;padding:0 8px;cursor:pointer;border:1px solid #c0392b;background:#fff;color:#611;border-radius:3px");
    btn.type = "button";
    btn.id = "chengguo-errors-toggle";
    bar.appendChild(btn);
    box.appendChild(bar);
    var body = list(errors);
    body.id = "chengguo-errors-list";
    body.style.cssText = "overflow:auto;min-height:0;flex:1 1 auto";
    box.appendChild(body);
    function apply() {
      var c = collapsed();
      body.style.display = c ? "none" : "";
      btn.textContent = c ? "展开" : "收起";
      btn.setAttribute("aria-expanded", c ? "false" : "true");
    }
    btn.addEventListener("click", function () {
      try { sessionStorage.setItem(KEY, collapsed() ? "0" : "1"); } catch (e) { /* private mode */ }
      apply();
    });
    apply();
    document.body.appendChild(box);
  }

  function onStatus(s) {
    if (s.generation > shown && (s.errors.length === 0 || broken)) {
      location.reload();
      return;
    }
    if (isSearch && !broken && s.search > searchShown) {
      location.reload();
      return;
    }
    if (broken) {
      // Keep the error page's list current.
      var lead = document.getElementById("chengguo-broken-lead");
      var old = document.getElementById("chengguo-broken-list");
      if (lead) lead.textContent = s.errors.length
        ? "内容有 " + s.errors.length + " 个错误，网站还没有成功生成过，所以暂时没有页面可看。请按下面列出的文件和位置（行:列）修正；保存后预览会自动出现在这里，不用刷新。"
        : "预览正在生成……";
      if (old) {
        var fresh = list(s.errors);
        fresh.id = "chengguo-broken-list";
        old.replaceWith(fresh);
      }
      broken.setAttribute("data-errors", String(s.errors.length));
      return;
    }
    overlay(s);
  }

  if (!window.EventSource) return;
  // One event stream per visible tab: browsers allow only six connections
  // per server, so hidden tabs let go of theirs and catch up when shown.
  var es = null;
  function connect() {
    if (es) return;
    es = new EventSource("/__chengguo/events");
    es.addEventListener("status", function (ev) {
      try { onStatus(JSON.parse(ev.data)); } catch (e) { /* ignore */ }
    });
  }
  function disconnect() {
    if (es) { es.close(); es = null; }
  }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) disconnect(); else connect();
  });
  if (!document.hidden) connect();
})();
