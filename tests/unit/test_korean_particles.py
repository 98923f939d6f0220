"""Korean particles follow the sound the word before them ends in."""

from __future__ import annotations

from common.adapters.offline.writer.korean import attach_particles


def test_a_word_ending_in_a_consonant_takes_the_consonant_form() -> None:
    assert attach_particles("민준은/는 로봇을/를 만났어요") == "민준은 로봇을 만났어요"
    assert attach_particles("민준과/와 하나") == "민준과 하나"
    assert attach_particles("로봇이었어요/였어요.") == "로봇이었어요."


def test_a_word_ending_in_a_vowel_takes_the_vowel_form() -> None:
    assert attach_particles("하나은/는 고양이을/를 만났어요") == "하나는 고양이를 만났어요"
    assert attach_particles("하나이/가 왔어요") == "하나가 왔어요"
    assert attach_particles("고양이이었어요/였어요.") == "고양이였어요."


def test_rieul_takes_ro_like_a_vowel() -> None:
    assert attach_particles("말으로/로") == "말로"
    assert attach_particles("숲으로/로 바다으로/로") == "숲으로 바다로"


def test_text_without_a_pair_after_hangul_is_left_alone() -> None:
    assert attach_particles("and/or, 1/2, ピコは/が") == "and/or, 1/2, ピコは/が"
