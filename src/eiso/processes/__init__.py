"""Internal ISO processes (quy trình nội bộ giải quyết thủ tục hành chính), Django app `processes`.

`design/` is pure Python (no Django): the process design as frozen dataclasses, its validation against
the legal time limit, version diffs, and the renderings an agency publishes or imports elsewhere (SVG
flowchart, BPMN 2.0, DOCX and PDF); `editing.py` and `generate.py` are pure too. The app around them
stores processes and numbered versions with their lifecycle (models, services, rules), the pages and
API, and the legal-change watch (`ReviewFlag`, one mechanism for every app; see `models.py`).
"""
