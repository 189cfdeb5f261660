"""Internal ISO processes (quy trình nội bộ giải quyết thủ tục hành chính).

`design/` is pure Python (no Django): the process design as frozen dataclasses, its validation against
the legal time limit, version diffs, and the renderings an agency publishes or imports elsewhere (SVG
flowchart, BPMN 2.0, DOCX and PDF). The Django app that stores designs, versions and publishes them
builds on it.
"""
