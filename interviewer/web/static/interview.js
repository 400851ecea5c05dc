// The interview page: a visible timer, a word count, the question read aloud, and recording
// with MediaRecorder; on it and on the scorecard, forms that send an answer once.
// Everything works without this script too: the forms post as usual.
(function () {
  "use strict";
  var status = document.getElementById("status");
  function say(text) { if (status) { status.textContent = text; } }
  function fmt(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  // Timer: starts when the question is shown; announced politely at 2 and 3 minutes only,
  // so a screen reader is not interrupted every second.
  var started = Date.now();
  var timer = document.getElementById("timer");
  var announced = {};
  function elapsed() { return (Date.now() - started) / 1000; }
  function tick() {
    var e = elapsed();
    if (timer) { timer.textContent = fmt(e); }
    if (e >= 120 && !announced[120]) { announced[120] = true; say("Two minutes: time to land the result."); }
    if (e >= 180 && !announced[180]) { announced[180] = true; say("Three minutes: wrap up now."); }
  }
  setInterval(tick, 1000);
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("input.elapsed").forEach(function (input) { input.value = elapsed().toFixed(1); });
    });
  });

  // Word count against the target the page was given (from rubrics/star.yaml).
  var answer = document.getElementById("answer");
  var count = document.getElementById("word-count");
  if (answer && count) {
    answer.addEventListener("input", function () {
      var words = answer.value.trim().split(/\s+/).filter(Boolean).length;
      count.textContent = words + (words === 1 ? " word" : " words") + " (target " + (count.dataset.target || "") + ")";
    });
  }

  // Play the question aloud: the server's speech endpoint when one is configured, else the
  // browser's own speech synthesis. If the endpoint fails (a 503, a network error), the
  // browser reads the question instead, with a short notice, and the endpoint is not
  // asked again on this page.
  var play = document.getElementById("play-question");
  var box = document.querySelector(".speech");
  if (play && box) {
    var url = box.getAttribute("data-speech-url");
    var textEl = document.getElementById(box.getAttribute("data-speech-text-id"));
    var player = document.getElementById("question-audio");
    var canSynthesise = "speechSynthesis" in window && "SpeechSynthesisUtterance" in window;
    var readInBrowser = function (notice) {
      if (!canSynthesise) {
        say("Could not play the question audio. Read the question above.");
        return;
      }
      window.speechSynthesis.cancel();
      var u = new SpeechSynthesisUtterance(textEl ? textEl.textContent : "");
      u.lang = document.documentElement.lang || "en";
      window.speechSynthesis.speak(u);
      say(notice || "Reading the question aloud.");
    };
    var serverFailed = function () {
      url = "";
      readInBrowser("The server's voice is not available, so your browser reads the question instead.");
    };
    if (url || canSynthesise) {
      play.hidden = false;
      play.addEventListener("click", function () {
        if (!url) {
          readInBrowser("");
          return;
        }
        player.src = url;
        player.play().then(function () { say("Playing the question."); }, function (err) {
          if (err && err.name === "AbortError") {
            return;  // a second click started a new load; that one reports
          }
          if (err && err.name === "NotAllowedError") {
            say("Could not play the question audio.");
          } else {
            serverFailed();
          }
        });
      });
    }
  }

  // Record with MediaRecorder; the recording fills the file input, and the form uploads it.
  var recorder = document.querySelector(".recorder");
  var fileInput = document.getElementById("audio");
  var audioForm = document.getElementById("audio-form");
  if (recorder && fileInput && navigator.mediaDevices && window.MediaRecorder && window.DataTransfer) {
    recorder.hidden = false;
    var startBtn = document.getElementById("record-start");
    var stopBtn = document.getElementById("record-stop");
    var preview = document.getElementById("recording-preview");
    var rec = null, chunks = [], recStarted = 0;
    startBtn.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
        chunks = [];
        rec = new MediaRecorder(stream);
        rec.addEventListener("dataavailable", function (ev) { if (ev.data.size) { chunks.push(ev.data); } });
        rec.addEventListener("stop", function () {
          stream.getTracks().forEach(function (t) { t.stop(); });
          var type = (rec.mimeType || "audio/webm").split(";")[0];
          var ext = type.indexOf("ogg") >= 0 ? "ogg" : (type.indexOf("mp4") >= 0 ? "m4a" : "webm");
          var file = new File(chunks, "answer." + ext, { type: type });
          var dt = new DataTransfer();
          dt.items.add(file);
          fileInput.files = dt.files;
          preview.src = URL.createObjectURL(file);
          preview.hidden = false;
          say("Recording stopped after " + fmt((Date.now() - recStarted) / 1000) +
              ". Listen back, then upload the recording or record again.");
        });
        rec.start();
        recStarted = Date.now();
        startBtn.disabled = true;
        stopBtn.disabled = false;
        stopBtn.focus();
        say("Recording. Press Stop recording when you are done.");
      }, function (err) {
        say("The microphone is not available (" + err.name + "). You can type your answer instead.");
      });
    });
    stopBtn.addEventListener("click", function () {
      if (rec && rec.state !== "inactive") { rec.stop(); }
      stopBtn.disabled = true;
      startBtn.disabled = false;
      startBtn.textContent = "Record again";
    });
  }
  if (audioForm) {
    audioForm.addEventListener("submit", function () {
      say("Uploading and transcribing your answer. This can take a little while.");
    });
  }

  // One request per answer: a form with data-busy-label (the answer, the follow-up, the
  // upload) disables its submit button on the first submit, shows the label and is
  // aria-busy, and drops every further submit, so a double click sends one request. The
  // server keeps the first answer anyway. Back from the back/forward cache it is usable.
  var SUBMITS = "button:not([type]), button[type=submit], input[type=submit]";
  var busyForms = document.querySelectorAll("form[data-busy-label]");
  function setBusy(form, submitter) {
    form.setAttribute("data-submitting", "");
    form.setAttribute("aria-busy", "true");
    var buttons = form.querySelectorAll(SUBMITS);
    var shown = submitter && form.contains(submitter) ? submitter : buttons[0];
    // Disabled here, the button is left out of the form data: these buttons have no name.
    buttons.forEach(function (b) {
      b.disabled = true;
      if (b === shown) {
        b.setAttribute("aria-busy", "true");
        if (b.tagName === "INPUT") {
          b.setAttribute("data-idle-label", b.value);
          b.value = form.getAttribute("data-busy-label");
        } else {
          b.setAttribute("data-idle-label", b.textContent);
          b.textContent = form.getAttribute("data-busy-label");
        }
      }
    });
  }
  function setIdle(form) {
    form.removeAttribute("data-submitting");
    form.removeAttribute("aria-busy");
    form.querySelectorAll(SUBMITS).forEach(function (b) {
      b.disabled = false;
      b.removeAttribute("aria-busy");
      if (b.hasAttribute("data-idle-label")) {
        if (b.tagName === "INPUT") { b.value = b.getAttribute("data-idle-label"); }
        else { b.textContent = b.getAttribute("data-idle-label"); }
        b.removeAttribute("data-idle-label");
      }
    });
  }
  busyForms.forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (form.hasAttribute("data-submitting")) {
        ev.preventDefault();  // already sent: this one would replace it with a second request
        return;
      }
      if (ev.defaultPrevented) { return; }  // not being sent after all
      setBusy(form, ev.submitter || null);
    });
  });
  window.addEventListener("pageshow", function (ev) {
    if (ev.persisted) { busyForms.forEach(setIdle); }
  });
})();
