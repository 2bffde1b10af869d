// The coursecopy dashboard's script. Every name, title and message from
// the server is written into the page as text (textContent), never as
// markup. The admin token lives in this closure only: it is sent as a
// header, never put in a URL, a cookie or storage.
"use strict";

(() => {
  let token = "";
  let page = 0;
  let query = "";
  let openCourse = null;
  let lastChanges = -1;
  let refreshing = false;
  let refreshAgain = false;
  let graphUrl = null;

  const $ = (id) => document.getElementById(id);

  // An element with attributes and children; strings become text nodes.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null) continue;
      if (key === "class") node.className = value;
      else if (key === "data") Object.assign(node.dataset, value);
      else node.setAttribute(key, String(value));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function setStatus(text, bad) {
    const status = $("status");
    status.textContent = text;
    status.classList.toggle("error", Boolean(bad));
  }

  async function api(path, options) {
    const init = Object.assign({ cache: "no-store" }, options || {});
    init.headers = Object.assign({ Authorization: "Bearer " + token }, init.headers || {});
    const response = await fetch(path, init);
    if (!response.ok) {
      let message = response.status + " " + response.statusText;
      try {
        const body = await response.json();
        message = body.message || body.errors?.[0]?.message || message;
      } catch (_) { /* not JSON */ }
      throw new Error(message);
    }
    return response;
  }

  // --- the live stream -------------------------------------------------

  // Reads the server-sent events of `api/events` with fetch(), since an
  // EventSource cannot send the Authorization header.
  async function follow() {
    for (;;) {
      try {
        const response = await api("api/events", { headers: { Accept: "text/event-stream" } });
        setStatus("Live");
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replace(/\r\n?/g, "\n");
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            dispatch(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
        setStatus("Disconnected; connecting again…", true);
      } catch (e) {
        setStatus("Disconnected (" + e.message + "); connecting again…", true);
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  function dispatch(block) {
    let name = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") name = value;
      else if (field === "data") data.push(value);
    }
    if (name === "state" && data.length) showState(JSON.parse(data.join("\n")));
  }

  function showState(state) {
    $("runner-state").textContent = state.runnerPaused ? "paused" : "running";
    $("course-count").textContent = state.courses;
    $("unfinished-count").textContent = state.unfinished;
    const f = state.faults;
    $("armed").textContent = `${f.failCopies} failing copies, ${f.unavailable} × 503, ${f.throttled} × 429, ${f.latencyMs} ms latency`;
    if (state.broken) setStatus("The data file failed: " + state.broken, true);
    showJobs(state.jobs);
    if (state.changes !== lastChanges) {
      lastChanges = state.changes;
      refresh();
    }
  }

  // Reloads the course list and the open course: one load at a time, and
  // one more if changes came while it ran.
  async function refresh() {
    if (refreshing) { refreshAgain = true; return; }
    refreshing = true;
    try {
      await loadCourses();
      if (openCourse !== null) await loadCourse(openCourse, false);
    } catch (e) {
      setStatus("Could not load: " + e.message, true);
    } finally {
      refreshing = false;
      if (refreshAgain) { refreshAgain = false; setTimeout(refresh, 500); }
    }
  }

  // --- jobs --------------------------------------------------------------

  function showJobs(jobs) {
    const body = $("jobs").tBodies[0];
    const rows = jobs.map((job) => {
      const issues = job.issues.length
        ? el("ul", {}, job.issues.map((text) => el("li", {}, text)))
        : (job.message ? job.message : "");
      const percent = Number(job.percent) || 0;
      return el("tr", { data: { job: job.kind + ":" + job.id, state: job.state } },
        el("td", {}, job.kind),
        el("td", {}, job.id),
        el("td", {}, job.label),
        el("td", { class: "state-" + job.state }, job.state),
        el("td", { class: "progress" }, el("progress", { max: 100, value: percent, "aria-label": job.kind + " " + job.id + " progress" }), " ", percent + " %"),
        el("td", { class: "num" }, job.queuePlace === null || job.queuePlace === undefined ? "" : job.queuePlace),
        el("td", {}, issues));
    });
    body.replaceChildren(...rows);
    $("no-jobs").hidden = jobs.length > 0;
  }

  // --- courses -----------------------------------------------------------

  async function loadCourses() {
    const params = new URLSearchParams({ q: query, page: String(page), perPage: "25" });
    const list = await (await api("api/courses?" + params)).json();
    const rows = list.courses.map((c) => el("tr", { data: { course: c.id } },
      el("td", {}, c.title, c.blueprint ? el("span", { class: "badge" }, "blueprint") : null, c.locked ? el("span", { class: "badge" }, "locked") : null),
      el("td", {}, c.courseId),
      el("td", {}, c.learnId),
      el("td", { class: "num" }, c.canvasId),
      el("td", { class: "num" }, c.learningObjects),
      el("td", { class: "num" }, c.shared),
      el("td", { class: "num" }, c.duplicated),
      el("td", { class: "num" }, c.linked),
      el("td", { class: "num" }, c.updatesAvailable),
      el("td", {}, detailsButton(c))));
    $("courses").tBodies[0].replaceChildren(...rows);
    const pages = Math.max(1, Math.ceil(list.total / list.perPage));
    $("page-info").textContent = `Page ${list.page + 1} of ${pages} (${list.total} courses)`;
    $("prev-page").disabled = list.page === 0;
    $("next-page").disabled = list.page + 1 >= pages;
  }

  function detailsButton(c) {
    const button = el("button", { type: "button", "aria-label": "Details of " + c.title }, "Details");
    button.addEventListener("click", () => loadCourse(c.id, true).catch((e) => setStatus(e.message, true)));
    return button;
  }

  async function loadCourse(id, focus) {
    const detail = await (await api("api/courses/" + encodeURIComponent(id))).json();
    openCourse = id;
    const c = detail.course;
    $("detail-title").textContent = `${c.title} [${c.courseId}]: learning objects and pages`;
    const items = detail.learningObjects.map((lo) => {
      const badges = [el("span", { class: "badge " + lo.kind }, lo.kind)];
      if (lo.updateAvailable) badges.push(el("span", { class: "badge update" }, "update available"));
      const facts = [];
      facts.push(el("li", {}, "Used in " + lo.usedIn.length + ": " + lo.usedIn.map(courseName).join(", ")));
      if (lo.upstream) facts.push(el("li", {}, "Upstream: " + lo.upstream.title + " in " + courseName(lo.upstream.course)));
      if (lo.downstreams.length) {
        facts.push(el("li", {}, "Downstreams: " + lo.downstreams.map((d) => d.title + " in " + d.courses.map(courseName).join(", ")).join("; ")));
      }
      const pages = lo.pages.map((p) => p.title + (p.linked ? ` (linked to “${p.upstream}”)` : ""));
      facts.push(el("li", {}, "Pages (" + pages.length + "): " + pages.join(", ")));
      return el("li", { data: { lo: lo.id } }, el("strong", {}, lo.title), badges, el("ul", {}, facts));
    });
    $("los").replaceChildren(...items);
    $("course-detail").hidden = false;
    if (focus) $("detail-title").focus();
  }

  function courseName(c) {
    return c ? `${c.title} [${c.courseId}]` : "a deleted course";
  }

  // --- the graph ---------------------------------------------------------

  async function loadGraph() {
    $("graph-status").textContent = "Laying out…";
    try {
      const svg = await (await api("../graph?format=svg")).blob();
      if (graphUrl) URL.revokeObjectURL(graphUrl);
      graphUrl = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
      $("graph").src = graphUrl;
      $("graph-status").textContent = "Laid out at " + new Date().toLocaleTimeString();
    } catch (e) {
      $("graph-status").textContent = "Could not lay out the graph: " + e.message;
    }
  }

  // --- controls ----------------------------------------------------------

  async function control(path, options, describe) {
    try {
      const response = await api("../" + path, Object.assign({ method: "POST" }, options || {}));
      const body = await response.json();
      $("control-result").textContent = describe(body);
    } catch (e) {
      $("control-result").textContent = "Refused: " + e.message;
    }
  }

  function number(id) {
    const value = Number($(id).value);
    return Number.isFinite(value) && value >= 0 ? Math.floor(value) : 0;
  }

  function wire() {
    $("login-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      token = $("token").value.trim();
      try {
        await api("api/jobs");
      } catch (e) {
        setStatus("The token was refused: " + e.message, true);
        return;
      }
      $("token").value = "";
      $("login").hidden = true;
      $("board").hidden = false;
      setStatus("Connecting…");
      follow();
    });
    $("pause").addEventListener("click", () => control("runner/pause", {}, () => "Runner paused"));
    $("resume").addEventListener("click", () => control("runner/resume", {}, () => "Runner resumed"));
    $("step").addEventListener("click", () => {
      const units = Math.max(1, number("step-units"));
      control("runner/step?units=" + units, {}, (b) => `Stepped: ${b.units} units worked`);
    });
    $("fault-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const body = JSON.stringify({
        failCopies: number("fail-copies"),
        unavailable: number("unavailable"),
        throttled: number("throttled"),
        latencyMs: number("latency"),
      });
      control("faults", { body, headers: { "Content-Type": "application/json" } }, () => "Faults armed");
    });
    $("reset").addEventListener("click", () => {
      if (!window.confirm("Reset the server to the demo workspace? Everything else is lost.")) return;
      openCourse = null;
      $("course-detail").hidden = true;
      control("reset", {}, (b) => `Reset to the ${b.reset}: ${b.courses} courses`);
    });
    $("download").addEventListener("click", async () => {
      try {
        const blob = await (await api("../workspace")).blob();
        const url = URL.createObjectURL(blob);
        const link = el("a", { href: url, download: "coursecopy-workspace.json" });
        document.body.append(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10000);
        $("control-result").textContent = "Workspace downloaded";
      } catch (e) {
        $("control-result").textContent = "Download failed: " + e.message;
      }
    });
    $("search-form").addEventListener("submit", (event) => {
      event.preventDefault();
      query = $("search").value;
      page = 0;
      refresh();
    });
    $("prev-page").addEventListener("click", () => { page = Math.max(0, page - 1); refresh(); });
    $("next-page").addEventListener("click", () => { page += 1; refresh(); });
    $("graph-details").addEventListener("toggle", () => { if ($("graph-details").open) loadGraph(); });
    $("graph-refresh").addEventListener("click", loadGraph);
  }

  wire();
})();
