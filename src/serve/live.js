// chengguo serve: live reload and the error overlay. Added to every page by
// the preview server only (never part of the built portal).
(function () {
  "use strict";
  var me = document.currentScript;
  var m = me && /[?&]g=(\d+)/.exec(me.src);
  var shown = m ? Number(m[1]) : -1;
  var box = null;

  function overlay(errors) {
    if (box) { box.remove(); box = null; }
    if (!errors.length) return;
    box = document.createElement("div");
    box.id = "chengguo-errors";
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;left:0;right:0;bottom:0;max-height:60vh;overflow:auto;" +
      "z-index:2147483647;background:#fff5f5;color:#611;border-top:4px solid #c0392b;" +
      "font:14px/1.6 system-ui,'Microsoft YaHei',sans-serif;padding:12px 16px;box-shadow:0 -2px 12px rgba(0,0,0,.2)";
    var h = document.createElement("strong");
    h.textContent = "内容有 " + errors.length + " 个错误，页面仍显示上一次成功生成的结果。修正后会自动刷新：";
    box.appendChild(h);
    var ul = document.createElement("ul");
    ul.style.cssText = "margin:6px 0 0;padding-left:20px";
    errors.forEach(function (e) {
      var li = document.createElement("li");
      var where = document.createElement("code");
      where.textContent = e.line ? e.path + ":" + e.line + ":" + e.col : e.path;
      where.style.cssText = "font-family:Consolas,monospace;background:#fde;padding:0 4px";
      li.appendChild(where);
      li.appendChild(document.createTextNode(" " + e.message));
      ul.appendChild(li);
    });
    box.appendChild(ul);
    document.body.appendChild(box);
  }

  function onStatus(s) {
    if (s.generation > shown && s.errors.length === 0) {
      location.reload();
      return;
    }
    overlay(s.errors);
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
