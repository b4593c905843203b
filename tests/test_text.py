"""Name keys and sentence spans: the normalisation every stage shares."""

from geobrief.text import name_key, sentence_at, sentence_spans


def test_name_key_folds_case_diacritics_dashes_and_apostrophes():
    assert name_key("Al-Ḩasakah") == name_key("al Hasakah") == "al hasakah"
    assert name_key("St. Louis") == "st louis"
    assert name_key("Côte d’Ivoire") == name_key("Cote d'Ivoire")
    assert name_key("  São   Paulo ") == "sao paulo"
    assert name_key("—") == ""


def test_sentences_do_not_break_after_titles_initials_or_abbreviations():
    text = (
        "Mr. Putin met Gen. Smith in St. Petersburg on Dec. 3. Vladimir V. Putin spoke. The U.S. Army left."
    )
    sents = [text[s:e] for s, e in sentence_spans(text)]
    assert sents == [
        "Mr. Putin met Gen. Smith in St. Petersburg on Dec. 3.",
        "Vladimir V. Putin spoke.",
        "The U.S. Army left.",
    ]


def test_sentences_break_at_line_ends_and_offsets_point_into_text():
    text = "First line without stop\nSecond one! Third? \n\n  Fourth."
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == ["First line without stop", "Second one!", "Third?", "Fourth."]
    assert sentence_at(spans, text.index("Third")) == spans[2]
    assert sentence_at(spans, text.index("Fourth") + 3) == spans[3]


WIRE = (
    "LONDON, March 1 - Iran said its forces had captured one of\n"
    "Iraq's strongest positions east of Basra in a major battle\n"
    "overnight, the news agency said.\n"
    "    Iraq denied the report and said its troops had pushed\n"
    "back the attack near the city.\n"
    " REUTER"
)


def test_hard_wrapped_wire_copy_keeps_its_sentences_across_line_breaks():
    from geobrief.text import is_hard_wrapped, sentence_spans

    assert is_hard_wrapped(WIRE)
    sentences = [WIRE[a:b] for a, b in sentence_spans(WIRE)]
    assert len(sentences) == 3
    assert sentences[0].startswith("LONDON") and sentences[0].endswith("agency said.")
    assert sentences[1].startswith("Iraq denied") and sentences[1].endswith("the city.")


def test_ordinary_text_still_breaks_at_line_ends():
    from geobrief.text import is_hard_wrapped, sentence_spans

    text = "Russian strikes hit Kharkiv\nKYIV (AP) - Drones struck the city overnight, officials said. More follow."
    assert not is_hard_wrapped(text)
    assert [text[a:b] for a, b in sentence_spans(text)][0] == "Russian strikes hit Kharkiv"
    one_line_paragraphs = "A long first paragraph that runs on. " * 4 + "\n" + "Second paragraph here. " * 5
    assert not is_hard_wrapped(one_line_paragraphs * 3)


def test_names_broken_by_a_wrap_are_recognised_whole():
    from geobrief.model import Article
    from geobrief.pipeline import Pipeline

    text = (
        "WASHINGTON, May 3 - Officials said the talks in San\n"
        "Salvador would resume next week after a pause of two\n"
        "months, and that envoys would meet in Mexico City on the\n"
        "way back to the capital.\n"
        " REUTER"
    )
    names = {r.mention.text for r in Pipeline().analyse(Article("w", text)).resolutions}
    assert "San Salvador" in names


def test_a_text_without_full_stops_is_cut_into_bounded_windows_at_white_space():
    from geobrief.text import MAX_SENTENCE_CHARS

    words = ["troops", "withdrew", "from", "Aleppo", "and", "shelled", "Homs"]
    text = " ".join(words[i % len(words)] for i in range(3000))  # ~20 KB, no full stop
    spans = sentence_spans(text)
    assert len(spans) > 1 and all(e - s <= MAX_SENTENCE_CHARS for s, e in spans)
    # nothing lost and no word cut: the windows hold every word, in order
    assert " ".join(text[s:e] for s, e in spans) == text
    assert all(text[s - 1] == " " for s, _ in spans[1:])


def test_ordinary_sentences_are_never_windowed():
    text = "A long sentence, " + "with a clause, " * 30 + "ends here. Another follows."
    assert [text[s:e] for s, e in sentence_spans(text)][-1] == "Another follows."
    assert len(sentence_spans(text)) == 2
