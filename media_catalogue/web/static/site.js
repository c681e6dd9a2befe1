/* media-catalogue pages: copy buttons, and chapters/transcript timestamps that seek the page's player. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("button") : null;
    if (!target) return;
    if (target.dataset.copy) {
      var source = document.getElementById(target.dataset.copy);
      var status = target.parentNode.querySelector(".copy-status");
      var done = function (ok) { if (status) status.textContent = ok ? target.dataset.copied || "✓" : ""; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(source.value).then(function () { done(true); }, function () {
          source.select(); done(document.execCommand("copy"));
        });
      } else { source.select(); done(document.execCommand("copy")); }
      return;
    }
    if (target.classList.contains("seek")) {
      var player = document.getElementById("player");
      if (!player) return;
      var start = parseFloat(target.dataset.start) || 0;
      var seek = function () { player.currentTime = start; };
      if (player.readyState >= 1) { seek(); } else {
        player.addEventListener("loadedmetadata", seek, { once: true });
      }
      var playing = player.play();
      if (playing && playing.catch) playing.catch(function () {});
    }
  });
})();
