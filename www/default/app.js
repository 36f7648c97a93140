// swhost default site: ask the server for this page again and show what it answered.
(function () {
  "use strict";
  var out = document.getElementById("check");
  if (!out || !window.fetch) return;
  out.textContent = "Checking\u2026";
  fetch(window.location.pathname, { method: "HEAD", cache: "no-store" })
    .then(function (response) {
      var server = response.headers.get("Server") || "unknown server";
      var type = response.headers.get("Content-Type") || "no type";
      out.textContent = "HTTP " + response.status + " from " + server + " (" + type + ").";
      out.className = response.ok ? "ok" : "bad";
    })
    .catch(function (error) {
      out.textContent = "The server did not answer: " + error;
      out.className = "bad";
    });
})();
