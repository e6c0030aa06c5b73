"""The course page's texts and the tool's common ones (headings, errors), in Swedish and English."""

COURSE: dict[str, dict[str, str]] = {
    "app_name": {"sv": "Kursadministration", "en": "Course administration"},
    "skip_to_main": {"sv": "Hoppa till huvudinnehållet", "en": "Skip to main content"},
    "course_heading": {"sv": "Kurstillfällen i den här kursen", "en": "Course offerings in this course"},
    "course_intro": {
        "sv": "Här styr du tidig åtkomst och samläsning för Canvaskursen {course}.",
        "en": "Here you control early access and co-reading for Canvas course {course}.",
    },
    "offerings_heading": {"sv": "Kurstillfällen", "en": "Offerings"},
    "no_offerings": {
        "sv": "Inga kurstillfällen är kopplade till kursen ännu.",
        "en": "No course offerings are connected to this course yet.",
    },
    "col_code": {"sv": "Kod", "en": "Code"},
    "col_name": {"sv": "Namn", "en": "Name"},
    "col_term": {"sv": "Termin", "en": "Term"},
    "col_start": {"sv": "Startdatum", "en": "Start date"},
    "col_admitted": {"sv": "Antagna", "en": "Admitted"},
    "col_registered": {"sv": "Registrerade", "en": "Registered"},
    "col_in_canvas": {"sv": "I Canvas", "en": "In Canvas"},
    "col_how": {"sv": "Koppling", "en": "Connection"},
    "col_action": {"sv": "Åtgärd", "en": "Action"},
    "how_own": {"sv": "Egen sektion", "en": "Own section"},
    "how_linked": {"sv": "Samläsning", "en": "Co-reading"},
    "early_heading": {"sv": "Tidig åtkomst", "en": "Early access"},
    "early_help": {
        "sv": "Med tidig åtkomst får antagna studenter tillgång till kursen innan de registrerats. "
        "Vid gallringsdatumet tas antagna men oregistrerade studenter bort.",
        "en": "With early access, admitted students get into the course before they register. "
        "On the purge date, admitted but unregistered students are removed.",
    },
    "early_enabled": {"sv": "Tidig åtkomst på", "en": "Early access on"},
    "early_state_on": {
        "sv": "Tidig åtkomst är på. Gallringsdatum: {date}.",
        "en": "Early access is on. Purge date: {date}.",
    },
    "early_state_off": {"sv": "Tidig åtkomst är av.", "en": "Early access is off."},
    "purge_date": {"sv": "Gallringsdatum", "en": "Purge date"},
    "purge_default": {
        "sv": "Förslag: {date} (tidigaste startdatum + 14 dagar).",
        "en": "Suggested: {date} (earliest start date + 14 days).",
    },
    "save": {"sv": "Spara", "en": "Save"},
    "coread_heading": {"sv": "Samläsning", "en": "Co-reading"},
    "coread_consent": {
        "sv": "Du kan koppla kurstillfällen vars egen Canvaskurs du är lärare i. Andra kopplingar "
        "skickas till en administratör för godkännande.",
        "en": "You can link offerings whose own Canvas course you teach. Other links are sent to an "
        "administrator for approval.",
    },
    "link_requested": {
        "sv": "Din begäran om samläsning väntar på en administratörs godkännande. Inga studenter "
        "läggs till innan dess.",
        "en": "Your co-reading request waits for an administrator's approval. No students are added until then.",
    },
    "requests_heading": {"sv": "Begärda kopplingar", "en": "Requested links"},
    "col_requested": {"sv": "Begärd", "en": "Requested"},
    "col_status": {"sv": "Status", "en": "Status"},
    "request_pending": {"sv": "Väntar på godkännande", "en": "Waiting for approval"},
    "request_rejected": {"sv": "Avslagen", "en": "Rejected"},
    "error_canvas_check": {
        "sv": "Canvas kunde inte svara på om du är lärare i kurstillfällets kurs. Ingenting har "
        "ändrats; försök igen om en stund.",
        "en": "Canvas could not tell whether you teach the offering's course. Nothing was "
        "changed; try again in a while.",
    },
    "search_label": {"sv": "Sök kurstillfälle (kod, namn eller termin)", "en": "Search offerings (code, name or term)"},
    "search_button": {"sv": "Sök", "en": "Search"},
    "search_results": {"sv": "Sökresultat för \u201d{q}\u201d", "en": "Search results for \u201c{q}\u201d"},
    "search_none": {"sv": "Inga kurstillfällen matchade.", "en": "No offerings matched."},
    "link": {"sv": "Koppla", "en": "Link"},
    "link_named": {"sv": "Koppla {name}", "en": "Link {name}"},
    "unlink_named": {"sv": "Koppla bort {name}", "en": "Unlink {name}"},
    "unlink": {"sv": "Koppla bort", "en": "Unlink"},
    "already_linked": {"sv": "Redan i kursen", "en": "Already in the course"},
    "status_heading": {"sv": "Status i Canvas", "en": "Status in Canvas"},
    "status_pending": {
        "sv": "Väntar… {n} ändringar är ännu inte gjorda i Canvas.",
        "en": "Pending… {n} changes are not yet made in Canvas.",
    },
    "status_failed": {
        "sv": "{n} ändringar misslyckades; administratören är informerad.",
        "en": "{n} changes failed; the administrator has been told.",
    },
    "status_done": {"sv": "Canvas är uppdaterat.", "en": "Canvas is up to date."},
    "check_again": {"sv": "Kontrollera igen", "en": "Check again"},
    "saved": {"sv": "Ändringen är sparad.", "en": "Your change is saved."},
    "roles_received": {"sv": "Roller som Canvas skickade:", "en": "Roles Canvas sent:"},
    "no_roles": {"sv": "(inga)", "en": "(none)"},
    "error_heading": {"sv": "Verktyget kunde inte öppnas", "en": "The tool could not be opened"},
    "error_reopen": {
        "sv": "Öppna verktyget igen från kursmenyn i Canvas.",
        "en": "Open the tool again from the course menu in Canvas.",
    },
    "error_no_course": {
        "sv": "Starten saknar Canvas kurs-id (custom-fältet canvas_course_id).",
        "en": "The launch has no Canvas course id (custom field canvas_course_id).",
    },
    "error_session": {
        "sv": "Sidan hör till en annan eller utgången start av verktyget.",
        "en": "This page belongs to another or an expired launch of the tool.",
    },
    "error_csrf": {
        "sv": "Formuläret saknade en giltig säkerhetstoken; ladda om sidan och försök igen.",
        "en": "The form had no valid security token; reload the page and try again.",
    },
    "error_form": {"sv": "Kontrollera fälten: {errors}", "en": "Please check the fields: {errors}"},
    "error_bad_request": {
        "sv": "Begäran var ofullständig; ladda om sidan och försök igen.",
        "en": "The request was incomplete; reload the page and try again.",
    },
    "error_unknown_offering": {"sv": "Kurstillfället finns inte.", "en": "That course offering does not exist."},
    "error_request_gone": {
        "sv": "Begäran finns inte längre eller är redan avgjord.",
        "en": "That request no longer exists or was already decided.",
    },
    "change_early_access": {"sv": "Tidig åtkomst", "en": "Early access"},
    "change_purge_date": {"sv": "Gallringsdatum", "en": "Purge date"},
    "change_link": {"sv": "Kopplad", "en": "Linked"},
    "change_unlink": {"sv": "Bortkopplad", "en": "Unlinked"},
    "change_link_requested": {"sv": "Koppling begärd", "en": "Link requested"},
    "change_link_approved": {"sv": "Begäran godkänd", "en": "Request approved"},
    "change_link_rejected": {"sv": "Begäran avslagen", "en": "Request rejected"},
    "error_confirm": {"sv": "Kryssa i bekräftelsen först.", "en": "Tick the confirmation first."},
    "signed_in_as": {"sv": "Inloggad som {name}", "en": "Signed in as {name}"},
    # LTI login and launch: the pages between Canvas and the tool, and every refusal (app/lti/refusals.py).
}
