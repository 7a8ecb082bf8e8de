// A light touch: progress polling, copy buttons. Every page works without it
// (progress pages say to reload).
"use strict";

const FINISHED = new Set(["succeeded", "failed", "cancelled"]);

function poll(box, update, done) {
  const url = box.dataset.stateUrl;
  if (!url || FINISHED.has(box.dataset.state)) return;
  const tick = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const data = await response.json();
        update(data);
        if (FINISHED.has(data.state)) return done(data);
      }
    } catch (_) {
      // The server may be restarting: try again.
    }
    setTimeout(tick, 1000);
  };
  tick();
}

function text(id, value) {
  const el = document.getElementById(id);
  if (el && value !== undefined && value !== null) el.textContent = value;
}

function showError(id, message) {
  const el = document.getElementById(id);
  if (el && message) {
    el.textContent = message;
    el.hidden = false;
  }
}

function watchJob() {
  const box = document.getElementById("job");
  if (!box) return;
  poll(
    box,
    (data) => {
      const p = data.progress || {};
      text("job-state", data.state);
      text("job-missing", p.missing);
      text("job-objective", p.objective);
      text("job-bound", p.bound);
      text("job-solutions", p.solutions);
      text("job-elapsed", p.elapsed);
      const bar = document.getElementById("job-progress");
      if (bar && p.elapsed !== undefined) bar.value = p.elapsed;
    },
    (data) => {
      const cancel = document.getElementById("job-cancel");
      if (cancel) cancel.hidden = true;
      if (data.state === "succeeded" && data.next) {
        window.location.assign(data.next);
      } else {
        showError("job-error", data.error || "The job " + data.state + ".");
      }
    },
  );
}

function watchWhatIf() {
  const box = document.getElementById("run");
  if (!box) return;
  poll(
    box,
    (data) => {
      const p = data.progress || {};
      text("run-state", data.state);
      text("run-done", p.done);
      text("run-total", p.total);
      text("run-now", p.now ? "(" + p.now + ")" : "");
      const bar = document.getElementById("run-progress");
      if (bar && p.total) {
        bar.max = p.total;
        bar.value = p.done || 0;
      }
    },
    (data) => {
      if (data.state === "succeeded") window.location.reload();
      else showError("run-error", data.error || "The what-if " + data.state + ".");
    },
  );
}

function copyButtons() {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.addEventListener("click", async () => {
      const input = document.getElementById(button.dataset.copy);
      const status = button.parentElement.querySelector(".copied");
      try {
        await navigator.clipboard.writeText(input.value);
      } catch (_) {
        input.select();
        document.execCommand("copy");
      }
      if (status) status.textContent = "Copied";
    });
  }
}

// Forms whose effect reaches other people (publishing, approving a swap) ask first.
function confirmations() {
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
}

// The what-if builder: each change row shows the fields its kind uses (all of them
// without JavaScript, each labelled).
function builderRows() {
  for (const row of document.querySelectorAll("[data-change]")) {
    const kind = row.querySelector("select[data-kind]");
    const show = () => {
      for (const part of row.querySelectorAll("[data-for]")) {
        part.hidden = !part.dataset.for.split(" ").includes(kind.value);
      }
    };
    kind.addEventListener("change", show);
    show();
  }
}

document.addEventListener("DOMContentLoaded", () => {
  watchJob();
  watchWhatIf();
  copyButtons();
  confirmations();
  builderRows();
});
