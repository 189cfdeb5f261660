"""The dossier state machine (trạng thái hồ sơ), pure Python: which action is allowed in which state.

Services ask `require(state, action)` before changing anything; the stateful property test drives the
same table. States follow the status names of national data (domain.md §4):

    counter_supplement ──receive──▶ processing ◀──supplement_received── supplement_requested
    (form 02 at the counter)          │  ▲ │ └──request_supplement (form 02, ≤ 3 working days)──┘
                                      │  │ └─complete_step / return_to_step / forward / consult / extend (form 04)
                                      │  └ (work items move through the internal process)
                                      ├─finish_processing──▶ result_ready ──return_result──▶ returned
                                      ├─refuse (form 03)──▶ refused
                                      ├─stop (form 05)────▶ stopped
                                      └─withdraw──────────▶ withdrawn
    counter_refused (form 03 at the counter) is final from the start.
"""

from __future__ import annotations

from typing import Literal

State = Literal[
    "counter_supplement",
    "counter_refused",
    "processing",
    "supplement_requested",
    "result_ready",
    "returned",
    "refused",
    "stopped",
    "withdrawn",
]
Action = Literal[
    "receive",
    "complete_step",
    "return_to_step",
    "forward",
    "claim",
    "consult",
    "answer_consultation",
    "request_supplement",
    "supplement_received",
    "extend",
    "finish_processing",
    "refuse",
    "stop",
    "withdraw",
    "return_result",
]

STATES: tuple[State, ...] = (
    "counter_supplement",
    "counter_refused",
    "processing",
    "supplement_requested",
    "result_ready",
    "returned",
    "refused",
    "stopped",
    "withdrawn",
)

# The state each action leads to; actions that keep the state map to None.
TRANSITIONS: dict[State, dict[Action, State | None]] = {
    "counter_supplement": {"receive": "processing", "withdraw": "withdrawn"},
    "counter_refused": {},
    "processing": {
        "claim": None,
        "complete_step": None,
        "return_to_step": None,
        "forward": None,
        "consult": None,
        "answer_consultation": None,
        "extend": None,
        "request_supplement": "supplement_requested",
        "finish_processing": "result_ready",
        "refuse": "refused",
        "stop": "stopped",
        "withdraw": "withdrawn",
    },
    "supplement_requested": {
        "supplement_received": "processing",
        "stop": "stopped",
        "withdraw": "withdrawn",
    },
    "result_ready": {"return_result": "returned", "claim": None, "complete_step": None},
    "returned": {},
    "refused": {},
    "stopped": {},
    "withdrawn": {},
}

# States whose legal clock runs (or waits for the applicant) — the dossier is still being settled.
OPEN_STATES: frozenset[State] = frozenset({"processing", "supplement_requested"})
# States that end the dossier: nothing may happen afterwards.
FINAL_STATES: frozenset[State] = frozenset(s for s, actions in TRANSITIONS.items() if not actions)
# States in which the dossier was settled (processing finished) — counted early / on time / late.
SETTLED_STATES: frozenset[State] = frozenset({"result_ready", "returned", "refused"})

STATE_LABELS_VI: dict[State, str] = {
    "counter_supplement": "Yêu cầu bổ sung tại quầy",
    "counter_refused": "Từ chối tiếp nhận",
    "processing": "Đang xử lý",
    "supplement_requested": "Chờ bổ sung",
    "result_ready": "Đã có kết quả",
    "returned": "Đã trả kết quả",
    "refused": "Từ chối giải quyết",
    "stopped": "Dừng xử lý",
    "withdrawn": "Rút hồ sơ",
}

ACTION_LABELS_VI: dict[Action, str] = {
    "receive": "tiếp nhận",
    "complete_step": "hoàn thành bước",
    "return_to_step": "trả lại bước trước",
    "forward": "chuyển người xử lý",
    "claim": "nhận xử lý",
    "consult": "lấy ý kiến",
    "answer_consultation": "trả lời xin ý kiến",
    "request_supplement": "yêu cầu bổ sung",
    "supplement_received": "nhận hồ sơ bổ sung",
    "extend": "xin lỗi và hẹn lại",
    "finish_processing": "có kết quả giải quyết",
    "refuse": "từ chối giải quyết",
    "stop": "dừng xử lý",
    "withdraw": "rút hồ sơ",
    "return_result": "trả kết quả",
}


class TransitionRefused(Exception):
    """An action the dossier's state does not allow; `message_vi` says why."""

    def __init__(self, state: str, action: str) -> None:
        self.state, self.action = state, action
        state_label = STATE_LABELS_VI.get(state, state)  # type: ignore[call-overload]
        action_label = ACTION_LABELS_VI.get(action, action)  # type: ignore[call-overload]
        allowed = ", ".join(ACTION_LABELS_VI[a] for a in TRANSITIONS.get(state, {}))  # type: ignore[call-overload]
        self.message_vi = f"Không thể {action_label} khi hồ sơ ở trạng thái “{state_label}”." + (
            f" Được phép: {allowed}." if allowed else " Hồ sơ đã kết thúc."
        )
        super().__init__(self.message_vi)


def allowed_actions(state: str) -> tuple[str, ...]:
    return tuple(TRANSITIONS.get(state, {}))  # type: ignore[call-overload]


def next_state(state: str, action: str) -> str:
    """The state after `action`, or TransitionRefused."""
    actions = TRANSITIONS.get(state, {})  # type: ignore[call-overload]
    if action not in actions:
        raise TransitionRefused(state, action)
    target = actions[action]
    return state if target is None else target
