/* Plan ouvert: no other site may show these pages inside a frame (clickjacking).
 *
 * Hosts that send HTTP headers get `frame-ancestors 'none'` from _headers; GitHub Pages sends
 * none and ignores frame-ancestors in a <meta> policy. This file, loaded in <head> before the
 * page is drawn, hides the whole page when its top window is on another origin (a sandboxed
 * frame counts as another origin). The plans' summary cards, under integrer/, are made to be
 * framed: they do not load it.
 *
 * Without JavaScript nothing is hidden: visitors without scripts keep the whole site, and a
 * frame sandboxed without scripts shows a page that has no form, no account and no action
 * (see the README, « Vie privée, sécurité et accessibilité »).
 */
(function () {
  "use strict";
  if (window.self === window.top) {
    return;
  }
  var sameOrigin = false;
  try {
    sameOrigin = window.top.location.origin === window.location.origin;
  } catch (error) {
    sameOrigin = false; // reading another origin's address throws
  }
  if (!sameOrigin) {
    document.documentElement.setAttribute("data-cadre-refuse", "");
    document.documentElement.style.setProperty("display", "none", "important");
  }
})();
