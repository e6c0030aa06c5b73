"""Texts for a refused or unfinished launch and a refused sign-in, in Swedish and English."""

LAUNCH: dict[str, dict[str, str]] = {
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
