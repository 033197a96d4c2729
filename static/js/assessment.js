// Capacity assessment page: save a row as soon as one of its fields changes.
// Progressive enhancement only: without JavaScript each row has its own Save button.
(function () {
  "use strict";
  var container = document.getElementById("assessment-rows");
  if (!container || !window.fetch || !window.FormData) {
    return;
  }
  var texts = {
    saving: container.getAttribute("data-saving-text"),
    saved: container.getAttribute("data-saved-text"),
    error: container.getAttribute("data-error-text")
  };
  var progress = document.getElementById("assessment-progress");
  var progressText = document.getElementById("assessment-progress-text");

  function save(form) {
    var status = form.querySelector("[data-autosave-status]");
    status.textContent = texts.saving;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
    })
      .then(function (response) {
        return response.json().then(function (data) {
          return { ok: response.ok, data: data };
        });
      })
      .then(function (result) {
        if (!result.ok || !result.data.saved) {
          status.textContent = texts.error;
          return;
        }
        status.textContent = texts.saved;
        if (progress) {
          progress.value = result.data.assessed;
          progress.max = result.data.total;
        }
        if (progressText) {
          progressText.textContent = result.data.progress_text;
        }
      })
      .catch(function () {
        status.textContent = texts.error;
      });
  }

  Array.prototype.forEach.call(container.querySelectorAll("form[data-autosave]"), function (form) {
    var timer = null;
    // form.elements includes the row's fields, which join the form with their form attribute.
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.type === "hidden" || field.type === "submit") {
        return;
      }
      field.addEventListener("change", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () { save(form); }, 250);
      });
    });
  });
})();
