/* The signer's page: the drawing pad, the error summary, one submission at a time.
 * Without JavaScript the page still works: the pad stays hidden and the typed name signs. */
(function () {
  "use strict";

  // The server refuses larger drawings (service/signature_image.py).
  var MAX_WIDTH = 2000;
  var MAX_HEIGHT = 1000;

  var summary = document.getElementById("erreurs");
  if (summary) {
    summary.focus();
  }

  var form = document.getElementById("signature-form");
  var block = document.getElementById("signature-pad");
  var canvas = document.getElementById("signature-canvas");
  var field = document.getElementById("signature");
  var clear = document.getElementById("signature-clear");
  var submit = document.getElementById("signature-submit");
  if (!form || !block || !canvas || !field || typeof window.SignaturePad !== "function") {
    return;
  }

  block.hidden = false;
  var pad = new window.SignaturePad(canvas, {
    minWidth: 1,
    maxWidth: 3,
    penColor: "rgb(0, 0, 0)",
    backgroundColor: "rgba(0, 0, 0, 0)"
  });
  var drawnWidth = 0;

  // Sharp lines on high-density screens: the canvas holds devicePixelRatio pixels per CSS pixel,
  // within the server's limits.
  function fit() {
    var width = canvas.offsetWidth;
    var height = canvas.offsetHeight;
    if (!width || !height || width === drawnWidth) {
      return; // phones resize the window when the address bar hides: keep the drawing
    }
    var ratio = Math.min(window.devicePixelRatio || 1, MAX_WIDTH / width, MAX_HEIGHT / height);
    var strokes = pad.toData();
    canvas.width = Math.floor(width * ratio);
    canvas.height = Math.floor(height * ratio);
    canvas.getContext("2d").scale(ratio, ratio);
    pad.clear();
    pad.fromData(strokes);
    drawnWidth = width;
  }

  fit();
  window.addEventListener("resize", fit);

  clear.addEventListener("click", function () {
    pad.clear();
    field.value = "";
  });

  form.addEventListener("submit", function () {
    field.value = pad.isEmpty() ? "" : pad.toDataURL("image/png");
    if (submit) {
      submit.disabled = true; // a double tap must not post twice
    }
  });

  // Coming back with the browser's "back" button shows the page as it was left.
  window.addEventListener("pageshow", function () {
    if (submit) {
      submit.disabled = false;
    }
  });
})();
