(function () {
  "use strict";
  var prefix = "atlas-release:" + document.body.getAttribute("data-bundle") + ":";
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[type=checkbox][data-key]"));
  function load(key) { try { return window.localStorage.getItem(prefix + key) === "1"; } catch (e) { return false; } }
  function save(key, on) {
    try { if (on) { window.localStorage.setItem(prefix + key, "1"); } else { window.localStorage.removeItem(prefix + key); } } catch (e) { /* storage disabled: ticks last until reload */ }
  }
  function refresh() {
    var steps = 0, done = 0;
    boxes.forEach(function (box) {
      if (box.getAttribute("data-kind") !== "step") { return; }
      steps++;
      if (box.checked) { done++; }
      var card = box.closest("article.step");
      if (card) { card.classList.toggle("done", box.checked); }
    });
    var bar = document.getElementById("progress");
    bar.max = steps; bar.value = done;
    document.getElementById("progress-text").textContent = done + " of " + steps + " steps done";
  }
  boxes.forEach(function (box) {
    box.checked = load(box.getAttribute("data-key"));
    box.addEventListener("change", function () { save(box.getAttribute("data-key"), box.checked); refresh(); });
  });
  // "Hide done steps" is remembered like the ticks, under a key no box uses.
  var hide = document.getElementById("hide-done");
  hide.checked = load("view:hide-done");
  document.body.classList.toggle("hide-done", hide.checked);
  hide.addEventListener("change", function () {
    save("view:hide-done", hide.checked);
    document.body.classList.toggle("hide-done", hide.checked);
  });
  document.getElementById("reset").addEventListener("click", function () {
    if (!window.confirm("Clear every tick of this runbook?")) { return; }
    boxes.forEach(function (box) { box.checked = false; save(box.getAttribute("data-key"), false); });
    refresh();
  });
  refresh();
})();
