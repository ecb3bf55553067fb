"""What each real JSON export (Argilla, Braintrust, Langfuse, LangSmith, Opik, Phoenix) in
../shared/realworld must become.

Judged from the files themselves: Argilla questions are named by their titles unless
titles repeat in the export (then by their names); every attribute a mapping drops is
in `lost`, and so is every value we had to choose (a bound, a step); a record our server
cannot hold is `invalid` with a message naming the export's own field.
"""

from __future__ import annotations

from typing import Any

from tests.read.migrate.realworld import Expectation, Refused, Row

# Refused and Row are what the table is written in.
__all__ = ["EXPECTED", "Refused", "Row"]


def options(*pairs: tuple[str, str], multi: bool = False) -> dict[str, Any]:
    """A categorical label's stored settings: its options in order, and multi_choice."""
    return {
        "options": [{"label": label, "value": value} for label, value in pairs],
        "multi_choice": multi,
    }


def scale(low: float, high: float, step: float, display: str = "slider") -> dict[str, Any]:
    return {"min": low, "max": high, "step_size": step, "display_type": display}


YES_NO = options(("Yes", "yes"), ("No", "no"))
REPEATED = "titles repeat"
PHOENIX_SEEDED = Row(
    "user_feedback",
    "categorical",
    settings=options(("positive", "1"), ("negative", "0")),
    lost=("kept as text", "optimization_direction MAXIMIZE"),
)
RUBRIC = "rubric item: its description is carried by the config"

ARGILLA: dict[str, Expectation] = {
    "argilla/argilla-docs-howto-question-types.settings.json": (
        Row(
            "Is the response relevant for the given prompt?",
            "categorical",
            settings=options(("Yes", "YES"), ("No", "NO")),
            lost=("required",),
        ),
        Row(
            "Does the response include any of the following?",
            "categorical",
            settings=options(
                ("Hate Speech", "hate"),
                ("Sexual content", "sexual"),
                ("Violent content", "violent"),
                ("Personal information", "pii"),
                ("Untruthful info", "untruthful"),
                ("Not English", "not_english"),
                ("Inappropriate content", "inappropriate"),
                multi=True,
            ),
            lost=("visible_options 4", "required"),
        ),
        Row(
            "Order replies based on your preference",
            "",
            "skipped",
            error="ranking questions have no Future AGI equivalent",
        ),
        Row(
            "How satisfied are you with the response?",
            "star",
            settings={"no_of_stars": 10},
            lost=("required",),
        ),
        Row(
            "Select the entities in the text",
            "",
            "skipped",
            error="span questions have no Future AGI equivalent",
        ),
        Row(
            "Please provide feedback on the response",
            "text",
            lost=("use_markdown", "required"),
        ),
    ),
    "argilla/argilla-sdk-template-for-ranking.settings.json": (
        Row("ranking", "", "skipped", error="ranking questions have no Future AGI equivalent"),
    ),
    "argilla/argilla-sdk-template-for-rating.settings.json": (
        Row("rating", "star", settings={"no_of_stars": 5}, lost=("required",)),
    ),
    "argilla/dibt-image-preferences.settings.json": (
        Row(
            "Image preference",
            "categorical",
            settings=options(
                ("Image 1 is better", "image_1"),
                ("Image 2 is better", "image_2"),
                ("Both images are good", "both_good"),
                ("Both images are bad", "both_bad"),
                ("Toxic content \u26a0\ufe0f", "toxic_content"),
            ),
            lost=("visible_options 5", "required"),
        ),
    ),
    # Four questions share one title: each is named by its name, the title kept.
    "argilla/distilabel-argilla-labeller-questions.json": (
        Row("label_selection", "categorical", settings=YES_NO, lost=(REPEATED,)),
        Row(
            "multi_label_selection",
            "categorical",
            settings={**YES_NO, "multi_choice": True},
            lost=(REPEATED,),
        ),
        Row(
            "rating",
            "",
            "invalid",
            lost=("options text", REPEATED),
            error="a rating question needs at least two values",
        ),
        Row("text", "text", lost=(REPEATED,)),
    ),
    "argilla/distilabel-preference-to-argilla.settings.json": (
        Row(
            "Rate generations-0 given instruction.",
            "star",
            settings={"no_of_stars": 5},
            lost=("required",),
        ),
        Row("Specify the rationale for generations-0's rating.", "text"),
        Row("Rate generations-1 given instruction.", "star", settings={"no_of_stars": 5}),
        Row("Specify the rationale for generations-1's rating.", "text"),
        Row("How would you improve the response?", "text"),
    ),
    "argilla/server-list-dataset-questions.json": (
        Row("Text Question", "text", lost=("required",)),
        # 0..10 is not a star scale: numeric buttons, Argilla's step.
        Row("Rating Question", "numeric", settings=scale(0, 10, 1, "button")),
    ),
    # As Argilla's server answers: repeated options, one title for every question.
    "argilla/server-questions-duplicate-values.json": (
        Row(
            "question-11",
            "star",
            settings={"no_of_stars": 2},
            lost=("rating values 2 listed more than once", REPEATED),
        ),
        Row(
            "question-12",
            "categorical",
            settings=options(("a", "a"), ("b", "b")),
            lost=("b more than once", "option descriptions", REPEATED),
        ),
        Row(
            "question-13",
            "categorical",
            settings=options(("a", "a"), ("b", "b"), multi=True),
            lost=("b more than once", "option descriptions", REPEATED),
        ),
    ),
}

