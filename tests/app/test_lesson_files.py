"""The lesson mode reads the lessons from their files: every lesson's question, steps and
questions are found, and a file that lacks a part is named in one line."""

import pytest

from sim.app.lessons import lessons, model_sections, read_lesson, without_figures
from sim.app.settings import PRESETS

LESSON = """# Lesson 9: A test

**Question.** Why?

**Try it.** Run it.

**In the app** (300 runs).
1. Press **Lesson 9: A test** and
   **Run 300 runs**.
2. Move **troops per guarantor** to 0.

**The figure.** See ![the runs](figures/x.png).

**What to notice.** That. See `docs/model.md` §3.10.

**Questions.** (1) First one,
over two lines? (2) Second (with brackets) one?

**Theory.** Schelling.
"""


def test_a_lesson_file_gives_its_question_steps_and_questions(tmp_path):
    path = tmp_path / "9-test.md"
    path.write_text(LESSON)
    lesson = read_lesson(path)
    assert (lesson.number, lesson.title, lesson.question) == ("9", "A test", "Why?")
    assert lesson.app_note == "(300 runs)."
    assert lesson.steps == (
        "Press **Lesson 9: A test** and **Run 300 runs**.",
        "Move **troops per guarantor** to 0.",
    )
    assert lesson.questions == ("First one, over two lines?", "Second (with brackets) one?")
    assert lesson.cited == ("3.10",) and lesson.figures == (
        ("the runs", tmp_path / "figures/x.png"),
    )
    pieces = without_figures(lesson.text)
    assert pieces[1] == ("the runs", "figures/x.png") and "".join(pieces[::2]) in LESSON.replace(
        "![the runs](figures/x.png)", ""
    )
    path.write_text(LESSON.replace("**Questions.**", "**Asked.**"))
    with pytest.raises(ValueError, match=r"9-test\.md: no part named Questions"):
        read_lesson(path)


def test_every_shipped_lesson_has_steps_questions_its_figures_and_the_sections_it_cites():
    assert [x.number for x in lessons()] == [p.lesson for p in PRESETS]
    for lesson in lessons():
        assert lesson.steps and lesson.questions and lesson.question, lesson.number
        assert lesson.steps[0].startswith(f"Press **Lesson {lesson.number}: {lesson.title}**")
        for _, path in lesson.figures:
            assert path.is_file(), path
        for number in lesson.cited:
            assert number in model_sections(), (lesson.number, number)
    assert model_sections()["3.10"][0].startswith("Where the model departs from the brief")
