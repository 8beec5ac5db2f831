// Rapport's own script. Every page works without it; it adds search as you type, live
// refresh of lists, drag and drop (and keys) on the lead board, live quotes on a product's
// page, confirmations, "select all", and reading a CSV file into the paste box. It talks
// to the same pages and forms a browser without script would use.
"use strict";

(function () {
  const parser = new DOMParser();

  // Fetches a page and returns its document, or sends the browser to sign in when the
  // session ended meanwhile (the page answered with the sign-in form).
  async function fetchPage(url, init) {
    const res = await fetch(url, Object.assign({ credentials: "same-origin" }, init || {}));
    const finalUrl = new URL(res.url);
    if (finalUrl.pathname === "/sign-in") {
      window.location.assign(finalUrl.href);
      return null;
    }
    const text = await res.text();
    return { doc: parser.parseFromString(text, "text/html"), url: finalUrl, status: res.status };
  }

  // Replaces the element with id `id` by the one of the same id in `doc`.
  function swap(doc, id) {
    const fresh = doc.getElementById(id);
    const old = document.getElementById(id);
    if (!fresh || !old) return false;
    if (fresh.innerHTML !== old.innerHTML) {
      old.replaceWith(fresh);
      wire(fresh);
    }
    return true;
  }

  // ---- search as you type: forms marked data-live-search refresh #results
  function liveSearch(form) {
    let timer = null;
    const run = async () => {
      const params = new URLSearchParams(new FormData(form));
      for (const [k, v] of Array.from(params.entries())) if (v === "") params.delete(k);
      const url = form.action.split("?")[0] + (params.toString() ? "?" + params : "");
      const page = await fetchPage(url);
      if (!page) return;
      swap(page.doc, "results");
      history.replaceState(null, "", url);
    };
    form.addEventListener("input", (e) => {
      if (e.target.matches("input[type=search], input[type=text]")) {
        clearTimeout(timer);
        timer = setTimeout(run, 250);
      }
    });
    form.addEventListener("change", (e) => {
      if (e.target.matches("select, input[type=checkbox], input[type=date]")) run();
    });
  }

  // ---- live refresh: regions marked data-refresh reload every 20 s while visible,
  // unless the user is working inside them.
  function liveRefresh() {
    const regions = () => Array.from(document.querySelectorAll("[data-refresh]"));
    if (regions().length === 0) return;
    setInterval(async () => {
      if (document.hidden) return;
      const busy = regions().some((r) => r.contains(document.activeElement) && document.activeElement !== document.body);
      if (busy || document.querySelector(".dragging")) return;
      const page = await fetchPage(window.location.href);
      if (!page || page.status !== 200) return;
      for (const r of regions()) swap(page.doc, r.id);
    }, 20000);
  }

  // ---- the lead board: drag a card to a column, or focus it and press [ or ]
  async function moveCard(card, status) {
    const form = card.querySelector("form.move");
    if (!form) return;
    const select = form.querySelector("select[name=status]");
    select.value = status;
    if (status === "lost") {
      const reason = form.querySelector("input[name=lost_reason]");
      if (!reason.value.trim()) {
        reason.hidden = false;
        reason.focus();
        const note = form.querySelector(".needs-reason");
        if (note) note.hidden = false;
        return;
      }
    }
    const page = await fetchPage(form.action, { method: "POST", body: new URLSearchParams(new FormData(form)) });
    if (!page) return;
    swap(page.doc, "results");
    const moved = document.querySelector('.lead-card[data-lead="' + card.dataset.lead + '"]');
    if (moved) moved.focus();
  }

  function board(root) {
    const statuses = Array.from(root.querySelectorAll(".column")).map((c) => c.dataset.status);
    root.querySelectorAll(".lead-card[draggable=true]").forEach((card) => {
      card.addEventListener("dragstart", (e) => {
        card.classList.add("dragging");
        e.dataTransfer.setData("text/plain", card.dataset.lead);
        e.dataTransfer.effectAllowed = "move";
      });
      card.addEventListener("dragend", () => card.classList.remove("dragging"));
      card.addEventListener("keydown", (e) => {
        if (e.target !== card) return;
        const at = statuses.indexOf(card.dataset.status);
        let to = -1;
        if (e.key === "]" || (e.altKey && e.key === "ArrowRight")) to = at + 1;
        if (e.key === "[" || (e.altKey && e.key === "ArrowLeft")) to = at - 1;
        if (to >= 0 && to < statuses.length) {
          e.preventDefault();
          moveCard(card, statuses[to]);
        }
      });
    });
    root.querySelectorAll(".column").forEach((col) => {
      col.addEventListener("dragover", (e) => {
        e.preventDefault();
        col.classList.add("drop-target");
      });
      col.addEventListener("dragleave", () => col.classList.remove("drop-target"));
      col.addEventListener("drop", (e) => {
        e.preventDefault();
        col.classList.remove("drop-target");
        const id = e.dataTransfer.getData("text/plain");
        const card = root.querySelector('.lead-card[data-lead="' + id + '"]');
        if (card && card.dataset.status !== col.dataset.status) moveCard(card, col.dataset.status);
      });
    });
  }

  // ---- the quote box on a product's page: the same form post as its button, sent as
  // the quantity or duration changes; the figures (or the refusal) replace the last.
  function liveQuote(form) {
    let timer = null;
    const run = async () => {
      const page = await fetchPage(form.action, { method: "POST", body: new URLSearchParams(new FormData(form)) });
      if (!page) return;
      const target = document.getElementById("quote-result");
      const alert = page.doc.querySelector("#quote .alert");
      if (page.status === 200) swap(page.doc, "quote-result");
      else if (target) target.innerHTML = alert ? alert.outerHTML : "";
    };
    form.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(run, 300);
    });
    form.addEventListener("change", run);
  }

  // ---- the new-order form: each line's total as it is typed, from the quote endpoint
  // (the same pricing the order's lines get when it is saved)
  function orderForm(form) {
    const token = (form.querySelector("input[name=_csrf]") || {}).value || "";
    form.querySelectorAll(".item-row").forEach((row) => {
      const out = row.querySelector(".line-total output");
      const pick = (name) => row.querySelector('[name$="].' + name + '"]');
      let timer = null;
      const quote = async () => {
        const product = pick("product_id").value;
        const quantity = parseInt(pick("quantity").value, 10);
        if (!product || !(quantity > 0)) {
          out.textContent = "—";
          return;
        }
        const body = { product_id: product, quantity: quantity };
        if (pick("duration_id").value) body.duration_id = pick("duration_id").value;
        try {
          const res = await fetch("/api/v1/pricing/quote", {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": token },
            body: JSON.stringify(body),
          });
          const json = await res.json();
          if (res.ok) {
            out.textContent = json.total + " " + json.currency;
          } else {
            const first = (json.errors || [])[0];
            out.textContent = first ? first.message : json.detail || "—";
          }
        } catch (e) {
          out.textContent = "—";
        }
      };
      row.addEventListener("change", quote);
      row.addEventListener("input", (e) => {
        if (e.target.matches("input")) {
          clearTimeout(timer);
          timer = setTimeout(quote, 300);
        }
      });
    });
  }

  // ---- small things
  function wire(root) {
    root.querySelectorAll("form[data-confirm]").forEach((f) =>
      f.addEventListener("submit", (e) => {
        if (!window.confirm(f.dataset.confirm)) e.preventDefault();
      })
    );
    root.querySelectorAll("input[data-select-all]").forEach((box) =>
      box.addEventListener("change", () => {
        const form = box.closest("form") || document;
        form.querySelectorAll("input[name=ids]").forEach((b) => (b.checked = box.checked));
      })
    );
    root.querySelectorAll("input[type=file][data-into]").forEach((input) =>
      input.addEventListener("change", async () => {
        const target = document.getElementById(input.dataset.into);
        if (input.files.length && target) target.value = await input.files[0].text();
      })
    );
    root.querySelectorAll("[data-js-only]").forEach((el) => (el.hidden = false));
    root.querySelectorAll(".board").forEach(board);
    root.querySelectorAll("form[data-order-form]").forEach(orderForm);
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form[data-live-search]").forEach(liveSearch);
    document.querySelectorAll("form[data-live-quote]").forEach(liveQuote);
    wire(document);
    liveRefresh();
  });
})();
