// Kiosk pages (the school's device handed to a signer): warn before the page closes for
// inactivity, then show the lock page. The server decides (the time of the kiosk's last request,
// COSIGNE_KIOSK_IDLE_MINUTES); this only tells the signer on time. A tap, a key or the button
// « Je suis encore là » is a request (GET /kiosque/present, at most every 30 seconds), so the
// signer who is reading or drawing keeps the page open.
(function () {
  "use strict";

  var box = document.getElementById("kiosque-inactivite");
  if (!box) {
    return;
  }
  var idle = Number(box.getAttribute("data-idle-seconds")) * 1000;
  var warnBefore = Math.min(60000, idle / 2);
  var lockUrl = box.getAttribute("data-lock-url");
  var pingUrl = box.getAttribute("data-still-here-url");
  var warnTimer = null;
  var closeTimer = null;
  var lastPing = Date.now();

  function close() {
    window.location.assign(lockUrl);
  }

  function restart() {
    window.clearTimeout(warnTimer);
    window.clearTimeout(closeTimer);
    box.hidden = true;
    warnTimer = window.setTimeout(function () {
      box.hidden = false;
    }, idle - warnBefore);
    closeTimer = window.setTimeout(close, idle);
  }

  function ping() {
    lastPing = Date.now();
    window.fetch(pingUrl, { credentials: "same-origin", cache: "no-store" }).then(
      function (response) {
        if (response.status === 204) {
          restart();
        } else {
          close();
        }
      },
      function () {}
    );
  }

  function activity() {
    if (!box.hidden || Date.now() - lastPing > 30000) {
      ping();
    }
  }

  document.getElementById("kiosque-encore-la").addEventListener("click", ping);
  ["pointerdown", "keydown", "input"].forEach(function (name) {
    document.addEventListener(name, activity, { passive: true });
  });
  restart();
})();
