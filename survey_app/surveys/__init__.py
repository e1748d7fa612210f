"""Questionnaire versions, survey rounds and the submission service.

- ``questionnaires``: store YAML questionnaires as immutable QuestionnaireVersion rows, rebuild definitions.
- ``rounds``: create, edit, open and close survey rounds; which rounds a user works in.
- ``submissions``: the one code path that saves a submission, for the web form and the JSON API.
- ``views``: the admin pages for rounds (blueprint ``rounds``, ``/rounds/``); ``cli``: the click groups.
"""
