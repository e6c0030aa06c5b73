"""The tool's Swedish and English texts, chosen by the launch's locale."""

from __future__ import annotations

from flask import g, request

LANGUAGES = ("sv", "en")

MESSAGES: dict[str, dict[str, str]] = {
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
    "refused_heading": {"sv": "Du kan inte ändra inställningarna", "en": "You cannot change these settings"},
    "refused_body": {
        "sv": "Bara kursens lärare (inte enbart lärarassistenter) eller lärosätets administratörer "
        "får ändra tidig åtkomst och samläsning.",
        "en": "Only the course's teachers (not teaching assistants only) or the institution's "
        "administrators may change early access and co-reading.",
    },
    "refused_admin_heading": {
        "sv": "Du har inte tillgång till administrationsvyn",
        "en": "You have no access to the admin view",
    },
    "refused_admin_body": {
        "sv": "Administrationsvyn är till för administratörer av Canvas rotkonto och de användare "
        "som verktygets konfiguration anger. Administratörer av underkonton har inte "
        "tillgång.",
        "en": "The admin view is for administrators of the Canvas root account and the users the "
        "tool's configuration names. Sub-account administrators have no access.",
    },
    "refused_sso_off": {
        "sv": "Inloggning utanför Canvas är inte aktiverad för verktyget.",
        "en": "Sign-in outside Canvas is not enabled for this tool.",
    },
    "refused_sso_untrusted": {
        "sv": "Administrationsvyn nås utanför Canvas bara genom lärosätets inloggning (SSO).",
        "en": "Outside Canvas, the admin view is reached only through the institution's sign-in (SSO).",
    },
    "refused_sso_no_identity": {
        "sv": "Lärosätets inloggning (SSO) skickade ingen identitet.",
        "en": "The institution's sign-in (SSO) sent no identity.",
    },
    "refused_sso_not_admin": {
        "sv": "Du är inloggad, men inte administratör för något lärosäte i verktyget.",
        "en": "You are signed in, but not an administrator of any institution in this tool.",
    },
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
    "admin_heading": {"sv": "Adapterns tillstånd", "en": "Adapter status"},
    "admin_institution": {"sv": "Lärosäte {id}", "en": "Institution {id}"},
    "admin_feed": {"sv": "Flödesposition", "en": "Feed position"},
    "admin_feed_none": {"sv": "Flödet har inte lästs ännu.", "en": "The feed has not been read yet."},
    "admin_feed_at": {"sv": "Sida {page}, senaste post {entry}, {at}", "en": "Page {page}, last entry {entry}, {at}"},
    "admin_inbox": {"sv": "Händelser i inkorgen", "en": "Events in the inbox"},
    "admin_inbox_none": {"sv": "Inga händelser har tagits emot.", "en": "No events have been received."},
    "admin_outcome": {"sv": "Utfall", "en": "Outcome"},
    "admin_count": {"sv": "Antal", "en": "Count"},
    "admin_jobs": {"sv": "Jobb", "en": "Jobs"},
    "admin_pending": {"sv": "Väntande", "en": "Pending"},
    "admin_dead": {"sv": "Misslyckade (döda)", "en": "Failed (dead letters)"},
    "admin_rejected": {"sv": "Avvisade poster", "en": "Rejected entries"},
    "admin_rejected_none": {"sv": "Inga avvisade poster.", "en": "No rejected entries."},
    "admin_entry": {"sv": "Post", "en": "Entry"},
    "admin_reason": {"sv": "Orsak", "en": "Reason"},
    "admin_when": {"sv": "Tid", "en": "When"},
    "admin_dead_keys": {"sv": "Misslyckade jobb", "en": "Failed jobs"},
    "admin_key": {"sv": "Nyckel", "en": "Key"},
    "admin_error": {"sv": "Fel", "en": "Error"},
    "admin_report": {"sv": "Senaste 24 timmarna", "en": "Last 24 hours"},
    "admin_report_events": {"sv": "Händelser från Ladok", "en": "Events from Ladok"},
    "admin_report_applied": {"sv": "Gjort i Canvas", "en": "Done in Canvas"},
    "admin_report_deferred": {"sv": "Uppskjutna borttagningar", "en": "Deferred removals"},
    "admin_report_failed": {"sv": "Misslyckade försök", "en": "Failed attempts"},
    "admin_report_lag": {"sv": "Äldsta väntande ändring", "en": "Oldest pending change"},
    "admin_explain": {"sv": "Förklara en student", "en": "Explain a student"},
    "admin_explain_student": {"sv": "Studentens Ladok-UID", "en": "The student's Ladok UID"},
    "admin_explain_offering": {"sv": "Kurstillfällets UID (valfritt)", "en": "Offering UID (optional)"},
    "admin_explain_button": {"sv": "Förklara", "en": "Explain"},
    "admin_explain_ladok": {"sv": "Vad Ladok sa", "en": "What Ladok said"},
    "admin_explain_decided": {"sv": "Vad reglerna beslutar", "en": "What the rules decide"},
    "admin_explain_done": {"sv": "Vad som gjorts i Canvas", "en": "What was done in Canvas"},
    "admin_explain_queue": {"sv": "Kö:", "en": "Queue:"},
    "admin_control": {"sv": "Styrning", "en": "Control"},
    "admin_paused": {
        "sv": "Pausad: händelser läses och sparas, men inget görs i Canvas.",
        "en": "Paused: events are read and stored, but nothing is done in Canvas.",
    },
    "admin_running": {"sv": "Igång: ändringar görs i Canvas.", "en": "Running: changes are made in Canvas."},
    "admin_pause": {"sv": "Pausa", "en": "Pause"},
    "admin_resume": {"sv": "Återuppta", "en": "Resume"},
    "admin_held": {"sv": "Borttagningar som hålls tillbaka", "en": "Held removals"},
    "admin_held_none": {"sv": "Inga borttagningar hålls tillbaka.", "en": "No removals are held."},
    "admin_student": {"sv": "Student", "en": "Student"},
    "admin_section": {"sv": "Sektion", "en": "Section"},
    "admin_course": {"sv": "Canvaskurs", "en": "Canvas course"},
    "admin_release": {"sv": "Släpp igenom alla", "en": "Release all"},
    "admin_discard": {"sv": "Förkasta alla", "en": "Discard all"},
    "admin_discard_confirm": {
        "sv": "Jag förstår att förkastade registreringar blir kvar i Canvas och inte längre hanteras av adaptern.",
        "en": "I understand that discarded enrollments stay in Canvas and are no longer managed by the adapter.",
    },
    "admin_retry_dead": {"sv": "Försök igen med alla misslyckade", "en": "Retry all failed"},
    "admin_done_pause": {"sv": "Pausad.", "en": "Paused."},
    "admin_done_resume": {"sv": "Återupptagen; det som väntar görs nu.", "en": "Resumed; the backlog is applied now."},
    "admin_done_release": {"sv": "{n} borttagningar släpps igenom.", "en": "{n} removals released."},
    "admin_done_discard": {"sv": "{n} borttagningar förkastade.", "en": "{n} removals discarded."},
    "admin_done_retry-dead": {"sv": "{n} misslyckade jobb köade igen.", "en": "{n} failed jobs queued again."},
    "admin_requests": {"sv": "Begäranden om samläsning", "en": "Co-reading requests"},
    "admin_requests_none": {"sv": "Inga begäranden väntar.", "en": "No requests are waiting."},
    "admin_offering": {"sv": "Kurstillfälle", "en": "Offering"},
    "admin_requested_by": {"sv": "Begärd av", "en": "Requested by"},
    "admin_approve": {"sv": "Godkänn", "en": "Approve"},
    "admin_reject": {"sv": "Avslå", "en": "Reject"},
    "admin_approve_named": {
        "sv": "Godkänn {offering} i Canvaskurs {course}",
        "en": "Approve {offering} in Canvas course {course}",
    },
    "admin_reject_named": {
        "sv": "Avslå {offering} i Canvaskurs {course}",
        "en": "Reject {offering} in Canvas course {course}",
    },
    "admin_done_approve": {
        "sv": "Begäran godkänd; studenterna läggs till i kursen.",
        "en": "Request approved; the students are being added to the course.",
    },
    "admin_done_reject": {
        "sv": "Begäran avslagen; kursen är oförändrad.",
        "en": "Request rejected; the course is unchanged.",
    },
    "error_request_gone": {
        "sv": "Begäran finns inte längre eller är redan avgjord.",
        "en": "That request no longer exists or was already decided.",
    },
    "admin_history": {"sv": "Ändringar av kursinställningar", "en": "Changes of course settings"},
    "admin_history_none": {"sv": "Inga ändringar ännu.", "en": "No changes yet."},
    "admin_change": {"sv": "Ändring", "en": "Change"},
    "admin_by": {"sv": "Av", "en": "By"},
    "admin_old_new": {"sv": "Från → till", "en": "From → to"},
    "change_early_access": {"sv": "Tidig åtkomst", "en": "Early access"},
    "change_purge_date": {"sv": "Gallringsdatum", "en": "Purge date"},
    "change_link": {"sv": "Kopplad", "en": "Linked"},
    "change_unlink": {"sv": "Bortkopplad", "en": "Unlinked"},
    "change_link_requested": {"sv": "Koppling begärd", "en": "Link requested"},
    "change_link_approved": {"sv": "Begäran godkänd", "en": "Request approved"},
    "change_link_rejected": {"sv": "Begäran avslagen", "en": "Request rejected"},
    "who_canvas": {"sv": "{name} (Canvas-användare {id})", "en": "{name} (Canvas user {id})"},
    "who_sso": {"sv": "{id} (SSO)", "en": "{id} (SSO)"},
    "admin_institutions": {"sv": "Lärosäten du administrerar", "en": "Institutions you administer"},
    "admin_explain_settings": {
        "sv": "Ändringar av kursinställningar som rör studenten",
        "en": "Changes of course settings that concern the student",
    },
    "error_confirm": {"sv": "Kryssa i bekräftelsen först.", "en": "Tick the confirmation first."},
    "signed_in_as": {"sv": "Inloggad som {name}", "en": "Signed in as {name}"},
    # LTI login and launch: the pages between Canvas and the tool, and every refusal (app/lti/refusals.py).
    "lti_opening": {"sv": "Kursadministration öppnas", "en": "Opening Course administration"},
    "lti_opening_wait": {"sv": "Ett ögonblick …", "en": "One moment…"},
    "lti_needs_javascript": {
        "sv": "Verktyget behöver JavaScript för att kunna öppnas i Canvas.",
        "en": "The tool needs JavaScript to open inside Canvas.",
    },
    "lti_new_tab_heading": {"sv": "Öppna verktyget i en ny flik", "en": "Open the tool in a new tab"},
    "lti_cookies_blocked": {
        "sv": "Din webbläsare låter inte verktyget komma ihåg inloggningen här i Canvas ram "
        "(kakor från tredje part är blockerade), och Canvas erbjöd ingen annan lagring.",
        "en": "Your browser does not let the tool remember the login here in Canvas's frame "
        "(third-party cookies are blocked), and Canvas offered no other storage.",
    },
    "lti_open_new_tab": {
        "sv": "Öppna Kursadministration i en ny flik",
        "en": "Open Course administration in a new tab",
    },
    "lti_storage_failed": {
        "sv": "Inloggningen kunde inte läsas tillbaka från Canvas.",
        "en": "The login could not be read back from Canvas.",
    },
    "lti_login_unknown_platform": {
        "sv": "Verktyget känner inte igen den Canvas som startade det (okänd utfärdare eller klient-id).",
        "en": "The tool does not recognise the Canvas that started it (unknown issuer or client id).",
    },
    "lti_login_incomplete": {
        "sv": "Canvas start av verktyget saknade uppgifter som krävs (login_hint).",
        "en": "Canvas started the tool without details it must send (login_hint).",
    },
    "lti_token_malformed": {
        "sv": "Startmeddelandet från Canvas var felaktigt utformat och kunde inte läsas.",
        "en": "The launch message from Canvas was malformed and could not be read.",
    },
    "lti_message_type": {
        "sv": "Verktyget kan bara öppnas som länk från kurs- eller kontomenyn, inte för "
        "djuplänkning eller andra sorters meddelanden.",
        "en": "The tool opens only as a link from the course or account menu, not for deep "
        "linking or other kinds of message.",
    },
    "lti_message_invalid": {
        "sv": "Startmeddelandet saknade uppgifter som LTI 1.3 kräver (användare, version, roller eller resurslänk).",
        "en": "The launch message lacked details LTI 1.3 requires (user, version, roles or resource link).",
    },
    "lti_unknown_platform": {
        "sv": "Startmeddelandet kom från en plattform eller klient som verktyget inte är registrerat hos.",
        "en": "The launch came from a platform or client the tool is not registered with.",
    },
    "lti_key_set": {
        "sv": "Canvas publika nycklar kunde inte hämtas eller läsas, så starten kunde inte kontrolleras.",
        "en": "Canvas's public keys could not be fetched or read, so the launch could not be checked.",
    },
    "lti_unknown_key": {
        "sv": "Startmeddelandet var signerat med en nyckel som Canvas inte publicerar.",
        "en": "The launch message was signed with a key Canvas does not publish.",
    },
    "lti_signature": {
        "sv": "Startmeddelandets signatur stämmer inte.",
        "en": "The launch message's signature does not match.",
    },
    "lti_expired": {"sv": "Startmeddelandet har gått ut.", "en": "The launch message has expired."},
    "lti_not_yet_valid": {
        "sv": "Startmeddelandet är utfärdat i framtiden; klockorna går olika.",
        "en": "The launch message was issued in the future; the clocks disagree.",
    },
    "lti_audience": {
        "sv": "Startmeddelandet var avsett för ett annat verktyg.",
        "en": "The launch message was meant for another tool.",
    },
    "lti_deployment": {
        "sv": "Verktyget är inte installerat med den här driftsättningen (deployment) i Canvas.",
        "en": "The tool is not installed with this deployment in Canvas.",
    },
    "lti_state": {
        "sv": "Starten började inte i den här webbläsaren, eller så gick inloggningen förlorad på vägen "
        "(blockerade kakor).",
        "en": "The launch did not start in this browser, or its login was lost on the way (blocked cookies).",
    },
    "lti_nonce": {
        "sv": "Startmeddelandet har redan använts eller är för gammalt.",
        "en": "The launch message has already been used or is too old.",
    },
    "lti_target": {
        "sv": "Startmeddelandet var avsett för en annan adress än verktygets.",
        "en": "The launch message was meant for another address than the tool's.",
    },
}


def current_language() -> str:
    """The language of this request: the launch's, else the browser's best match, else English."""
    lang = getattr(g, "lang", None)
    if lang in LANGUAGES:
        return lang
    return request.accept_languages.best_match(LANGUAGES) or "en"


def translate(key: str, **values: object) -> str:
    """The message in the current language, with {placeholders} filled in."""
    text = MESSAGES[key][current_language()]
    return text.format(**values) if values else text


def who(by: str, name: str | None) -> str:
    """Who made a change, for the pages: a Canvas user by name and id, an SSO identity, or as recorded."""
    kind, _, ident = by.partition(":")
    if kind == "canvas":
        return translate("who_canvas", name=name or "?", id=ident)
    if kind == "sso":
        return translate("who_sso", id=ident)
    return by
