/* global CKEDITOR */
// The article form's editor tools: autosave of the unsaved work (server side, one copy per user and article),
// the offer to restore it, and the content checks panel kept up to date while typing.
;(() => {
  "use strict"

  const CHECK_SECONDS = 2
  const SKIPPED = new Set(["csrfmiddlewaretoken", "edit_version"])
  const REFERENCE_FIELD = /^references-(\d+)-(position|url|doi|pmid|DELETE)$/

  function start() {
    const panel = document.getElementById("content-checks")
    if (!panel) return
    const form = panel.closest("form")
    const bodyField = form && form.querySelector("textarea[name=body]")
    if (!bodyField) return // a read-only form: nothing to keep
    const autosaveUrl = panel.dataset.autosaveUrl
    const article = panel.dataset.article
    const autosaveSeconds = Number(panel.dataset.autosaveSeconds) || 5
    let baseline = null // the form as loaded: before it exists, nothing is kept
    let lastKept = null
    let lastChecked = null
    let paused = false // while the offer to restore is open
    let submitting = false

    const status = document.createElement("p")
    status.className = "autosave-status"
    status.setAttribute("aria-live", "polite")
    panel.before(status)

    const editor = () => (window.CKEDITOR ? CKEDITOR.instances[bodyField.id] : null)
    const csrf = () => form.querySelector("input[name=csrfmiddlewaretoken]").value

    function fields() {
      const data = {}
      for (const element of form.elements) {
        const name = element.name
        if (!name || name.includes("-") || SKIPPED.has(name) || element.disabled) continue
        if (["file", "submit", "button", "hidden", "reset", "image"].includes(element.type)) continue
        if (element.tagName === "SELECT" && element.multiple) continue
        data[name] = element.type === "checkbox" ? (element.checked ? "on" : "") : element.value
      }
      const instance = editor()
      data.body = instance ? instance.getData() : bodyField.value
      return data
    }

    function references() {
      const rows = {}
      for (const element of form.elements) {
        const match = REFERENCE_FIELD.exec(element.name || "")
        if (!match) continue
        const row = (rows[match[1]] = rows[match[1]] || {})
        row[match[2]] = match[2] === "DELETE" ? element.checked : element.value
      }
      return Object.values(rows).filter((row) => !row.DELETE && (row.url || row.doi || row.pmid))
    }

    function post(url, values) {
      const body = new FormData()
      body.append("csrfmiddlewaretoken", csrf())
      for (const [name, value] of Object.entries(values)) body.append(name, value)
      return fetch(url, { method: "POST", body, credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
    }

    function autosaveValues(data) {
      return { article, base_version: panel.dataset.version || "", data: JSON.stringify(data) }
    }

    async function keep() {
      if (baseline === null || paused || submitting) return
      const data = fields()
      const snapshot = JSON.stringify(data)
      if (snapshot === lastKept) return
      try {
        const response = await post(autosaveUrl, autosaveValues(data))
        if (!response.ok) throw new Error((await response.json()).error || response.statusText)
        lastKept = snapshot
        status.textContent = `Your unsaved changes were kept at ${new Date().toLocaleTimeString()}.`
        status.classList.remove("autosave-failed")
      } catch (error) {
        status.textContent = `Your changes could not be kept just now (${error.message}); they are still in the form.`
        status.classList.add("autosave-failed")
      }
    }

    async function check() {
      if (submitting) return
      const data = fields()
      const values = {
        title: data.title || "", body: data.body || "", standfirst: data.standfirst || "",
        seo_title: data.seo_title || "", seo_description: data.seo_description || "",
        references: JSON.stringify(references()),
      }
      const snapshot = JSON.stringify(values)
      if (snapshot === lastChecked) return
      lastChecked = snapshot
      try {
        const response = await post(panel.dataset.checksUrl, values)
        if (response.ok) panel.innerHTML = (await response.json()).html
      } catch (error) {
        // The panel keeps its last result; the checks run again on save.
      }
    }

    function restore(data) {
      for (const [name, value] of Object.entries(data)) {
        if (name === "body") {
          const instance = editor()
          if (instance) instance.setData(value)
          else bodyField.value = value
          continue
        }
        const element = form.elements.namedItem(name)
        if (!element || element.type === "file") continue
        if (element.type === "checkbox") element.checked = value === "on"
        else if (element.tagName !== "SELECT" || [...element.options].some((option) => option.value === value)) element.value = value
      }
    }

    function offer(autosave) {
      paused = true
      const box = document.createElement("div")
      box.className = "autosave-offer"
      box.setAttribute("role", "alert")
      const text = document.createElement("p")
      text.textContent =
        `Unsaved changes you made to this ${article === "new" ? "new article" : "article"} were kept on ${autosave.saved_at_display}. ` +
        "Restore them into the form, or discard them?"
      const restoreButton = document.createElement("button")
      restoreButton.type = "button"
      restoreButton.className = "button default"
      restoreButton.textContent = "Restore my unsaved changes"
      const discardButton = document.createElement("button")
      discardButton.type = "button"
      discardButton.className = "button"
      discardButton.textContent = "Discard them"
      box.append(text, restoreButton, " ", discardButton)
      form.prepend(box)
      const current = panel.dataset.version
      const since = autosave.base_version && current && String(autosave.base_version) !== current
      if (since) {
        const warning = document.createElement("p")
        warning.textContent =
          "The article has been saved since you typed them: if you restore them, saving will show you the newer " +
          "version first, so that neither overwrites the other."
        text.after(warning)
      }
      restoreButton.addEventListener("click", () => {
        restore(autosave.data)
        // The version the kept text was typed on: a save on top of a newer one is refused (the stale-edit check).
        const version = form.querySelector("input[name=edit_version]")
        if (since && version) version.value = autosave.base_version
        lastKept = JSON.stringify(autosave.data)
        box.remove()
        paused = false
        status.textContent = "Your unsaved changes are back in the form: save the article to keep them."
      })
      discardButton.addEventListener("click", async () => {
        box.remove()
        await post(autosaveUrl, { article, discard: "1" })
        lastKept = JSON.stringify(fields())
        paused = false
        status.textContent = "The kept changes were discarded."
      })
    }

    async function ready() {
      baseline = JSON.stringify(fields())
      lastKept = baseline
      try {
        const response = await fetch(`${autosaveUrl}?article=${encodeURIComponent(article)}`, { credentials: "same-origin" })
        const autosave = response.ok ? (await response.json()).autosave : null
        if (autosave) {
          const current = fields()
          const differs = Object.entries(autosave.data).some(([name, value]) => name in current && current[name] !== value)
          if (differs) offer(autosave)
          else await post(autosaveUrl, { article, discard: "1" })
        }
      } catch (error) {
        // No offer: the form is still usable, and keeping goes on.
      }
      window.setInterval(keep, autosaveSeconds * 1000)
      window.setInterval(check, CHECK_SECONDS * 1000)
    }

    form.addEventListener("submit", () => {
      submitting = true
    })
    // A tab being closed or navigated away: what was typed since the last keep goes now.
    window.addEventListener("pagehide", () => {
      if (baseline === null || paused || submitting || !navigator.sendBeacon) return
      const data = fields()
      if (JSON.stringify(data) === lastKept) return
      const body = new FormData()
      body.append("csrfmiddlewaretoken", csrf())
      for (const [name, value] of Object.entries(autosaveValues(data))) body.append(name, value)
      navigator.sendBeacon(autosaveUrl, body)
    })

    if (window.CKEDITOR) {
      const instance = editor()
      if (instance && instance.status === "ready") ready()
      else CKEDITOR.on("instanceReady", (event) => {
        if (event.editor.name === bodyField.id && baseline === null) ready()
      })
    } else {
      ready()
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start)
  else start()
})()
