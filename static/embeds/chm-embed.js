/* CHM portal components for partner and national websites. No dependency, no cookie.
 *
 *   <div data-chm-component="opportunities" data-region="002" data-limit="5" data-lang="fr"></div>
 *   <script src="https://PORTAL/static/embeds/chm-embed.js" async></script>
 *
 * Each element with data-chm-component is filled with that component's records, read from
 * https://PORTAL/<lang>/embed/<component>.json (the portal this script comes from). Its other
 * data-* attributes are the component's parameters (data-actor-type is actor_type); the language
 * is data-lang, else the page's <html lang>, else English. Whatever the element holds at first
 * stays there if the portal cannot be reached (a link to the portal, for instance).
 * data-chm-styles="none" on any of them leaves out the portal's small stylesheet.
 *
 * Texts come translated from the portal; they are written with textContent only, never as HTML.
 * The documentation of every component: https://PORTAL/en/embed/
 */
(function () {
  "use strict";

  var LANGUAGES = ["en", "fr", "es"];
  // data-* attributes that are not parameters of a component.
  var RESERVED = ["chmComponent", "chmState", "chmStyles", "lang"];

  var script = document.currentScript ||
    document.querySelector('script[src*="/embeds/chm-embed"]');
  if (!script || !script.src) {
    return;
  }
  var scriptUrl = new URL(script.src, document.baseURI);
  var origin = scriptUrl.origin;

  function languageOf(element) {
    var wanted = element.getAttribute("data-lang") || document.documentElement.lang || "en";
    var primary = wanted.toLowerCase().split(/[-_]/)[0];
    return LANGUAGES.indexOf(primary) === -1 ? "en" : primary;
  }

  function parametersOf(element) {
    var parameters = new URLSearchParams();
    Object.keys(element.dataset).sort().forEach(function (key) {
      if (RESERVED.indexOf(key) === -1) {
        var name = key.replace(/[A-Z]/g, function (letter) { return "_" + letter.toLowerCase(); });
        parameters.append(name, element.dataset[key]);
      }
    });
    return parameters;
  }

  function safeUrl(address) {
    try {
      var url = new URL(address, origin);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  // A link to the portal, in a new tab; plain text when the address is not http(s).
  function link(address, text) {
    var url = safeUrl(address);
    if (!url) {
      return make("span", "", text);
    }
    var anchor = make("a", "", text);
    anchor.href = url;
    anchor.target = "_blank";
    anchor.rel = "noopener";
    return anchor;
  }

  function renderItems(section) {
    var counted = section.items.some(function (item) { return typeof item.count === "number"; });
    if (counted) {
      var table = make("table", "chm-embed__table");
      table.appendChild(make("caption", "", section.heading));
      var body = document.createElement("tbody");
      section.items.forEach(function (item) {
        var row = document.createElement("tr");
        var label = make("th", "", item.title);
        label.scope = "row";
        row.appendChild(label);
        row.appendChild(make("td", "", item.count));
        body.appendChild(row);
      });
      table.appendChild(body);
      return table;
    }
    var list = make("ul", "chm-embed__items");
    section.items.forEach(function (item) {
      var entry = document.createElement("li");
      entry.appendChild(item.url ? link(item.url, item.title) : make("span", "", item.title));
      if (item.details && item.details.length) {
        var details = make("p", "chm-embed__details");
        item.details.forEach(function (detail) { details.appendChild(make("span", "", detail)); });
        entry.appendChild(details);
      }
      list.appendChild(entry);
    });
    return list;
  }

  function render(element, body) {
    var box = make("div", "chm-embed");
    box.lang = body.language || "en";
    var heading = make("h2", "chm-embed__title");
    heading.appendChild(body.url ? link(body.url, body.title) : make("span", "", body.title));
    box.appendChild(heading);

    if (body.errors) {
      var alert = make("div", "chm-embed__error");
      alert.setAttribute("role", "alert");
      var problems = document.createElement("ul");
      body.errors.forEach(function (error) { problems.appendChild(make("li", "", error.message)); });
      alert.appendChild(problems);
      box.appendChild(alert);
    } else {
      if (body.figures && body.figures.length) {
        var figures = make("dl", "chm-embed__figures");
        body.figures.forEach(function (figure) {
          var pair = document.createElement("div");
          pair.appendChild(make("dt", "", figure.label));
          pair.appendChild(make("dd", "", figure.value));
          figures.appendChild(pair);
        });
        box.appendChild(figures);
      }
      var sections = body.sections || [];
      sections.forEach(function (section) {
        var part = make("section", "chm-embed__section");
        var counted = section.items.some(function (item) { return typeof item.count === "number"; });
        // A single list needs no heading of its own: the component's title says it.
        if (sections.length > 1 && !(section.items.length && counted)) {
          part.appendChild(make("h3", "", section.heading));
        }
        if (section.items.length) {
          part.appendChild(renderItems(section));
        } else {
          part.appendChild(make("p", "chm-embed__empty", section.empty));
        }
        if (section.more_url) {
          var more = make("p", "chm-embed__more");
          more.appendChild(link(section.more_url, section.more_label));
          part.appendChild(more);
        }
        box.appendChild(part);
      });
    }
    var footer = make("p", "chm-embed__footer");
    footer.appendChild(link(body.portal, body.portal_name));
    box.appendChild(footer);

    element.replaceChildren(box);
  }

  function addStylesheet() {
    if (document.querySelector('[data-chm-styles="none"]') ||
        document.querySelector("link[data-chm-embed-styles]")) {
      return;
    }
    var sheet = document.createElement("link");
    sheet.rel = "stylesheet";
    sheet.href = new URL("embed.css", scriptUrl).href;
    sheet.setAttribute("data-chm-embed-styles", "");
    document.head.appendChild(sheet);
  }

  function load(element) {
    var component = element.getAttribute("data-chm-component");
    if (!/^[a-z0-9_-]+$/.test(component || "")) {
      return;
    }
    element.setAttribute("data-chm-state", "loading");
    element.setAttribute("aria-busy", "true");
    var query = parametersOf(element).toString();
    var address = origin + "/" + languageOf(element) + "/embed/" + component + ".json" +
      (query ? "?" + query : "");
    fetch(address, { credentials: "omit", mode: "cors" })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        render(element, body);
        element.setAttribute("data-chm-state", body.errors ? "invalid" : "done");
      })
      .catch(function () {
        // Unreachable portal: what the element held stays.
        element.setAttribute("data-chm-state", "failed");
      })
      .then(function () { element.removeAttribute("aria-busy"); });
  }

  function scan() {
    var elements = document.querySelectorAll("[data-chm-component]:not([data-chm-state])");
    if (elements.length) {
      addStylesheet();
    }
    Array.prototype.forEach.call(elements, load);
  }

  // For pages that add elements later: window.chmEmbed.scan().
  window.chmEmbed = { scan: scan };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", scan);
  } else {
    scan();
  }
})();
