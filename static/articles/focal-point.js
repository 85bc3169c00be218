// The media library's focal point: a click on the image (or the arrow keys on it) sets the two number fields,
// which stay the way to type the point without JavaScript.
;(() => {
  const start = () => {
    const picker = document.querySelector(".focal-point-picker")
    const inputX = document.getElementById("id_focal_x")
    const inputY = document.getElementById("id_focal_y")
    if (!picker || !inputX || !inputY) return
    const image = picker.querySelector("img")
    const marker = picker.querySelector(".focal-point-marker")
    const clamp = (value) => Math.min(1, Math.max(0, value))
    const rounded = (value) => Math.round(clamp(value) * 1000) / 1000

    const show = () => {
      const x = clamp(parseFloat(inputX.value))
      const y = clamp(parseFloat(inputY.value))
      if (Number.isNaN(x) || Number.isNaN(y)) {
        marker.hidden = true
        return
      }
      marker.style.left = `${x * 100}%`
      marker.style.top = `${y * 100}%`
      marker.hidden = false
    }
    const set = (x, y) => {
      inputX.value = rounded(x)
      inputY.value = rounded(y)
      show()
    }

    picker.tabIndex = 0
    picker.setAttribute("role", "application")
    picker.setAttribute("aria-label", "Focal point: click the image, or move the point with the arrow keys")
    image.addEventListener("click", (event) => {
      const box = image.getBoundingClientRect()
      set((event.clientX - box.left) / box.width, (event.clientY - box.top) / box.height)
    })
    picker.addEventListener("keydown", (event) => {
      const steps = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }
      const step = steps[event.key]
      if (!step) return
      event.preventDefault()
      const size = event.shiftKey ? 0.1 : 0.01
      set((parseFloat(inputX.value) || 0) + step[0] * size, (parseFloat(inputY.value) || 0) + step[1] * size)
    })
    inputX.addEventListener("input", show)
    inputY.addEventListener("input", show)
    show()
  }

  // The admin loads its form's scripts in the page's head, before the form.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start)
  } else {
    start()
  }
})()
