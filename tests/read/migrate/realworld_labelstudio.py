"""What each real Label Studio config in ../shared/realworld/labelstudio must become.

Written by reading each config, not by recording the output: every control tag is a row in
XML order; region, taxonomy, ranking, pairwise, date and editable-chat controls are
skipped with why; per-region and conditional controls come in as whole-item labels with
`lost` saying so; each attribute the mapping drops is a word in `lost`.
"""

from __future__ import annotations

from typing import Any

from tests.read.migrate.realworld import Expectation, Refused, Row

# Refused and Row are what the table is written in.
__all__ = ["EXPECTED", "Refused", "Row"]


def opts(*options: str | tuple[str, str]) -> list[dict[str, Any]]:
    """Stored options: a plain string is its own value; a pair is (label, alias)."""
    pairs = [o if isinstance(o, tuple) else (o, o) for o in options]
    return [{"label": label, "value": value} for label, value in pairs]


EXPECTED: dict[str, Expectation] = {
    "labelstudio/doc-llm_rag_human_feedback.xml": (
        Row("rank", "", status="skipped", error="orders or groups"),
        Row(
            "answer_relevancy",
            "categorical",
            settings={"options": opts("Relevant", "Non Relevant"), "multi_choice": False},
            lost=("html", "showInline"),
        ),
        Row(
            "faithfulness",
            "categorical",
            settings={"options": opts("Relevant", "Non Relevant"), "multi_choice": False},
            lost=("html", "showInline"),
        ),
    ),
    "labelstudio/doc-llm_response_grading.xml": (
        Row("rating", "star", settings={"no_of_stars": 5}, lost=("required",)),
    ),
    "labelstudio/doc-llm_response_moderation.xml": (
        Row("evals", "", status="skipped", error="picks from a"),
    ),
    "labelstudio/doc-two_level_sentiment_x_twitter.xml": (
        Row(
            "sentiment",
            "categorical",
            settings={"options": opts("Positive", "Neutral", "Negative"), "multi_choice": False},
            lost=("hint",),
        ),
        Row(
            "other-props",
            "categorical",
            settings={
                "options": opts("Descriptive", "Emotional", "Mixed", "Ambigous", "Sarcams"),
                "multi_choice": True,
            },
            lost=(
                'visibleWhen="choice-selected"',
                'whenTagName="sentiment"',
                "hint",
                "showInLine",
                "<View>",
            ),
        ),
    ),
    "labelstudio/fe-audio_classification.xml": (
        Row(
            "label",
            "categorical",
            settings={
                "options": opts("Politics", "Business", "Education", "Other"),
                "multi_choice": False,
            },
            lost=("showInline",),
        ),
    ),
    "labelstudio/fe-audio_regions.xml": (
        Row("label", "", status="skipped", error="labels regions of"),
        Row(
            "choice",
            "categorical",
            settings={"options": opts("Lo-Fi", "Rock", "Pop"), "multi_choice": True},
        ),
        Row(
            "overall",
            "numeric",
            settings={"min": 0, "max": 10, "step_size": 1, "display_type": "button"},
            lost=("no lower bound", "no upper bound", "no step", "defaultValue"),
        ),
        Row(
            "fragment",
            "numeric",
            settings={"min": 0, "max": 10, "step_size": 1, "display_type": "button"},
            lost=(
                "perRegion",
                'visibleWhen="region-selected"',
                "no lower bound",
                "no upper bound",
                "no step",
            ),
        ),
    ),
    "labelstudio/fe-classification_mixed.xml": (
        Row("label", "", status="skipped", error="labels regions of"),
        Row(
            "num",
            "numeric",
            settings={"min": 1, "max": 10, "step_size": 1, "display_type": "button"},
            lost=("no step",),
        ),
        Row("dt", "", status="skipped", error="records a date"),
        Row("txt", "text", lost=("editable",)),
        Row("txt2", "text", lost=("perRegion", 'visibleWhen="region-selected"', "editable")),
        Row(
            "choices",
            "categorical",
            settings={"options": opts("Choice 1", "Choice 2"), "multi_choice": False},
            lost=("background",),
        ),
        Row("taxonomy", "", status="skipped", error="picks from a"),
    ),
    "labelstudio/fe-datetime.xml": (
        Row("full", "", status="skipped", error="records a date"),
        Row("label", "", status="skipped", error="labels regions of"),
        Row("date", "", status="skipped", error="records a date"),
        Row("year", "", status="skipped", error="records a date"),
    ),
    "labelstudio/fe-dialogue_analysis.xml": (
        Row(
            "chc-1",
            "categorical",
            settings={
                "options": opts("Bad answer", "Neutral answer", "Good answer"),
                "multi_choice": False,
            },
            lost=("showInline",),
        ),
        Row("answer", "text", lost=("no toName",)),
    ),
    "labelstudio/fe-e2e-dynamic-choices.xml": (
        Row(
            "choices",
            "categorical",
            status="invalid",
            lost=("hotkey", "allownested"),
            error='the options of <Choices name="choices"> come from ',
        ),
    ),
    "labelstudio/fe-e2e-numpad-hotkeys.xml": (
        Row(
            "choises",
            "categorical",
            status="invalid",
            lost=("hotkey",),
            error='<Choices name="choises"> has 1 option(s); a catego',
        ),
    ),
    "labelstudio/fe-html_document.xml": (
        Row("ner", "", status="skipped", error="labels regions of"),
    ),
    "labelstudio/fe-image_bbox.xml": (Row("tag", "", status="skipped", error="labels regions of"),),
    "labelstudio/fe-image_classification.xml": (
        Row(
            "choice", "categorical", settings={"options": opts("CAT", "DOG"), "multi_choice": False}
        ),
    ),
    "labelstudio/fe-image_ellipses.xml": (
        Row("tag", "", status="skipped", error="labels regions of"),
        Row(
            "choice",
            "categorical",
            settings={"options": opts("Space", "Underground"), "multi_choice": False},
        ),
    ),
    "labelstudio/fe-image_list_perregion.xml": (
        Row("tag", "", status="skipped", error="labels regions of"),
        Row(
            "type",
            "categorical",
            settings={"options": opts("Planet", "Moonwalker"), "multi_choice": False},
            lost=("perRegion", 'visibleWhen="region-selected"'),
        ),
    ),
    "labelstudio/fe-image_multilabel.xml": (
        Row("tag", "", status="skipped", error="labels regions of"),
        Row(
            "choice",
            "categorical",
            settings={"options": opts("Space", "Underground"), "multi_choice": False},
        ),
    ),
    "labelstudio/fe-image_ocr.xml": (
        Row("label", "", status="skipped", error="labels regions of"),
        Row("bbox", "", status="skipped", error="labels regions of"),
        Row("poly", "", status="skipped", error="labels regions of"),
        Row(
            "transcription",
            "text",
            settings={"placeholder": "Recognized Text"},
            lost=("perRegion", "editable", "rows", "displayMode", "required", "maxSubmissions"),
        ),
    ),
    "labelstudio/fe-named_entity.xml": (
        Row("ner", "", status="skipped", error="labels regions of"),
    ),
    "labelstudio/fe-nested_choices-complicated.xml": (
        Row("ner", "", status="skipped", error="labels regions of"),
        Row(
            "sentiment",
            "categorical",
            settings={"options": opts("Positive", "Negative", "Neutral"), "multi_choice": False},
            lost=("showInLine",),
        ),
        Row(
            "description",
            "text",
            lost=("perRegion", 'whenLabelValue="Person"', "choice", "showInLine"),
        ),
        Row(
            "gender",
            "categorical",
            settings={"options": opts("Female", "Male"), "multi_choice": False},
            lost=("perRegion", 'whenLabelValue="Person"', "showInLine"),
        ),
        Row(
            "currency",
            "categorical",
            settings={"options": opts("USD", "EUR"), "multi_choice": False},
            lost=("perRegion", 'whenLabelValue="Money"', "showInLine"),
        ),
        Row(
            "sentiment2",
            "categorical",
            settings={"options": opts("Positive", "Negative"), "multi_choice": False},
            lost=("perRegion", "showInLine"),
        ),
    ),
    "labelstudio/fe-nested_choices.xml": (
        Row(
            "sentiment",
            "categorical",
            settings={"options": opts("Positive", "Negative", "Neutral"), "multi_choice": False},
            lost=("showInLine",),
        ),
        Row(
            "ch",
            "categorical",
            settings={"options": opts("Descriptive", "Emotional"), "multi_choice": False},
            lost=('visibleWhen="choice-selected"', "showInLine"),
        ),
    ),
    "labelstudio/fe-pairwise.xml": (Row("pw", "", status="skipped", error="picks one of"),),
    "labelstudio/fe-ranker.xml": (Row("rank", "", status="skipped", error="orders or groups"),),
    "labelstudio/fe-ranker_buckets.xml": (
        Row("rank", "", status="skipped", error="orders or groups"),
    ),
    "labelstudio/fe-references.xml": (
        Row(
            "validation-label",
            "categorical",
            settings={
                "options": opts(("Missing words", "missing-words"), ("Valid", "valid")),
                "multi_choice": False,
            },
        ),
    ),
    "labelstudio/fe-repeater.xml": (
        Row(
            "utterance_action",
            "categorical",
            settings={
                "options": opts("No Action", "Training", "New Intent"),
                "multi_choice": False,
            },
            lost=("Repeater", "selected", "showInline"),
        ),
    ),
    "labelstudio/fe-required.xml": (
        Row(
            "validation-label",
            "categorical",
            settings={
                "options": opts(("Missing words", "missing-words"), ("Valid", "valid")),
                "multi_choice": False,
            },
            lost=("required",),
        ),
        Row(
            "second",
            "categorical",
            settings={
                "options": opts(("Don't select me", "dont"), ("Me neither", "neither")),
                "multi_choice": False,
            },
            lost=("required",),
        ),
    ),
    "labelstudio/fe-sentiment_analysis.xml": (
        Row(
            "sentiment",
            "categorical",
            settings={"options": opts("Positive", "Negative", "Neutral"), "multi_choice": False},
            lost=("showInLine",),
        ),
    ),
    "labelstudio/fe-table.xml": (
        Row(
            "sub",
            "categorical",
            settings={
                "options": opts("Tuna", "Vegetables", "Chicken", "Spicy"),
                "multi_choice": False,
            },
        ),
    ),
    "labelstudio/fe-taxonomy.xml": (
        Row("tax", "", status="skipped", error="picks from a"),
        Row(
            "sentiment",
            "categorical",
            settings={"options": opts("Positive", "Negative", "Neutral"), "multi_choice": False},
            lost=("showInLine",),
        ),
        Row(
            "ch",
            "categorical",
            settings={"options": opts("Descriptive", "Emotional"), "multi_choice": False},
            lost=('visibleWhen="choice-selected"', "showInLine"),
        ),
    ),
    "labelstudio/fe-timeseries.xml": (
        Row("label", "", status="skipped", error="labels regions of"),
    ),
    "labelstudio/fe-transcribe_audio.xml": (
        Row("answer", "text", lost=("transcription", "rows", "maxSubmissions")),
    ),
    "labelstudio/fe-video.xml": (
        Row(
            "choice",
            "categorical",
            settings={"options": opts("Sci-Fi", "Thriller", "Comedy"), "multi_choice": True},
        ),
    ),
    "labelstudio/project-tpl-chatbot-assessment.json": (
        Row("likert_scale", "star", settings={"no_of_stars": 7}, lost=("no toName",)),
        Row(
            "fails_to_follow",
            "categorical",
            settings={"options": opts("Yes", "No"), "multi_choice": False},
            lost=("showInline",),
        ),
        Row(
            "inappropriate_for_customer",
            "categorical",
            settings={"options": opts("Yes", "No"), "multi_choice": False},
            lost=("showInline",),
        ),
        Row(
            "hallucination",
            "categorical",
            settings={"options": opts("Yes", "No"), "multi_choice": False},
            lost=("showInline",),
        ),
        Row(
            "satisfies_constraint",
            "categorical",
            settings={"options": opts("Yes", "No"), "multi_choice": False},
            lost=("showInline",),
        ),
        Row(
            "contains_sexual",
            "categorical",
            settings={"options": opts("Yes", "No"), "multi_choice": False},
            lost=("showInline",),
        ),
        Row(
            "contains_violent",
            "categorical",
            settings={"options": opts("Yes", "No"), "multi_choice": False},
            lost=("showInline",),
        ),
        Row(
            "encourages_violence",
            "categorical",
            settings={"options": opts("Yes", "No"), "multi_choice": False},
            lost=("showInline",),
        ),
        Row(
            "denigrates_protected_class",
            "categorical",
            settings={"options": opts("Yes", "No"), "multi_choice": False},
            lost=("showInline",),
        ),
        Row(
            "gives_harmful_advice",
            "categorical",
            settings={"options": opts("Yes", "No"), "multi_choice": False},
            lost=("showInline",),
        ),
        Row(
            "expresses_opinion",
            "categorical",
            settings={"options": opts("Yes", "No"), "multi_choice": False},
            lost=("showInline",),
        ),
        Row(
            "expresses_moral_judgment",
            "categorical",
            settings={"options": opts("Yes", "No"), "multi_choice": False},
            lost=("showInline",),
        ),
    ),
    "labelstudio/project-user-monach-eval.json": (
        Row(
            "life_stage",
            "categorical",
            settings={
                "options": opts("Egg", "Larva", "Pupa", "Adult", "Unknown"),
                "multi_choice": False,
            },
            lost=("required",),
        ),
        Row(
            "adult_behavior",
            "categorical",
            settings={
                "options": opts(
                    "Resting", "Flying", "Nectaring", "Clustering", "Mating", "Ovipositing", "Other"
                ),
                "multi_choice": False,
            },
            lost=(
                'visibleWhen="choice-selected"',
                'whenTagName="life_stage"',
                'whenChoiceValue="Adult"',
                "required",
            ),
        ),
        Row(
            "adult_other_details",
            "text",
            settings={"placeholder": "Describe the behavior..."},
            lost=(
                'visibleWhen="choice-selected"',
                'whenTagName="adult_behavior"',
                'whenChoiceValue="Other"',
                "rows",
                "required",
                "maxSubmissions",
            ),
        ),
        Row(
            "larva_instar",
            "categorical",
            settings={
                "options": opts("Early instar", "Late instar", "Other"),
                "multi_choice": False,
            },
            lost=(
                'visibleWhen="choice-selected"',
                'whenTagName="life_stage"',
                'whenChoiceValue="Larva"',
                "required",
            ),
        ),
        Row(
            "larva_other_details",
            "text",
            settings={"placeholder": "Describe the larva..."},
            lost=(
                'visibleWhen="choice-selected"',
                'whenTagName="larva_instar"',
                'whenChoiceValue="Other"',
                "rows",
                "required",
                "maxSubmissions",
            ),
        ),
        Row(
            "unknown_details",
            "text",
            settings={"placeholder": "Why is the life stage unknown? What can you see?"},
            lost=(
                'visibleWhen="choice-selected"',
                'whenTagName="life_stage"',
                'whenChoiceValue="Unknown"',
                "rows",
                "required",
                "maxSubmissions",
            ),
        ),
    ),
    "labelstudio/sdk-all-control-tags.xml": (
        Row("rating", "star", settings={"no_of_stars": 10}, lost=("required",)),
        Row("date", "", status="skipped", error="records a date"),
        Row("taxonomy", "", status="skipped", error="picks from a"),
        Row(
            "number",
            "numeric",
            settings={"min": 0, "max": 100, "step_size": 1, "display_type": "button"},
            lost=("no step",),
        ),
        Row("pw", "", status="skipped", error="picks one of"),
    ),
    "labelstudio/sdk-classification-with-textarea.xml": (
        Row("reasoning", "text"),
        Row(
            "sentiment",
            "categorical",
            settings={"options": opts("Positive", "Negative", "Neutral"), "multi_choice": False},
        ),
    ),
    "labelstudio/sdk-textarea-lowercase-tag.xml": (
        Row("from_name", "text"),
        Row(
            "another_name",
            "categorical",
            settings={"options": opts("yes", "no"), "multi_choice": False},
        ),
    ),
    "labelstudio/sdk-two-tonames.xml": (
        Row(
            "from_name",
            "categorical",
            settings={"options": opts("yes", "no"), "multi_choice": False},
        ),
    ),
    "labelstudio/tpl-asr-hypotheses-dynamic.xml": (
        Row(
            "transcriptions",
            "categorical",
            status="invalid",
            lost=("selection",),
            error='the options of <Choices name="transcriptions"> com',
        ),
    ),
    "labelstudio/tpl-chat_eval.xml": (Row("chat", "", status="skipped", error="is an editable"),),
    "labelstudio/tpl-chat_llm_eval.xml": (
        Row(
            "answered_rating",
            "categorical",
            settings={
                "options": opts(
                    "5 - Yes - all of them were answered",
                    "4 - Mostly yes - most of them were answered",
                    "3 - Mixed - some yes, some no",
                    "2 - Mostly no - very few were answered",
                    "1 - No - none of them were answered",
                ),
                "multi_choice": False,
            },
            lost=("showInline", "required"),
        ),
        Row(
            "topics",
            "categorical",
            settings={
                "options": opts(
                    "Project Setup",
                    "Billing",
                    "Request Live Support",
                    "Labeling Config",
                    "Integrations/SDK",
                    "Bug/Issue",
                    "Other",
                ),
                "multi_choice": True,
            },
            lost=("showInline",),
        ),
        Row(
            "comments",
            "text",
            settings={"placeholder": "Add any notes or edge cases..."},
            lost=("rows",),
        ),
    ),
    "labelstudio/tpl-chat_red_team.xml": (
        Row(
            "user_risk",
            "categorical",
            settings={
                "options": opts("0 - Benign", "1 - Borderline", "2 - Risky", "3 - Clear risk"),
                "multi_choice": False,
            },
            lost=("perRegion", 'visibleWhen="region-selected"', 'whenRole="user"', "showInline"),
        ),
        Row(
            "user_jailbreak_tactic",
            "categorical",
            settings={
                "options": opts("Role play", "Indirect prompt", "Obfuscated"),
                "multi_choice": True,
            },
            lost=("perRegion", 'visibleWhen="region-selected"', 'whenRole="user"', "showInline"),
        ),
        Row(
            "assistant_outcome",
            "categorical",
            settings={
                "options": opts("Compliant", "Safe-refusal", "Policy Violation", "Over refusal"),
                "multi_choice": False,
            },
            lost=(
                "perRegion",
                'visibleWhen="region-selected"',
                'whenRole="assistant"',
                "showInline",
            ),
        ),
        Row(
            "assistant_refusal_quality",
            "categorical",
            settings={
                "options": opts(
                    "Missing or hostile", "Clear but unhelpful", "Clear, offers safe alternative"
                ),
                "multi_choice": False,
            },
            lost=(
                "perRegion",
                'visibleWhen="region-selected"',
                'whenRole="assistant"',
                'visibleWhen="choice-selected"',
                'whenTagName="assistant_outcome"',
                'whenChoiceValue="Safe-refusal,Policy Violation,Over refusal"',
                "showInline",
            ),
        ),
    ),
    "labelstudio/tpl-chat_rlhf.xml": (
        Row("rating", "star", settings={"no_of_stars": 5}),
        Row("conversation_comment", "text"),
        Row(
            "assistant_response_accuracy",
            "star",
            settings={"no_of_stars": 5},
            lost=("perRegion", 'visibleWhen="region-selected"', 'whenRole="assistant"', "icon"),
        ),
        Row(
            "relevance",
            "categorical",
            settings={
                "options": opts("Highly relevant", "Somewhat relevant", "Not relevant"),
                "multi_choice": False,
            },
            lost=("perRegion", 'visibleWhen="region-selected"', 'whenRole="assistant"'),
        ),
        Row(
            "correctness",
            "categorical",
            settings={
                "options": opts(
                    "Accurate and factual",
                    "Mostly accurate with minor issues",
                    "Contains significant errors",
                ),
                "multi_choice": False,
            },
            lost=("perRegion", 'visibleWhen="region-selected"', 'whenRole="assistant"'),
        ),
        Row(
            "tone",
            "categorical",
            settings={
                "options": opts("Too formal", "Too casual", "Appropriate"),
                "multi_choice": True,
            },
            lost=("perRegion", 'visibleWhen="region-selected"', 'whenRole="assistant"'),
        ),
        Row(
            "message_comment",
            "text",
            lost=("perRegion", 'visibleWhen="region-selected"', 'whenRole="assistant"'),
        ),
    ),
    "labelstudio/tpl-chatbot-assessment.xml": (
        Row("likert_scale", "star", settings={"no_of_stars": 7}, lost=("no toName",)),
        Row(
            "fails_to_follow",
            "categorical",
            settings={"options": opts("Yes", "No"), "multi_choice": False},
            lost=("showInline",),
        ),
        Row(
            "inappropriate_for_customer",
            "categorical",
            settings={"options": opts("Yes", "No"), "multi_choice": False},
            lost=("showInline",),
        ),
        Row(
            "hallucination",
            "categorical",
            settings={"options": opts("Yes", "No"), "multi_choice": False},
            lost=("showInline",),
        ),
        Row(
            "satisfies_constraint",
            "categorical",
            settings={"options": opts("Yes", "No"), "multi_choice": False},
            lost=("showInline",),
        ),
        Row(
            "contains_sexual",
            "categorical",
            settings={"options": opts("Yes", "No"), "multi_choice": False},
            lost=("showInline",),
        ),
        Row(
            "contains_violent",
            "categorical",
            settings={"options": opts("Yes", "No"), "multi_choice": False},
            lost=("showInline",),
        ),
        Row(
            "encourages_violence",
            "categorical",
            settings={"options": opts("Yes", "No"), "multi_choice": False},
            lost=("showInline",),
        ),
        Row(
            "denigrates_protected_class",
            "categorical",
            settings={"options": opts("Yes", "No"), "multi_choice": False},
            lost=("showInline",),
        ),
        Row(
            "gives_harmful_advice",
            "categorical",
            settings={"options": opts("Yes", "No"), "multi_choice": False},
            lost=("showInline",),
        ),
        Row(
            "expresses_opinion",
            "categorical",
            settings={"options": opts("Yes", "No"), "multi_choice": False},
            lost=("showInline",),
        ),
        Row(
            "expresses_moral_judgment",
            "categorical",
            settings={"options": opts("Yes", "No"), "multi_choice": False},
            lost=("showInline",),
        ),
    ),
    "labelstudio/tpl-human-feedback-collection.xml": (
        Row("comparison", "", status="skipped", error="picks one of"),
    ),
    "labelstudio/tpl-llm-ranker.xml": (
        Row("rank", "", status="skipped", error="orders or groups"),
    ),
    "labelstudio/tpl-pairwise-regression.xml": (
        Row("rating", "star", settings={"no_of_stars": 5}),
    ),
    "labelstudio/tpl-pdf-classification.xml": (
        Row("rating", "star", settings={"no_of_stars": 10}, lost=("icon", "size")),
        Row(
            "choices",
            "categorical",
            settings={"options": opts("Important article", "Yellow press"), "multi_choice": False},
            lost=("showInline",),
        ),
    ),
    "labelstudio/tpl-signal-quality-detection.xml": (
        Row("rating", "star", settings={"no_of_stars": 10}, lost=("icon", "size")),
    ),
    "labelstudio/tpl-supervised-llm.xml": (
        Row(
            "instruction",
            "text",
            settings={"placeholder": "Type your answer here..."},
            lost=("rows", "required", "requiredMessage", "maxSubmissions"),
        ),
    ),
    "labelstudio/tpl-taxonomy.xml": (Row("taxonomy", "", status="skipped", error="picks from a"),),
    "labelstudio/tpl-text-classification.xml": (
        Row(
            "sentiment",
            "categorical",
            settings={"options": opts("Positive", "Negative", "Neutral"), "multi_choice": False},
            lost=("showInLine",),
        ),
    ),
    "labelstudio/tpl-visual-question-answering.xml": (
        Row("aspect", "", status="skipped", error="labels regions of"),
        Row("answer1", "text", lost=("rows", "maxSubmissions")),
        Row("answer2", "text", lost=("rows", "maxSubmissions")),
        Row("answer3", "text", lost=("rows", "maxSubmissions")),
        Row("answer4", "text", lost=("rows", "maxSubmissions")),
    ),
    "labelstudio/tpl-zh-image-classification.xml": (
        Row(
            "choice",
            "categorical",
            settings={
                "options": opts("Adult content", "Weapons", "Violence"),
                "multi_choice": False,
            },
        ),
    ),
    "labelstudio/user-batchlocallm.xml": (
        Row(
            "overall_rating",
            "star",
            settings={"no_of_stars": 10},
            lost=("icon", "size", "required"),
        ),
        Row(
            "recommendation",
            "categorical",
            settings={
                "options": opts("Strong Yes", "Yes", "Maybe", "No", "Strong No"),
                "multi_choice": False,
            },
            lost=("style", "required"),
        ),
        Row(
            "educational_pedigree",
            "categorical",
            settings={
                "options": opts("Exceptional", "Strong", "Good", "Average", "Weak"),
                "multi_choice": False,
            },
            lost=("required",),
        ),
        Row(
            "company_pedigree",
            "categorical",
            settings={
                "options": opts("Exceptional", "Strong", "Good", "Average", "Weak"),
                "multi_choice": False,
            },
            lost=("required",),
        ),
        Row(
            "trajectory",
            "categorical",
            settings={
                "options": opts("Exceptional", "Strong", "Good", "Average", "Weak"),
                "multi_choice": False,
            },
            lost=("required",),
        ),
        Row(
            "is_software_engineer",
            "categorical",
            settings={"options": opts("Yes", "No"), "multi_choice": False},
            lost=("required",),
        ),
        Row(
            "notes",
            "text",
            settings={"placeholder": "Any additional observations..."},
            lost=("rows",),
        ),
    ),
    "labelstudio/user-monach-eval.xml": (
        Row(
            "life_stage",
            "categorical",
            settings={
                "options": opts("Egg", "Larva", "Pupa", "Adult", "Unknown"),
                "multi_choice": False,
            },
            lost=("required",),
        ),
        Row(
            "adult_behavior",
            "categorical",
            settings={
                "options": opts(
                    "Resting", "Flying", "Nectaring", "Clustering", "Mating", "Ovipositing", "Other"
                ),
                "multi_choice": False,
            },
            lost=(
                'visibleWhen="choice-selected"',
                'whenTagName="life_stage"',
                'whenChoiceValue="Adult"',
                "required",
            ),
        ),
        Row(
            "adult_other_details",
            "text",
            settings={"placeholder": "Describe the behavior..."},
            lost=(
                'visibleWhen="choice-selected"',
                'whenTagName="adult_behavior"',
                'whenChoiceValue="Other"',
                "rows",
                "required",
                "maxSubmissions",
            ),
        ),
        Row(
            "larva_instar",
            "categorical",
            settings={
                "options": opts("Early instar", "Late instar", "Other"),
                "multi_choice": False,
            },
            lost=(
                'visibleWhen="choice-selected"',
                'whenTagName="life_stage"',
                'whenChoiceValue="Larva"',
                "required",
            ),
        ),
        Row(
            "larva_other_details",
            "text",
            settings={"placeholder": "Describe the larva..."},
            lost=(
                'visibleWhen="choice-selected"',
                'whenTagName="larva_instar"',
                'whenChoiceValue="Other"',
                "rows",
                "required",
                "maxSubmissions",
            ),
        ),
        Row(
            "unknown_details",
            "text",
            settings={"placeholder": "Why is the life stage unknown? What can you see?"},
            lost=(
                'visibleWhen="choice-selected"',
                'whenTagName="life_stage"',
                'whenChoiceValue="Unknown"',
                "rows",
                "required",
                "maxSubmissions",
            ),
        ),
    ),
    "labelstudio/user-news-veracity-corpus.xml": (
        Row("source_type", "text", lost=("rows",)),
        Row("time_ref", "text", lost=("rows",)),
        Row("geo_loc", "text", lost=("rows",)),
        Row("target_entity", "text", lost=("rows",)),
        Row(
            "doc_label",
            "categorical",
            settings={"options": opts("real", "fake"), "multi_choice": False},
            lost=("showInLine", "required"),
        ),
        Row(
            "fake_news_type",
            "categorical",
            settings={
                "options": opts(
                    "conspiracy_theory",
                    "fabricated_news",
                    "satire_or_parody",
                    "misleading_content",
                    "manipulated_content",
                    "false_context",
                    "false_connection",
                    "imposter_content",
                    "deepfake_synthetic_media",
                    "propaganda",
                    "advertising_disguised",
                    "hoax",
                    "rumor",
                ),
                "multi_choice": True,
            },
            lost=(
                'visibleWhen="choice-selected"',
                'whenTagName="doc_label"',
                'whenChoiceValue="fake"',
                "showInLine",
                "required",
            ),
        ),
        Row(
            "author_intent",
            "text",
            lost=(
                'visibleWhen="choice-selected"',
                'whenTagName="doc_label"',
                'whenChoiceValue="fake"',
                "rows",
            ),
        ),
        Row("markers_clickbait", "", status="skipped", error="labels regions of"),
        Row("markers_emotional_pressure", "", status="skipped", error="labels regions of"),
        Row("markers_exaggeration", "", status="skipped", error="labels regions of"),
        Row("markers_downplaying", "", status="skipped", error="labels regions of"),
        Row("markers_scapegoating", "", status="skipped", error="labels regions of"),
        Row("markers_misattribution", "", status="skipped", error="labels regions of"),
        Row(
            "confidence",
            "categorical",
            settings={"options": opts("low", "medium", "high"), "multi_choice": False},
            lost=("showInLine", "required"),
        ),
        Row("notes", "text", lost=("rows",)),
    ),
    "labelstudio/user-television-discourse-hindi.xml": (
        Row(
            "overlap_quality",
            "categorical",
            settings={
                "options": opts("Confirmed overlap", "Single speaker", "Unclear", "Bad candidate"),
                "multi_choice": False,
            },
        ),
        Row(
            "notes",
            "text",
            settings={"placeholder": "Add notes about overlap, speaker identity, or evidence."},
            lost=("editable",),
        ),
    ),
    "labelstudio/user-video-eval-number-step.xml": (
        Row(
            "score_0_0",
            "numeric",
            settings={"min": 0, "max": 5, "step_size": 0.01, "display_type": "slider"},
            lost=("defaultValue",),
        ),
        Row(
            "score_1_4",
            "numeric",
            settings={"min": 0, "max": 5, "step_size": 0.01, "display_type": "slider"},
            lost=("defaultValue",),
        ),
        Row(
            "score_2_0",
            "numeric",
            settings={"min": 0, "max": 5, "step_size": 0.01, "display_type": "slider"},
            lost=("defaultValue",),
        ),
    ),
}
