/* List-page enhancement: filter the cards of this page by facet. The page
   works fully without it (browse pages offer the same facets). */
(function () {
  'use strict';
  var form = document.getElementById('list-filters');
  if (!form || !document.querySelectorAll) return;
  var cards = Array.prototype.slice.call(document.querySelectorAll('.card[data-facets]'));
  var status = form.querySelector('.filter-status');
  function facetsOf(card) {
    var out = {};
    (card.getAttribute('data-facets') || '').split(';').forEach(function (kv) {
      var i = kv.indexOf('=');
      if (i > 0) (out[kv.slice(0, i)] = out[kv.slice(0, i)] || []).push(kv.slice(i + 1));
    });
    return out;
  }
  var data = cards.map(facetsOf);
  function apply() {
    var selects = form.querySelectorAll('select');
    var shown = 0;
    cards.forEach(function (card, n) {
      var ok = true;
      for (var i = 0; i < selects.length; i++) {
        var v = selects[i].value;
        if (v && (data[n][selects[i].name] || []).indexOf(v) < 0) { ok = false; break; }
      }
      card.hidden = !ok;
      if (ok) shown++;
    });
    if (status) status.textContent = '本页显示 ' + shown + ' / ' + cards.length + ' 条';
  }
  form.hidden = false;
  form.addEventListener('change', apply);
  form.addEventListener('submit', function (e) { e.preventDefault(); });
})();