BRAINTRUST: dict[str, Expectation] = {
    "braintrust/braintrust-migrate-test-project-scores.json": (
        Row("Test Score", "numeric", settings=scale(0, 1, 0.01)),
        Row("Score with Config", "numeric", settings=scale(0, 1, 0.01), lost=("config.online",)),
        Row("Minimal Score", "numeric", settings=scale(0, 1, 0.01)),
    ),
    "braintrust/braintrust-minsky-reviewer-finding-label.json": (
        Row(
            "reviewer-finding-label",
            "categorical",
            settings=options(
                ("false_positive", "0"),
                ("cant_tell", "0.33"),
                ("valid_nonblocking", "0.67"),
                ("valid_blocking", "1"),
            ),
            lost=("kept as text", "config.destination expected"),
        ),
    ),
    "braintrust/braintrust-terraform-free-form-scores.json": (
        Row("quality", "text"),
        Row("test-score", "text"),
    ),
}

LANGFUSE: dict[str, Expectation] = {
    "langfuse/langfuse-seed-postgres-configs.json": (
        Row(
            "manual-score",
            "numeric",
            settings=scale(0, 10, 1),
            lost=("no lower bound", "no upper bound", "no step"),
        ),
        Row(
            "Accuracy",
            "categorical",
            settings=options(("Incorrect", "0"), ("Partially Correct", "1"), ("Correct", "2")),
            lost=("kept as text",),
        ),
        Row("Toxicity", "thumbs_up_down"),
        Row("Feedback", "text"),
    ),
    "langfuse/langfuse-seeder-annotation-queue-configs.json": (
        Row(
            "Accuracy",
            "categorical",
            settings=options(
                ("Fully Correct", "2"), ("Partially Correct", "1"), ("Incorrect", "0")
            ),
            lost=("kept as text",),
        ),
        Row(
            "Sentiment",
            "categorical",
            settings=options(("Pos", "1"), ("Neu", "0"), ("Neg", "-1")),
            lost=("kept as text",),
        ),
        Row(
            "Quality",
            "categorical",
            settings=options(
                ("Excellent", "5"), ("Good", "4"), ("Fair", "3"), ("Poor", "2"), ("Unusable", "1")
            ),
            lost=("kept as text",),
        ),
        Row("Toxicity", "thumbs_up_down"),
        Row("Helpfulness (1-5)", "numeric", settings=scale(1, 5, 1), lost=("no step",)),
        Row("Confidence (0-1)", "numeric", settings=scale(0, 1, 0.1), lost=("no step",)),
        Row(
            "Token estimate",
            "numeric",
            settings=scale(0, 10, 1),
            lost=("no lower bound", "no upper bound", "no step"),
        ),
        Row("Feedback", "text"),
        Row(
            "Legacy rating",
            "categorical",
            "skipped",
            lost=("kept as text",),
            error="archived in Langfuse score configs",
        ),
    ),
    "langfuse/langfuse-servertest-score-configs.json": (
        Row(
            "Test Numeric Config",
            "numeric",
            settings=scale(0, 10, 1),
            lost=("no upper bound", "no step"),
        ),
        Row(
            "Test Categorical Config",
            "categorical",
            settings=options(("A", "0"), ("B", "1"), ("C", "2")),
            lost=("kept as text",),
        ),
        Row("Test Boolean Config", "thumbs_up_down"),
        # Scores of 0 or below: no scale our server can hold, said in Langfuse's terms.
        Row(
            "numeric-config-name",
            "numeric",
            "invalid",
            error="maxValue is 0 and there is no minValue",
        ),
        Row("boolean-config-name", "thumbs_up_down"),
        Row(
            "categorical-config-name",
            "categorical",
            settings=options(("Good", "1"), ("Bad", "0")),
            lost=("kept as text",),
        ),
        Row("text-config-name", "text"),
    ),
}

