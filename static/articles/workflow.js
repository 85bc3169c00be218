"use strict";
// The article form's "Publish" button says "Schedule" while the publication time typed is in the future.
(function () {
    function publicationTime() {
        const day = document.getElementById("id_published_at_0");
        const time = document.getElementById("id_published_at_1");
        if (!day || !day.value) {
            return null;
        }
        const moment = new Date(`${day.value}T${(time && time.value) || "00:00:00"}`);
        return Number.isNaN(moment.getTime()) ? null : moment;
    }

    function update() {
        const moment = publicationTime();
        const scheduled = moment !== null && moment > new Date();
        for (const button of document.querySelectorAll("button[data-publish-label]")) {
            button.textContent = scheduled ? button.dataset.scheduleLabel : button.dataset.publishLabel;
        }
    }

    document.addEventListener("DOMContentLoaded", function () {
        for (const id of ["id_published_at_0", "id_published_at_1"]) {
            const input = document.getElementById(id);
            if (input) {
                input.addEventListener("input", update);
                input.addEventListener("change", update);
            }
        }
        // The admin's calendar and clock set the fields without an input event.
        document.addEventListener("click", function () { window.setTimeout(update, 0); });
        update();
    });
})();
