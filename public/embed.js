/*! bluezone-portal embed.js: inserts a venue's install card where this script tag stands.
 * <script src="https://portal.example/embed.js" data-venue="noi-bai-airport" data-lang="en" async></script>
 * data-venue (required): the venue id; data-lang (optional): the card's language;
 * data-title (optional): the frame's title until the card names itself. Sets no cookies. */
(function () {
  'use strict';
  var d = document;

  function mount(script) {
    if (script.getAttribute('data-bz-card')) return;
    script.setAttribute('data-bz-card', '1');
    var venue = script.getAttribute('data-venue');
    if (!venue) {
      console.warn('bluezone embed.js: add data-venue="<venue id>" to the script tag');
      return;
    }
    // The card sits next to this script on the portal, wherever the portal is mounted.
    var url = new URL('v/' + encodeURIComponent(venue) + '/card', script.src);
    var lang = script.getAttribute('data-lang');
    if (lang) url.searchParams.set('lang', lang);
    var frame = d.createElement('iframe');
    frame.src = url.href;
    frame.title = script.getAttribute('data-title') || 'Wi-Fi';
    frame.referrerPolicy = 'no-referrer';
    frame.style.cssText = 'display:block;width:100%;max-width:32rem;height:30rem;border:0;margin:0 auto';
    script.parentNode.insertBefore(frame, script);
    addEventListener('message', function (event) {
      var data = event.data;
      // Only this card's own messages: from its window, from the portal's origin.
      if (event.source !== frame.contentWindow || event.origin !== url.origin) return;
      if (!data || data.bzCard !== 1) return;
      var height = Math.ceil(Number(data.height));
      if (height > 0 && height < 5000) frame.style.height = height + 'px';
      if (typeof data.title === 'string' && data.title) frame.title = data.title.slice(0, 200);
    });
  }

  var current = d.currentScript;
  if (current && current.getAttribute('data-venue') !== null) mount(current);
  else {
    // Without document.currentScript (old browsers, loaders): every tag not yet handled.
    var all = d.querySelectorAll('script[data-venue][src]');
    for (var i = 0; i < all.length; i++) if (/\/embed\.js(\?|#|$)/.test(all[i].src)) mount(all[i]);
  }
})();
