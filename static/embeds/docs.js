/* The components' documentation page: "Copy the code" buttons (progressive enhancement: the
 * code stays selectable in its <pre> without JavaScript). The messages come translated from the
 * page (data-copied, data-copy-failed) and are announced by a status region. */
(function () {
  "use strict";

  function announce(button, message) {
    var status = document.querySelector('[data-copy-status="' + button.getAttribute("data-copy") + '"]');
    if (status) {
      status.textContent = "";
      // A fresh text each time, so that a second copy is announced as well.
      window.setTimeout(function () { status.textContent = message; }, 50);
    }
  }

  function selectText(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy]");
    if (!button) {
      return;
    }
    var code = document.getElementById(button.getAttribute("data-copy"));
    if (!code) {
      return;
    }
    var failed = function () {
      selectText(code);
      announce(button, button.getAttribute("data-copy-failed"));
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(code.textContent).then(function () {
        announce(button, button.getAttribute("data-copied"));
      }, failed);
    } else {
      failed();
    }
  });
})();
