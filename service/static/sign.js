/* The signing forms (the signer's page, the staff's document page): the error summary, the
 * choice typed-or-drawn, the drawing pad and its check before sending, one submission at a time.
 * Without JavaScript the page still works: the choice and the pad stay hidden, and the typed
 * name signs. */
(function () {
  "use strict";

  // The server refuses larger drawings (service/signers/signature_image.py).
  var MAX_WIDTH = 2000;
  var MAX_HEIGHT = 1000;
  // The server's floors, measured the same way on the pad's pixels: that many dark pixels, and
  // the ink's bounding box spanning, on its longer side, that share of the pad's height.
  var MIN_INK_PIXELS = 20;
  var MIN_EXTENT = 0.15;
  var MIN_EXTENT_PIXELS = 12;
  var INK_LEVEL = 160;
  // The pen's travel, in CSS pixels, below which new strokes are a tap or a tick.
  var MIN_TRAVEL = 40;
  var INSTEAD = document.getElementById("signature-choice")
    ? "ou choisissez « Signer en tapant mon nom »."
    : "ou effacez le cadre : votre nom saisi suffit alors.";
  var EMPTY = "Votre signature dessinée est vide. Dessinez-la dans le cadre, " + INSTEAD;
  var TOO_SMALL =
    "Votre signature dessinée est trop petite : un point ou un petit trait ne suffit pas. " +
    "Dessinez-la en plus grand dans le cadre, " + INSTEAD;

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
  var messages = document.getElementById("signature-messages");
  var choice = document.getElementById("signature-choice"); // the signer's page only
  var drawnChoice = document.getElementById("method-drawn");
  if (!form || !block || !canvas || !field || typeof window.SignaturePad !== "function") {
    return;
  }

  var pad = new window.SignaturePad(canvas, {
    minWidth: 1,
    maxWidth: 3,
    penColor: "rgb(0, 0, 0)",
    backgroundColor: "rgba(0, 0, 0, 0)"
  });
  var drawnWidth = 0;
  // A drawing the server accepted before an error, as it sent it back: drawn again on the pad.
  var restored = field.value || null;

  // Sharp lines on high-density screens: the canvas holds devicePixelRatio pixels per CSS pixel,
  // within the server's limits.
  function fit() {
    var width = canvas.offsetWidth;
    var height = canvas.offsetHeight;
    if (!width || !height || width === drawnWidth) {
      return; // hidden, or phones resizing the window as the address bar hides: keep the drawing
    }
    var ratio = Math.min(window.devicePixelRatio || 1, MAX_WIDTH / width, MAX_HEIGHT / height);
    var strokes = pad.toData();
    canvas.width = Math.floor(width * ratio);
    canvas.height = Math.floor(height * ratio);
    canvas.getContext("2d").scale(ratio, ratio);
    pad.clear();
    drawnWidth = width;
    if (restored) {
      pad.fromDataURL(restored, { ratio: ratio, width: width, height: height }).then(function () {
        pad.fromData(strokes, { clear: false });
      });
    } else {
      pad.fromData(strokes);
    }
  }

  function drawing() {
    return !drawnChoice || drawnChoice.checked;
  }

  function showChoice() {
    block.hidden = !drawing();
    fit();
  }

  function say(message) {
    messages.textContent = "";
    if (message) {
      var line = document.createElement("p");
      line.className = "fr-message fr-message--error";
      line.textContent = message;
      messages.appendChild(line);
      canvas.setAttribute("aria-invalid", "true");
    } else {
      canvas.removeAttribute("aria-invalid");
    }
    block.classList.toggle("fr-input-group--error", Boolean(message));
  }

  // The dark pixels once the drawing is laid on white paper, as the server counts them.
  function ink() {
    var pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    var count = 0;
    var left = canvas.width;
    var top = canvas.height;
    var right = -1;
    var bottom = -1;
    for (var i = 0; i < pixels.length; i += 4) {
      var alpha = pixels[i + 3] / 255;
      var grey = 0.299 * pixels[i] + 0.587 * pixels[i + 1] + 0.114 * pixels[i + 2];
      if (grey * alpha + 255 * (1 - alpha) < INK_LEVEL) {
        var x = (i / 4) % canvas.width;
        var y = Math.floor(i / 4 / canvas.width);
        count += 1;
        left = Math.min(left, x);
        right = Math.max(right, x);
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
      }
    }
    var extent = count ? Math.max(right - left + 1, bottom - top + 1) : 0;
    return { count: count, extent: extent };
  }

  function travel() {
    var length = 0;
    pad.toData().forEach(function (stroke) {
      for (var i = 1; i < stroke.points.length; i += 1) {
        var a = stroke.points[i - 1];
        var b = stroke.points[i];
        length += Math.sqrt((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y));
      }
    });
    return length;
  }

  function refusal() {
    var found = ink();
    if (found.count < MIN_INK_PIXELS) {
      return EMPTY;
    }
    if (found.extent < Math.max(MIN_EXTENT_PIXELS, MIN_EXTENT * canvas.height)) {
      return TOO_SMALL;
    }
    if (!restored && travel() < MIN_TRAVEL) {
      return TOO_SMALL;
    }
    return null;
  }

  if (choice) {
    choice.hidden = false;
    Array.prototype.forEach.call(form.elements.signature_method, function (radio) {
      radio.addEventListener("change", showChoice);
    });
  }
  showChoice();
  window.addEventListener("resize", fit);
  pad.addEventListener("endStroke", function () {
    say(null);
  });

  clear.addEventListener("click", function () {
    pad.clear();
    restored = null;
    field.value = "";
  });

  form.addEventListener("submit", function (event) {
    // The staff's page has no choice: there the drawing is optional, an empty pad signs typed.
    var optional = !choice && pad.isEmpty() && !restored;
    if (!drawing() || optional) {
      field.value = "";
    } else {
      var problem = refusal();
      if (problem) {
        event.preventDefault();
        say(problem);
        canvas.focus();
        return;
      }
      field.value = pad.toDataURL("image/png");
    }
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
