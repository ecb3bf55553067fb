"""The plan settles what it can before sending: invalid, existing, journalled rows."""

from __future__ import annotations

from typing import Any

from pipeline.labels import LabelSpec
from pipeline.plan import changes_for, differences, fingerprint, index_labels, plan
from pipeline.rows import CheckedRow, JournalEntry, Problem, RawRow


def row(number: int, name: str, kind: str = "star", **extra: Any) -> CheckedRow:
    label = LabelSpec.parse({"name": name, "type": kind, **extra})
    return CheckedRow(RawRow(number, None, {"name": name, "type": kind}), label, [])


def bad_row(number: int) -> CheckedRow:
    problem = Problem(number, None, "type", "xyz", '"xyz" is not a valid choice.', "use star")
    raw = RawRow(number, None, {"Name": "Odd", "Type": "xyz"})
    return CheckedRow(raw, None, [problem], name="Odd", type="xyz")


SERVER: list[dict[str, Any]] = [
    {
        "id": "a",
        "name": "Quality ",
        "type": "star",
        "project": None,
        "settings": {"no_of_stars": 5},
        "description": None,
    },
    {
        "id": "b",
        "name": "Old",
        "type": "star",
        "project": None,
        "archived": True,
        "settings": {"no_of_stars": 5},
    },
]


def test_existing_labels_are_matched_by_case_folded_trimmed_name_and_type() -> None:
    index = index_labels(SERVER)
    rows = [row(2, "quality"), row(3, "quality", "text"), row(4, "old"), bad_row(5)]

    outcomes, jobs = plan(rows, index, on_existing="skip", journal={})

    assert [o.status for o in outcomes] == ["existing", "not_attempted", "not_attempted", "invalid"]
    assert outcomes[0].label_id == "a"
    assert [j.index for j in jobs] == [1, 2]  # archived labels do not block a create
    assert outcomes[3].name == "Odd" and outcomes[3].type == "xyz"
    assert outcomes[3].error == 'type: "xyz" is not a valid choice. (use star)'


def test_on_existing_fail_and_update() -> None:
    index = index_labels(SERVER)
    same, changed = row(2, "Quality"), row(3, "Quality", description="new")

    failed, _ = plan([same], index, on_existing="fail", journal={})
    unchanged, no_jobs = plan([same], index, on_existing="update", journal={})
    _, update_jobs = plan([changed], index, on_existing="update", journal={})

    assert failed[0].status == "failed"
    assert unchanged[0].status == "existing" and no_jobs == []
    assert update_jobs[0].action == "update"
    assert changed.label is not None
    assert changes_for(changed.label.payload(), SERVER[0]) == {"description": "new"}


def test_resume_skips_rows_done_with_the_same_payload_only() -> None:
    done, edited, failed = row(2, "A"), row(3, "B"), row(4, "C")
    assert done.label is not None
    journal: dict[tuple[str | None, int], JournalEntry] = {
        (None, 2): JournalEntry(2, None, fingerprint(done.label.payload()), "created", "id-a"),
        (None, 3): JournalEntry(3, None, "stale", "created", "id-b"),
        (None, 4): JournalEntry(4, None, "whatever", "failed", None),
    }

    outcomes, jobs = plan([done, edited, failed], {}, on_existing="skip", journal=journal)

    assert (outcomes[0].status, outcomes[0].label_id) == ("created", "id-a")
    assert [j.index for j in jobs] == [1, 2]


def test_differences_name_each_settings_key_with_both_values_cut_short() -> None:
    server = {"description": "x" * 60, "settings": {"no_of_stars": 5, "colour": None}}
    label = LabelSpec.parse({"name": "Q", "type": "star", "description": "short"})

    found = differences(label.payload(), server)

    assert found == [
        f'description: "{"x" * 38}… on the server, "short" in the row',
        "settings.colour: null on the server, nothing in the row",
    ]
