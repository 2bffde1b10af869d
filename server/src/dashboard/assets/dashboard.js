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
  let courseRequests = 0;
  let graphRequests = 0;
  let lastChanges = -1;
  let refreshing = false;
  let refreshAgain = false;
  let lastRefresh = 0;
  let shownCourses = "";
  let graphUrl = null;
  let following = false;
  let stream = null;
  let streams = 0;
  let refreshTimer = null;
  let focusPending = null;
  let broken = null;

  // The least time between two reloads of the course list: a running
  // copy changes the server many times a second.
  const REFRESH_GAP_MS = 1000;
  // A stream silent this long (the server sends a comment every 15 s) is
  // taken for dead and opened again.
  const SILENCE_MS = 45000;

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

  // A call with the token; an answer that is not 2xx throws an Error
  // carrying its status.
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
      const error = new Error(message);
      error.status = response.status;
      if (response.status === 401) signOut("The token was refused: " + message);
      throw error;
    }
    return response;
  }

  // Back to the token form: the token no longer works (the server
  // restarted with another one, say).
  function signOut(why) {
    token = "";
    following = false;
    streams += 1;
    stream?.abort();
    $("board").hidden = true;
    $("login").hidden = false;
    setStatus(why, true);
    $("token").focus();
  }

  // --- the live stream -------------------------------------------------

  // Reads the server-sent events of `api/events` with fetch(), since an
  // EventSource cannot send the Authorization header; opens it again when
  // it ends or falls silent, until the token is refused.
  async function follow() {
    const mine = ++streams;
    const current = () => following && mine === streams;
    while (current()) {
      const abort = new AbortController();
      stream = abort;
      let watchdog = setTimeout(() => abort.abort(), SILENCE_MS);
      try {
        const headers = { Accept: "text/event-stream" };
        const response = await api("api/events", { headers, signal: abort.signal });
        lastChanges = -1;
        setStatus("Live");
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        while (current()) {
          const { value, done } = await reader.read();
          if (done) break;
          clearTimeout(watchdog);
          watchdog = setTimeout(() => abort.abort(), SILENCE_MS);
          buffer += value.replace(/\r\n?/g, "\n");
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            dispatch(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
        if (current()) setStatus("Disconnected; connecting again…", true);
      } catch (e) {
        if (current()) setStatus("Disconnected (" + e.message + "); connecting again…", true);
      } finally {
        clearTimeout(watchdog);
        abort.abort();
      }
      if (current()) await new Promise((resolve) => setTimeout(resolve, 1000));
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
    broken = state.broken;
    if (broken) setStatus("The data file failed: " + broken + " (the server takes no more changes)", true);
    showJobs(state.jobs);
    if (state.changes !== lastChanges) {
      lastChanges = state.changes;
      refresh();
    }
  }

  // Reloads the course list and the open course: one load at a time, at
  // most one a second, and one more if changes came meanwhile.
  async function refresh(soon) {
    if (soon === "now" && refreshTimer !== null) {
      clearTimeout(refreshTimer);
      refreshTimer = null;
      refreshing = false;
    }
    if (refreshing) { refreshAgain = true; return; }
    const wait = soon === "now" ? 0 : lastRefresh + REFRESH_GAP_MS - Date.now();
    if (wait > 0) {
      refreshing = true;
      refreshTimer = setTimeout(() => { refreshTimer = null; refreshing = false; refresh(); }, wait);
      return;
    }
    refreshing = true;
    refreshAgain = false;
    lastRefresh = Date.now();
    try {
      await loadCourses();
      if (openCourse !== null) await loadCourse(openCourse, false);
      if (following && !broken && $("status").classList.contains("error")) setStatus("Live");
    } catch (e) {
      if (e.status !== 401) setStatus("Could not load: " + e.message, true);
    } finally {
      refreshing = false;
      if (refreshAgain) { refreshAgain = false; refresh(); }
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
    const pages = Math.max(1, Math.ceil(list.total / list.perPage));
    if (page >= pages) {
      // The list shrank (a reset, a search): the last page instead.
      page = pages - 1;
      return loadCourses();
    }
    $("page-info").textContent = `Page ${list.page + 1} of ${pages} (${list.total} courses)`;
    $("prev-page").disabled = list.page === 0;
    $("next-page").disabled = list.page + 1 >= pages;
    // Rows are made again only when the list changed, and focus stays on
    // the same course's button.
    const text = JSON.stringify(list.courses);
    if (text === shownCourses) return;
    shownCourses = text;
    const focused = document.activeElement?.closest?.("#courses tr")?.dataset.course;
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
    if (focused !== undefined) $("courses").querySelector(`tr[data-course="${CSS.escape(focused)}"] button`)?.focus();
  }

  function detailsButton(c) {
    const button = el("button", { type: "button", "aria-label": "Details of " + c.title }, "Details");
    button.addEventListener("click", () => {
      openCourse = c.id;
      focusPending = c.id;
      loadCourse(c.id, true).catch((e) => setStatus(e.message, true));
    });
    return button;
  }

  // Shows course `id`, unless another was asked for meanwhile; a course
  // that is gone (a reset, a delete) closes the view.
  async function loadCourse(id, focus) {
    const request = ++courseRequests;
    let detail;
    try {
      detail = await (await api("api/courses/" + encodeURIComponent(id))).json();
    } catch (e) {
      if (e.status === 404 && openCourse === id) {
        openCourse = null;
        $("course-detail").hidden = true;
        if (focusPending === id) setStatus("That course is gone (deleted, or the server was reset)", true);
        focusPending = null;
        return;
      }
      throw e;
    }
    if (request !== courseRequests || openCourse !== id) return;
    const c = detail.course;
    $("detail-title").textContent = `${c.title} [${c.courseId}]: learning objects and pages`;
    const items = detail.learningObjects.map((lo) => {
      const badges = [el("span", { class: "badge " + lo.kind }, lo.kind)];
      if (lo.shared && lo.kind !== "shared") badges.push(el("span", { class: "badge shared" }, "shared"));
      if (lo.duplicated && lo.kind !== "duplicated") badges.push(el("span", { class: "badge duplicated" }, "duplicated"));
      if (lo.updateAvailable) badges.push(el("span", { class: "badge update" }, "update available"));
      const facts = [];
      facts.push(el("li", {}, "Used in " + lo.usedIn.length + ": " + lo.usedIn.map(courseName).join(", ")));
      if (lo.upstream) facts.push(el("li", {}, "Upstream: " + lo.upstream.title + " in " + courseName(lo.upstream.course)));
      if (lo.downstreams.length) {
        facts.push(el("li", {}, "Downstreams: " + lo.downstreams.map((d) => d.title + " in " + d.courses.map(courseName).join(", ")).join("; ")));
      }
      const pages = lo.pages.map((p) => p.title
        + (p.linked ? ` (linked to “${p.upstream}”)` : "")
        + (p.downstreams ? ` (${p.downstreams} linked ${p.downstreams === 1 ? "copy" : "copies"})` : ""));
      facts.push(el("li", {}, "Pages (" + pages.length + "): " + pages.join(", ")));
      return el("li", { data: { lo: lo.id } }, el("strong", {}, lo.title), badges, el("ul", {}, facts));
    });
    $("los").replaceChildren(...items);
    $("course-detail").hidden = false;
    // The click's own answer may be overtaken by a refresh's: whichever
    // draws the course moves the focus the click asked for.
    if (focus || focusPending === id) {
      focusPending = null;
      $("detail-title").focus();
    }
  }

  function courseName(c) {
    return c ? `${c.title} [${c.courseId}]` : "a deleted course";
  }

  // --- the graph ---------------------------------------------------------

  async function loadGraph() {
    const request = ++graphRequests;
    $("graph-status").textContent = "Laying out…";
    try {
      const svg = await (await api("../graph?format=svg")).blob();
      if (request !== graphRequests) return;
      if (graphUrl) URL.revokeObjectURL(graphUrl);
      graphUrl = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
      $("graph").src = graphUrl;
      $("graph-status").textContent = "Laid out at " + new Date().toLocaleTimeString();
    } catch (e) {
      if (request === graphRequests) $("graph-status").textContent = "Could not lay out the graph: " + e.message;
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
      const submit = $("login-form").querySelector("button");
      if (submit.disabled) return;
      submit.disabled = true;
      token = $("token").value.trim();
      try {
        await api("api/jobs");
      } catch (e) {
        setStatus("The token was refused: " + e.message, true);
        return;
      } finally {
        submit.disabled = false;
      }
      $("token").value = "";
      $("login").hidden = true;
      $("board").hidden = false;
      $("controls-title").focus();
      setStatus("Connecting…");
      shownCourses = "";
      broken = null;
      following = true;
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
      refresh("now");
    });
    $("prev-page").addEventListener("click", () => { page = Math.max(0, page - 1); refresh("now"); });
    $("next-page").addEventListener("click", () => { page += 1; refresh("now"); });
    $("graph-details").addEventListener("toggle", () => { if ($("graph-details").open) loadGraph(); });
    $("graph-refresh").addEventListener("click", loadGraph);
  }

  wire();
})();
