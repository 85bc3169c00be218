/* global CKEDITOR */
// Sends Django's CSRF token with CKEditor's image uploads (the upload view is CSRF-protected).
;(() => {
  if (!window.CKEDITOR) return
  CKEDITOR.on("instanceCreated", (event) => {
    event.editor.on("fileUploadRequest", (uploadEvent) => {
      const field = document.querySelector("input[name=csrfmiddlewaretoken]")
      if (field) {
        uploadEvent.data.fileLoader.xhr.setRequestHeader("X-CSRFToken", field.value)
      }
    })
  })
})()
