/* Plan ouvert: the search worker. It speaks the protocol of Material's own worker (SETUP,
   READY, QUERY, RESULT), so the theme's search box, keyboard handling and result list are
   unchanged; but instead of building a lunr index from every page, it loads for each query
   only the index fragments that hold the query's words, then the documents of the best
   results (see src/plan_ouvert/outputs/search.py, which writes them). Fragments are scripts:
   importScripts loads them in a worker, and Material's iframe-worker shim loads them as script
   elements in the offline copy opened from disk. */
(function () {
  "use strict";

  var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
  var MAX_PAGES = 40;        /* result pages shown (each with the sections holding the words) */
  var MAX_SECTIONS = 4;      /* sections shown under a page */
  var MAX_WORDS = 6;         /* query words looked up */
  var MAX_TERM_FRAGMENTS = 10;
  var PREFIX_WEIGHT = 0.6;   /* « benevole » finds « benevoles », below an exact match */
  var PAIR_WEIGHT = 1.5;     /* two query words side by side in a page */

  var manifest = null;
  var stopWords = {};
  var fragments = {};
  var root = siteRoot();

  self.planOuvertRecherche = {
    fragment: function (name, data) { fragments[name] = data; }
  };

  /* The site's root: two folders above this script (assets/javascripts/). In the offline
     copy the shim runs this file in an iframe whose address is the page's: the script
     element names this file. */
  function siteRoot() {
    var here = self.location.href;
    if (typeof document !== "undefined") {
      var script = document.querySelector("script[src]");
      if (script) here = script.src.split("?")[0];
    }
    return new URL("../../", here).href;
  }

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/œ/g, "oe").replace(/Œ/g, "OE").replace(/æ/g, "ae").replace(/Æ/g, "AE")
      .toLowerCase();
  }

  function words(text) {
    return (fold(text).match(/[\p{L}\p{N}]+/gu) || []).filter(function (w) {
      return (w.length > 1 || /^\d$/.test(w)) && !stopWords[w];
    });
  }

  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }

  /* Plain text → HTML with the words that start with a query word marked, as Material does. */
  function highlight(text, queryWords) {
    var out = "", last = 0, match;
    var pattern = /[\p{L}\p{N}]+/gu;
    while ((match = pattern.exec(text)) !== null) {
      var folded = fold(match[0]);
      var hit = queryWords.some(function (w) { return folded.indexOf(w) === 0; });
      if (!hit) continue;
      out += escapeHtml(text.slice(last, match.index)) +
        "<mark data-md-highlight>" + escapeHtml(match[0]) + "</mark>";
      last = match.index + match[0].length;
    }
    return out + escapeHtml(text.slice(last));
  }

  function load(names) {
    var missing = names.filter(function (name) { return !(name in fragments); });
    if (!missing.length) return Promise.resolve();
    var urls = missing.map(function (name) {
      return root + "search/" + manifest.version + "/" + name + ".js";
    });
    /* Synchronous in a worker; a promise with the iframe shim. */
    return Promise.resolve(importScripts.apply(self, urls));
  }

  /* The fragment whose range holds `term`: the last one starting at or before it. */
  function fragmentOf(term) {
    var starts = manifest.starts, low = 0, high = starts.length - 1;
    while (low < high) {
      var middle = (low + high + 1) >> 1;
      if (starts[middle] <= term) low = middle; else high = middle - 1;
    }
    return low;
  }

  function idf(df) {
    var n = manifest.pages;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  function decode(entry, visit) {
    var doc = 0;
    for (var i = 1; i < entry.length; i += 2) {
      doc += entry[i];
      visit(doc, entry[i + 1]);
    }
  }

  /* The fragments a query needs: each word's own, and the next one when a word is a prefix of
     terms beyond its range; then the pairs' fragments, within the budget. */
  function plan(query) {
    var needed = [];
    function need(n) { if (needed.indexOf(n) < 0 && needed.length < MAX_TERM_FRAGMENTS) needed.push(n); }
    query.forEach(function (w) {
      var first = fragmentOf(w), last = fragmentOf(w + "\uffff");
      need(first);
      if (w.length >= 3 && last > first) need(first + 1);
    });
    for (var i = 0; i + 1 < query.length; i++) need(fragmentOf(query[i] + " " + query[i + 1]));
    return needed;
  }

  function termsOf(names) {
    var terms = {};
    names.forEach(function (n) {
      var data = fragments["t" + n];
      for (var key in data) terms[key] = data[key];
    });
    return terms;
  }

  function rank(query, terms) {
    var scores = {}, matched = {}, required = 0;
    query.forEach(function (w, position) {
      var exact = terms[w];
      /* A word in nearly every page keeps only its best pages in the index: it adds to the
         score but is not required of a result. */
      var complete = !exact || 2 * exact[0] <= exact.length - 1;
      if (complete) required |= 1 << position;
      var best = {};
      Object.keys(terms).forEach(function (term) {
        if (term.indexOf(" ") >= 0) return;
        var weight;
        if (term === w) weight = 1;
        else if (w.length >= 3 && term.indexOf(w) === 0) weight = PREFIX_WEIGHT;
        else return;
        var rarity = idf(terms[term][0]) * weight;
        decode(terms[term], function (doc, impact) {
          var value = rarity * impact;
          if (!(doc in best) || best[doc] < value) best[doc] = value;
        });
      });
      Object.keys(best).forEach(function (doc) {
        scores[doc] = (scores[doc] || 0) + best[doc];
        matched[doc] = (matched[doc] || 0) | (1 << position);
      });
    });
    for (var i = 0; i + 1 < query.length; i++) {
      var pair = terms[query[i] + " " + query[i + 1]];
      if (!pair) continue;
      var rarity = idf(pair[0]) * PAIR_WEIGHT;
      decode(pair, function (doc, impact) {
        if (doc in scores) scores[doc] += rarity * impact;
      });
    }
    return Object.keys(scores).map(function (doc) {
      var found = matched[doc] & required, count = 0;
      for (var bits = found; bits; bits &= bits - 1) count++;
      return { doc: +doc, score: scores[doc], count: count, matched: matched[doc] };
    }).sort(function (a, b) { return b.count - a.count || b.score - a.score || a.doc - b.doc; });
  }

  function documentOf(doc) {
    var rows = fragments["d" + Math.floor(doc / manifest.per_fragment)];
    var row = rows[doc % manifest.per_fragment];
    return { location: row[0], title: row[1], text: row[2], parent: row[3] };
  }

  function fragmentsOf(docs) {
    var names = {};
    docs.forEach(function (doc) {
      if (doc < manifest.documents) names["d" + Math.floor(doc / manifest.per_fragment)] = 1;
    });
    return Object.keys(names);
  }

  /* A page's documents: itself, then its sections, which follow it. While the last document
     of a loaded fragment still belongs to the page, the next fragment is needed too. */
  function loadPages(pages) {
    var per = manifest.per_fragment, missing = {};
    pages.forEach(function (page) {
      var fragment = Math.floor(page / per);
      while (("d" + fragment) in fragments) {
        var last = Math.min((fragment + 1) * per, manifest.documents) - 1;
        if (last + 1 >= manifest.documents || documentOf(last).parent !== page) return;
        fragment++;
      }
      missing["d" + fragment] = 1;
    });
    var names = Object.keys(missing);
    if (!names.length) return Promise.resolve();
    return load(names).then(function () { return loadPages(pages); });
  }

  function loaded(doc) {
    return ("d" + Math.floor(doc / manifest.per_fragment)) in fragments;
  }

  function sectionsOf(page) {
    var found = [];
    for (var doc = page; doc < manifest.documents; doc++) {
      if (!loaded(doc)) break;
      var row = documentOf(doc);
      if (doc > page && row.parent !== page) break;
      found.push({ doc: doc, row: row });
    }
    return found;
  }

  function search(value) {
    var query = [];
    words(value).forEach(function (w) { if (query.indexOf(w) < 0 && query.length < MAX_WORDS) query.push(w); });
    if (!query.length) return Promise.resolve({ items: [] });
    var needed = plan(query), best;
    return load(needed.map(function (n) { return "t" + n; })).then(function () {
      best = rank(query, termsOf(needed)).slice(0, MAX_PAGES);
      var pages = best.map(function (hit) { return hit.doc; });
      return load(fragmentsOf(pages)).then(function () { return loadPages(pages); });
    }).then(function () {
      var top = best.length ? best[0].score : 1;
      var items = best.map(function (hit) {
        var score = hit.score / top, pageTerms = {}, pageCount = 0;
        query.forEach(function (q, position) {
          pageTerms[q] = !!(hit.matched & (1 << position));
          if (pageTerms[q]) pageCount++;
        });
        var parts = sectionsOf(hit.doc).map(function (part, position) {
          if (position === 0) {
            return {
              location: part.row.location, title: highlight(part.row.title, query),
              text: highlight(part.row.text, query), score: score, terms: pageTerms
            };
          }
          var here = {}, count = 0, terms = {};
          words(part.row.title + " " + part.row.text).forEach(function (w) {
            query.forEach(function (q) { if (w.indexOf(q) === 0) here[q] = true; });
          });
          query.forEach(function (q) { terms[q] = !!here[q]; if (here[q]) count++; });
          /* A section holding every word the page matched is shown under it; one holding
             some of them goes under « more on this page ». */
          return {
            location: part.row.location, title: highlight(part.row.title, query),
            text: highlight(part.row.text, query),
            score: pageCount ? score * Math.min(count / pageCount, 1) : 0,
            terms: count ? terms : {}
          };
        });
        var page = parts[0];
        var sections = parts.slice(1).filter(function (p) { return p.score > 0; })
          .sort(function (a, b) { return b.score - a.score; }).slice(0, MAX_SECTIONS);
        return [page].concat(sections);
      });
      return { items: items };
    });
  }

  function handle(message) {
    switch (message.type) {
      case SETUP:
        manifest = message.data.config.plan_ouvert;
        (manifest.stop_words || []).forEach(function (w) { stopWords[w] = true; });
        return Promise.resolve({ type: READY });
      case QUERY:
        return search(message.data).then(function (data) {
          return { type: RESULT, data: data };
        }, function (error) {
          console.warn("Recherche impossible : " + error);
          return { type: RESULT, data: { items: [] } };
        });
      default:
        return Promise.reject(new TypeError("Invalid message type"));
    }
  }

  /* Each keystroke is a query. A query starts once the keys have paused for PAUSE_MS (the
     letters typed before are not searched, and their fragments not loaded), and only the
     answer to the latest query is sent, so that a slower, older one never replaces it. */
  var PAUSE_MS = 250;
  var latest = 0;
  addEventListener("message", function (event) {
    var number = ++latest, message = event.data;
    function answer() {
      if (number !== latest) return;
      handle(message).then(function (reply) {
        if (reply.type !== RESULT || number === latest) postMessage(reply);
      });
    }
    if (message.type === QUERY) setTimeout(answer, PAUSE_MS); else answer();
  });
})();
