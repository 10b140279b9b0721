/* global document, window, XMLHttpRequest */
/**
 * bluezone-portal hand-off for an OPNsense captive portal template (docs/gateways/opnsense.md).
 *
 * First load (OPNsense redirected here with ?redirurl=<host/path>): go to the portal with the zone
 * id, this page's origin and redirurl. Back from the portal (?bluezone=grant&zoneid=…&redirurl=…):
 * log on the way OPNsense's default template does, POST /api/captiveportal/access/logon/<zoneid>/
 * with empty user and password (form-encoded), and on clientState AUTHORIZED go on to redirurl.
 */
(function () {
  'use strict';
  var search = window.location.search || '';
  var meta = document.querySelector('meta[name="bluezone-portal"]');
  var portal = meta ? meta.getAttribute('content') || '' : '';
  var status = document.getElementById('bluezone-status');
  var failed = document.getElementById('bluezone-failed');
  var retry = document.getElementById('bluezone-retry');
  var onward = document.getElementById('bluezone-onward');

  /** A query value as written; `redirurl` runs to the end (OPNsense puts it last, unencoded). */
  function raw(name) {
    var re = name === 'redirurl' ? /[?&]redirurl=(.*)$/ : new RegExp('[?&]' + name + '=([^&#]*)');
    var m = re.exec(search);
    return m ? m[1] : '';
  }

  function decoded(name) {
    try {
      return decodeURIComponent(raw(name));
      // eslint-disable-next-line @typescript-eslint/no-unused-vars -- old WebKit lacks `catch {`
    } catch (e) {
      return '';
    }
  }

  /**
   * Older OPNsense writes js/zone.js (`var zoneid = N`); else the id carried through the portal;
   * else the port, since each zone's web server listens on 8000 + zone id (lighttpd-zone.conf).
   */
  function zoneId() {
    var fromFile = typeof window.zoneid === 'undefined' ? '' : String(window.zoneid);
    if (/^\d{1,2}$/.test(fromFile)) return fromFile;
    var carried = decoded('zoneid');
    if (/^\d{1,2}$/.test(carried)) return carried;
    var port = parseInt(window.location.port, 10) - 8000;
    return port >= 0 && port <= 19 ? String(port) : '0';
  }

  function handOff() {
    var origin = window.location.protocol + '//' + window.location.host;
    var target =
      portal +
      (portal.indexOf('?') < 0 ? '?' : '&') +
      'zoneid=' +
      encodeURIComponent(zoneId()) +
      '&origin=' +
      encodeURIComponent(origin) +
      '&redirurl=' +
      encodeURIComponent(raw('redirurl'));
    onward.setAttribute('href', target);
    window.location.replace(target);
  }

  function grant() {
    var landing = decoded('redirurl');
    var safe = /^https?:\/\/[^/\\]/i.test(landing);
    onward.setAttribute('href', safe ? landing : portal);

    function fail() {
      status.hidden = true;
      failed.hidden = false;
      retry.hidden = false;
    }

    function logon() {
      status.hidden = false;
      failed.hidden = true;
      retry.hidden = true;
      var xhr = new XMLHttpRequest();
      xhr.open('POST', '/api/captiveportal/access/logon/' + zoneId() + '/', true);
      xhr.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded; charset=UTF-8');
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.timeout = 15000;
      xhr.onload = function () {
        var state = '';
        try {
          state = JSON.parse(xhr.responseText).clientState;
          // eslint-disable-next-line @typescript-eslint/no-unused-vars -- old WebKit lacks `catch {`
        } catch (e) {
          state = '';
        }
        if (state === 'AUTHORIZED' && safe) window.location.replace(landing);
        else if (state === 'AUTHORIZED') status.textContent = 'OK';
        else fail();
      };
      xhr.onerror = fail;
      xhr.ontimeout = fail;
      xhr.send('user=&password=');
    }

    retry.addEventListener('click', logon);
    logon();
  }

  if (raw('bluezone') === 'grant') grant();
  else handOff();
})();
