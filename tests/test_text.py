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