LANGSMITH: dict[str, Expectation] = {
    "langsmith/langsmith-echo-v2-feedback-configs-with-rubric.json": (
        Row(
            "correct_decision",
            "categorical",
            settings=options(
                ("waiting_for_me", "0"), ("not_waiting_for_me", "1"), ("uncertain", "2")
            ),
            lost=("kept as text", "value_descriptions", "is_required"),
        ),
        Row(
            "judge_was_correct",
            "categorical",
            settings=options(("yes", "1"), ("no", "0")),
            lost=("kept as text", "value_descriptions", "is_required"),
        ),
        Row("annotation_notes", "text"),
        Row("correct_decision", "", "skipped", error=RUBRIC),
        Row("judge_was_correct", "", "skipped", error=RUBRIC),
        Row("annotation_notes", "", "skipped", error=RUBRIC),
    ),
    "langsmith/langsmith-sdk-feedback-configs.json": (
        Row(
            "test_config_0f3a9c2e",
            "numeric",
            settings=scale(0, 1, 0.1),
            lost=("no step", "is_lower_score_better"),
        ),
        Row(
            "user-rating",
            "numeric",
            settings=scale(0, 5, 1),
            lost=("no step", "is_lower_score_better"),
        ),
    ),
}

OPIK: dict[str, Expectation] = {
    "opik/opik-api-schema-examples.json": (
        Row(
            "schema-example-boolean", "thumbs_up_down", lost=("trueLabel/falseLabel (Pass / Fail)",)
        ),
        Row("e2e-namespace-quality", "numeric", settings=scale(0, 1, 0.1), lost=("no step",)),
    ),
    "opik/opik-default-user-feedback.json": (
        Row(
            "User feedback",
            "categorical",
            settings=options(("\U0001f44d", "1"), ("\U0001f44e", "0")),
            lost=("kept as text",),
        ),
    ),
    "opik/opik-frontend-e2e-feedback-definitions.json": (
        Row(
            "e2e-ui-categorical",
            "categorical",
            settings=options(("first", "0.0000012"), ("second", "-2"), ("third", "333")),
            lost=("kept as text",),
        ),
        Row("e2e-ui-numerical", "numeric", settings=scale(0, 10, 1), lost=("no step",)),
        Row(
            "e2e-ui-categorical_modified",
            "categorical",
            settings=options(("fourth", "4"), ("fifth", "5")),
            lost=("kept as text",),
        ),
        Row("e2e-ui-numerical_modified", "numeric", settings=scale(1, 100, 1), lost=("no step",)),
    ),
}

PHOENIX: dict[str, Expectation] = {
    "phoenix/phoenix-cli-annotation-config-list.json": (
        Row(
            "quality",
            "categorical",
            settings=options(("good", "1"), ("bad", "0")),
            lost=("kept as text", "optimization_direction MAXIMIZE"),
        ),
        Row(
            "score",
            "numeric",
            settings=scale(0, 1, 0.1),
            lost=("no step", "optimization_direction MAXIMIZE"),
        ),
        Row("notes", "text"),
    ),
    "phoenix/phoenix-rest-list-categorical.json": (
        PHOENIX_SEEDED,
        Row(
            "config-name",
            "categorical",
            settings=options(("Good", "1"), ("Bad", "0")),
            lost=("kept as text", "optimization_direction MAXIMIZE"),
        ),
    ),
    "phoenix/phoenix-rest-list-continuous-0-100.json": (
        PHOENIX_SEEDED,
        Row(
            "config-name",
            "numeric",
            settings=scale(0, 100, 1),
            lost=("no step", "optimization_direction MAXIMIZE"),
        ),
    ),
    "phoenix/phoenix-rest-list-continuous-updated.json": (
        PHOENIX_SEEDED,
        Row(
            "updated-config-name",
            "numeric",
            "invalid",
            lost=("optimization_direction MINIMIZE",),
            error="lower_bound -10 is negative",
        ),
    ),
    "phoenix/phoenix-rest-list-freeform.json": (
        PHOENIX_SEEDED,
        Row(
            "config-name",
            "text",
            lost=("threshold, lower_bound, upper_bound", "optimization_direction MAXIMIZE"),
        ),
    ),
    # Phoenix allows a single value; our server needs two options.
    "phoenix/phoenix-single-value-categorical.json": (
        PHOENIX_SEEDED,
        Row(
            "valid-values-pass-validation",
            "categorical",
            "invalid",
            lost=("kept as text", "optimization_direction MAXIMIZE"),
            error="'values' has one ('A')",
        ),
    ),
}

EXPECTED: dict[str, Expectation] = {
    **ARGILLA,
    **BRAINTRUST,
    **LANGFUSE,
    **LANGSMITH,
    **OPIK,
    **PHOENIX,
}
