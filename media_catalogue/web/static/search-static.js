// Search in the browser, for a static copy of the site (media-catalogue export): a static host serves the search
// page whatever its query string says, so when the address holds a query the page was not rendered for, the
// catalogue's list of documents (/search/index.json) is searched here, the way the server searches: every word of
// the query must begin a word of the document (accents and case folded), title matches first, then the newest.
// Text goes into the page through textContent only.
(function () {
  "use strict";
  var box = document.getElementById("static-search");
  if (!box || !window.fetch || !window.URLSearchParams) return;
  var query = (new URLSearchParams(window.location.search).get("q") || "").trim();
  if (!query || query === box.getAttribute("data-query")) return; // the server answered it

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function words(text) {
    return fold(text).match(/[\p{L}\p{N}]+/gu) || [];
  }
  function matches(haystack, wanted) {
    return wanted.every(function (w) {
      return haystack.some(function (h) { return h.indexOf(w) === 0; });
    });
  }

  var wanted = words(query).slice(0, 12);
  var field = document.getElementById("q");
  if (field) field.value = query;
  var header = document.getElementById("site-search");
  if (header) header.value = query;
  var prefix = (window.location.pathname.match(/^\/(en|fr|nl)\//) || ["", ""])[0].replace(/\/$/, "");
  var status = box.querySelector("h2");
  var list = box.querySelector("ul");
  var kinds = JSON.parse(box.getAttribute("data-kinds") || "{}");
  var language = document.documentElement.lang || "en";

  function count(n) {
    var one = new Intl.PluralRules(language).select(n) === "one";
    return one ? box.getAttribute("data-one").replace("1", n) : box.getAttribute("data-other").replace("2", n);
  }

  function show(found) {
    status.textContent = count(found.length);
    found.slice(0, 100).forEach(function (entry) {
      var item = document.createElement("li");
      item.className = "item";
      var title = document.createElement("h3");
      title.className = "item-title";
      var link = document.createElement("a");
      link.href = prefix + entry.path;
      link.textContent = entry.title;
      if (entry.language) link.lang = entry.language;
      title.appendChild(link);
      var meta = document.createElement("p");
      meta.className = "meta";
      meta.textContent = (kinds[entry.kind] || entry.kind) + (entry.context ? " · " + entry.context : "");
      item.appendChild(title);
      item.appendChild(meta);
      if (entry.text) {
        var text = document.createElement("p");
        text.className = "summary";
        text.textContent = entry.text;
        if (entry.language) text.lang = entry.language;
        item.appendChild(text);
      }
      list.appendChild(item);
    });
    box.hidden = false;
  }

  fetch(box.getAttribute("data-index"), { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    })
    .then(function (index) {
      var ranked = [];
      index.entries.forEach(function (entry, position) {
        var inTitle = words(entry.title);
        var all = inTitle.concat(words(entry.context + " " + entry.text + " " + entry.people));
        if (!wanted.length || !matches(all, wanted)) return;
        ranked.push({ entry: entry, title: matches(inTitle, wanted) ? 0 : 1, position: position });
      });
      ranked.sort(function (a, b) { return a.title - b.title || a.position - b.position; });
      show(ranked.map(function (r) { return r.entry; }));
    })
    .catch(function () {
      status.textContent = box.getAttribute("data-failed");
      box.hidden = false;
    });
})();
