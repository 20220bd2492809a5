// Drag and drop onto the evidence area: the files join the form's file input, so the
// plain form (which works without this script) sends them.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var drop = document.getElementById("drop");
  var input = document.getElementById("files");
  if (!drop || !input || typeof DataTransfer === "undefined") {
    return;
  }
  ["dragenter", "dragover"].forEach(function (name) {
    drop.addEventListener(name, function (event) {
      event.preventDefault();
      drop.classList.add("over");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    drop.addEventListener(name, function () {
      drop.classList.remove("over");
    });
  });
  drop.addEventListener("drop", function (event) {
    event.preventDefault();
    var all = new DataTransfer();
    Array.prototype.forEach.call(input.files, function (f) { all.items.add(f); });
    Array.prototype.forEach.call(event.dataTransfer.files, function (f) { all.items.add(f); });
    input.files = all.files;
    var note = drop.querySelector(".chosen") || document.createElement("p");
    note.className = "chosen";
    note.textContent = "已选 " + all.files.length + " 个文件，点“预览”上传";
    drop.appendChild(note);
  });
});
