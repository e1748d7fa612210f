"""The enumerator's data entry on tablets: the household list of a round, the questionnaire rendered from its
definition (one section per screen, run by static/js/form_view.js and engine.js), drafts and submission through the
submission service, and adding a household met in the field. Blueprint ``fieldwork`` under ``/fieldwork``."""
