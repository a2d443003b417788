// The catch-up page: pick a product and the version you run; the page shows only the
// communiques published after that version, those with actions or breaking changes
// first. It reads the data the build writes into the page (#since-data). Without this
// script the page lists every communique, newest first.
(function () {
  "use strict";

  function init() {
    var source = document.getElementById("since-data");
    var form = document.getElementById("since-picker");
    var list = document.getElementById("since-list");
    var status = document.getElementById("since-status");
    if (!source || !form || !list || !status) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var productSelect = document.getElementById("since-product");
    var versionSelect = document.getElementById("since-version");
    var everything = status.textContent;
    // The page's language's words, written by the template onto the picker; a theme's
    // own since.html without them gets the English ones.
    var english = {
      every: "Show every communique",
      "up-to-date": "Nothing new since {version}: you are up to date.",
      one: "1 communique since {version}.",
      many: "{count} communiques since {version}.",
      "one-first": "1 communique since {version}, {first} with actions or breaking changes first.",
      "many-first": "{count} communiques since {version}, {first} with actions or breaking changes first."
    };
    function say(name, values) {
      var word = form.hasAttribute("data-" + name) ? form.getAttribute("data-" + name) : english[name];
      return word.replace(/\{(\w+)\}/g, function (whole, key) {
        return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
      });
    }

    function productNamed(name) {
      return data.products.filter(function (p) {
        return p.name === name;
      })[0];
    }

    function fillVersions() {
      var product = productNamed(productSelect.value);
      versionSelect.textContent = "";
      var all = document.createElement("option");
      all.value = "";
      all.textContent = say("every", {});
      versionSelect.appendChild(all);
      (product ? product.versions : []).forEach(function (v, i) {
        var option = document.createElement("option");
        option.value = String(i);
        option.textContent = v.version;
        versionSelect.appendChild(option);
      });
    }

    function show() {
      var product = productNamed(productSelect.value);
      var version = product && versionSelect.value !== "" ? product.versions[Number(versionSelect.value)] : null;
      // Newest first as the build wrote them; once a version is picked, those the group
      // must act on lead.
      var later = data.communiques.filter(function (c) {
        return !version || c.published > version.published;
      });
      var first = later.filter(function (c) {
        return version && c.first;
      });
      var rest = later.filter(function (c) {
        return first.indexOf(c) < 0;
      });
      var shown = {};
      first.concat(rest).forEach(function (c) {
        var item = document.getElementById(c.key);
        if (item) {
          list.appendChild(item);
          shown[c.key] = true;
        }
      });
      data.communiques.forEach(function (c) {
        var item = document.getElementById(c.key);
        if (item) {
          item.hidden = !shown[c.key];
        }
      });
      if (!version) {
        status.textContent = everything;
      } else if (later.length === 0) {
        status.textContent = say("up-to-date", { version: product.name + " " + version.version });
      } else {
        var name = (later.length === 1 ? "one" : "many") + (first.length ? "-first" : "");
        status.textContent = say(name, {
          count: later.length,
          version: product.name + " " + version.version,
          first: first.length
        });
      }
    }

    productSelect.addEventListener("change", function () {
      fillVersions();
      show();
    });
    versionSelect.addEventListener("change", show);
    // The product of the newest communique is the likeliest one a reader runs.
    var newest = data.communiques[0];
    if (newest && productNamed(newest.product)) {
      productSelect.value = newest.product;
    }
    fillVersions();
    form.hidden = false;
    show();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
