/* Share kit: "Copy link" copies the tracked link and records the share in the background,
   without opening a tab. Without JavaScript (or without clipboard access) the button opens
   a page that shows the link to copy, and the share is recorded there. */
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy-link]").forEach(function (button) {
    var form = button.closest("form");
    var field = form && form.querySelector("[data-tracked-link]");
    var status = form && form.querySelector("[data-copy-status]");
    if (!field || !navigator.clipboard) {
      return;
    }
    button.addEventListener("click", function (event) {
      event.preventDefault();
      navigator.clipboard.writeText(field.value).then(function () {
        var data = new FormData(form);
        data.append("target", "link");
        fetch(form.action, {
          method: "POST",
          body: data,
          credentials: "same-origin",
          headers: { "X-Requested-With": "fetch" }
        });
        if (status) {
          status.textContent = button.dataset.copied || "✓";
        }
        field.select();
      }, function () {
        form.requestSubmit(button);
      });
    });
  });
})();
