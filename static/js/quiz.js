/* Quiz attempts: save each answer as the learner picks it, and show the time left.
 *
 * Progressive enhancement only: without this file the "Save and continue later" and
 * "Submit my answers" buttons do the same work, and the server enforces the deadline.
 * Messages come from data- attributes (translated in the template); no inline script (CSP).
 */
(function () {
  "use strict";

  const QUESTION_NAME = /^q(\d+)$/;

  function autosave(form) {
    const url = form.dataset.autosaveUrl;
    const status = document.getElementById("autosave-status");
    const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    const token = form.querySelector("input[name=token]").value;
    const dirty = new Set();
    let inFlight = false;
    let closed = false;
    let retryTimer = null;

    function show(state, message) {
      form.dataset.autosaveState = state; // "saving", "saved", "error" (tests wait on it)
      if (status && message) {
        status.textContent = message;
      }
    }

    function answersOf(names) {
      const answers = {};
      for (const name of names) {
        const id = QUESTION_NAME.exec(name)[1];
        answers[id] = Array.from(
          form.querySelectorAll(`input[name="${name}"]:checked`),
          (input) => input.value,
        );
      }
      return answers;
    }

    // One request at a time, so answers can never arrive out of order; changes made while
    // a request is in flight are sent right after it.
    async function flush() {
      if (inFlight || closed || dirty.size === 0) {
        return;
      }
      clearTimeout(retryTimer);
      inFlight = true;
      const names = Array.from(dirty);
      dirty.clear();
      show("saving", form.dataset.msgSaving);
      let retry = false;
      try {
        const response = await fetch(url, {
          method: "POST",
          credentials: "same-origin",
          headers: {
            "Content-Type": "application/json",
            Accept: "application/json",
            "X-CSRFToken": csrf,
          },
          body: JSON.stringify({ token: token, answers: answersOf(names) }),
        });
        const type = response.headers.get("Content-Type") || "";
        const data = type.includes("application/json") ? await response.json() : {};
        if (response.ok && data.saved) {
          show(dirty.size ? "saving" : "saved", form.dataset.msgSaved);
        } else if (data.error) {
          // The server refused (time up, submitted, altered page): retrying cannot help.
          closed = Boolean(data.closed);
          show("error", data.error);
        } else if (response.status >= 500) {
          retry = true; // a server hiccup: keep the answers and try again
        } else {
          // Signed out (the login page came back), or the page is out of date.
          show("error", form.dataset.msgFailed);
        }
      } catch (error) {
        retry = true;
      }
      inFlight = false;
      if (retry) {
        names.forEach((name) => dirty.add(name));
        show("error", form.dataset.msgOffline);
        retryTimer = setTimeout(flush, 5000);
      } else {
        flush();
      }
    }

    form.addEventListener("change", (event) => {
      if (QUESTION_NAME.test(event.target.name || "")) {
        dirty.add(event.target.name);
        flush();
      }
    });
  }

  function clock(seconds) {
    const hours = Math.floor(seconds / 3600);
    const minutes = Math.floor((seconds % 3600) / 60);
    const secs = String(seconds % 60).padStart(2, "0");
    return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${secs}` : `${minutes}:${secs}`;
  }

  function countdown(timer) {
    const output = timer.querySelector("[data-timer-output]");
    const announce = timer.querySelector("[data-timer-announce]");
    const form = document.getElementById(timer.dataset.form);
    // A monotonic clock from the seconds the server counted: the device's time does not matter.
    const end = performance.now() + Number(timer.dataset.secondsLeft) * 1000;
    const said = new Set();
    let submitted = false;
    let interval = null;

    function say(key, message) {
      if (!said.has(key) && announce && message) {
        said.add(key);
        announce.textContent = message;
      }
    }

    function tick() {
      const left = Math.max(0, Math.ceil((end - performance.now()) / 1000));
      output.textContent = clock(left);
      if (left <= 300 && left > 60) {
        say("five", timer.dataset.msgFiveMinutes);
      }
      if (left <= 60) {
        timer.classList.replace("alert-info", "alert-danger");
        say("one", timer.dataset.msgOneMinute);
      }
      if (left === 0 && !submitted && form) {
        submitted = true;
        clearInterval(interval);
        say("up", timer.dataset.msgTimeUp);
        const flag = document.createElement("input");
        flag.type = "hidden";
        flag.name = "timeout";
        flag.value = "1";
        form.appendChild(flag);
        form.requestSubmit(form.querySelector("button[name=action][value=submit]"));
      }
    }

    interval = setInterval(tick, 250);
    tick();
  }

  const form = document.querySelector("form[data-autosave-url]");
  if (form) {
    autosave(form);
  }
  const timer = document.querySelector("[data-seconds-left]");
  if (timer) {
    countdown(timer);
  }
})();
