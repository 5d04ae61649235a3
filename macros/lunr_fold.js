/* Plan ouvert: accent-insensitive French search (appended to Material's lunr.fr at build time).
   « echeance » finds « échéance », « immigres » finds « immigrés », « oeuvre » finds « œuvre ». */
(function () {
  if (typeof lunr === "undefined" || !lunr.fr) { return; }
  var fold = function (text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/œ/g, "oe").replace(/Œ/g, "OE").replace(/æ/g, "ae").replace(/Æ/g, "AE")
      .replace(/[’‘]/g, "'").toLowerCase();
  };
  var foldToken = function (token) { return token.update(function (s) { return fold(s); }); };
  lunr.Pipeline.registerFunction(foldToken, "planOuvertFold");
  var french = lunr.fr;
  lunr.fr = function () {
    french.apply(this, arguments);
    this.pipeline.add(foldToken);
    this.searchPipeline.add(foldToken);
  };
  for (var key in french) {
    if (Object.prototype.hasOwnProperty.call(french, key)) { lunr.fr[key] = french[key]; }
  }
  /* Material's wildcard terms skip the search pipeline: fold the query itself too. */
  var search = lunr.Index.prototype.search;
  lunr.Index.prototype.search = function (query) { return search.call(this, fold(query)); };
})();
