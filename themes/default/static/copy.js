// Copy buttons of the subscribe pages. Each button names the element whose text it
// copies (data-copy). Without this script the buttons stay hidden and the addresses
// stay on the page as text to select.
(function () {
  "use strict";

  function select(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function announce(button, text) {
    var status = document.querySelector(".copy-status");
    if (status) {
      status.textContent = text;
    }
    button.textContent = text === "" ? "Copy" : text.split(":")[0];
  }

  function init() {
    var buttons = document.querySelectorAll("button[data-copy]");
    Array.prototype.forEach.call(buttons, function (button) {
      var target = document.getElementById(button.getAttribute("data-copy"));
      if (!target) {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        var text = target.textContent;
        // Selected either way, so that a reader can also copy it by hand.
        select(target);
        var copied = function () {
          announce(button, "Copied: " + text);
        };
        var byHand = function () {
          var done = false;
          try {
            done = document.execCommand("copy");
          } catch (e) {
            done = false;
          }
          if (done) {
            copied();
          } else {
            announce(button, "Selected: press Ctrl+C or ⌘C to copy");
          }
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(copied, byHand);
        } else {
          byHand();
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
