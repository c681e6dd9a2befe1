/* Click-to-load video embeds: nothing comes from the provider until the visitor presses "Play the video". The page
   shows our own poster; the click replaces it with the provider's iframe (YouTube through youtube-nocookie.com). */
(function () {
  "use strict";
  var AUTOPLAY = { youtube: "1", vimeo: "1", facebook: "true" };
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.load-video") : null;
    if (!button) return;
    var box = button.closest(".video-consent");
    if (!box || !box.dataset.embed) return;
    var url = new URL(box.dataset.embed);
    if (url.protocol !== "https:") return;
    var provider = box.dataset.provider;
    // The visitor asked to play: start at once rather than asking for a second click inside the frame.
    if (AUTOPLAY[provider]) url.searchParams.set("autoplay", AUTOPLAY[provider]);
    var frame = document.createElement("iframe");
    frame.className = "video-frame";
    frame.title = button.dataset.title || "";
    frame.setAttribute("allow", "autoplay; encrypted-media; picture-in-picture; fullscreen");
    frame.setAttribute("allowfullscreen", "");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    frame.src = url.toString();
    var poster = box.querySelector(".video-poster");
    if (poster) poster.replaceWith(frame); else box.prepend(frame);
    var caption = box.querySelector(".video-consent-caption");
    if (caption) caption.remove();
    box.classList.add("video-loaded");
    frame.focus();
  });
})();
